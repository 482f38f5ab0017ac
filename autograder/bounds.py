"""Bounds on the host-side work a student's files and answers can cause.

Everything here runs in the grader's own process on data the student controls (the
notebook file, the answers exported from the sandbox, which a student can forge by
replacing the exporter inside their own process). So: sizes and shapes are checked
before any parsing or scoring work is spent on them, parsing never recurses without
a limit, and each submission's scoring has a wall-clock budget.
"""

from __future__ import annotations

import contextlib
import signal
import threading

# The notebook file (checked with fstat before a byte is read).
MAX_NOTEBOOK_BYTES = 20_000_000
MAX_NOTEBOOK_DEPTH = 64  # nbformat's own nesting is about 6; outputs and metadata add a few levels
MAX_CELLS = 2_000
MAX_NODES = 2_000_000  # JSON values in the whole notebook

# One answer (a question's variable, exported as JSON from the sandbox).
MAX_ANSWER_DEPTH = 16
MAX_ANSWER_NODES = 10_000
MAX_ANSWER_ITEMS = 1_000  # entries of one list or dict
MAX_ANSWER_STRING = 20_000  # characters of one string (a quote is a sentence or two)
MAX_ANSWER_CHARS = 200_000  # characters of all strings together
MAX_INT_DIGITS = 30  # 10**400 is not a count anyone computed from the data

# Other text from the sandbox that is stored and shown (messages, outputs).
MAX_REASON_CHARS = 500
MAX_STREAM_CHARS = 20_000
MAX_RUN_CELLS = 2_000

SCORING_BUDGET_SECONDS = 20.0


def shape_problem(value, *, max_depth: int, max_nodes: int, max_items: int | None = None,
                  max_string: int | None = None, max_chars: int | None = None,
                  max_int_digits: int | None = None) -> str | None:
    """Why `value` (parsed JSON) is too big or too deep to process, or None. Iterative: a
    deeply nested value cannot exhaust the stack here."""
    stack = [(value, 1)]
    nodes = chars = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            return f"it has more than {max_nodes:,} values"
        if depth > max_depth:
            return f"it is nested more than {max_depth} levels deep"
        if isinstance(item, str):
            if max_string is not None and len(item) > max_string:
                return f"a text in it is {len(item):,} characters long (at most {max_string:,})"
            chars += len(item)
            if max_chars is not None and chars > max_chars:
                return f"its texts add up to more than {max_chars:,} characters"
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            continue
        elif isinstance(item, int):
            # Counting digits via bit_length: str() of a huge int is itself the quadratic trap.
            if max_int_digits is not None and item.bit_length() > max_int_digits * 3.33:
                return f"a number in it has more than {max_int_digits} digits"
        elif isinstance(item, (list, tuple)):
            if max_items is not None and len(item) > max_items:
                return f"a list in it has {len(item):,} entries (at most {max_items:,})"
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, dict):
            if max_items is not None and len(item) > max_items:
                return f"a dict in it has {len(item):,} entries (at most {max_items:,})"
            for key, child in item.items():
                stack.append((key, depth + 1))
                stack.append((child, depth + 1))
        else:
            return f"it holds a {type(item).__name__}, which is not plain data"
    return None


def answer_problem(value) -> str | None:
    return shape_problem(value, max_depth=MAX_ANSWER_DEPTH, max_nodes=MAX_ANSWER_NODES, max_items=MAX_ANSWER_ITEMS,
                         max_string=MAX_ANSWER_STRING, max_chars=MAX_ANSWER_CHARS, max_int_digits=MAX_INT_DIGITS)


def notebook_problem(value) -> str | None:
    return shape_problem(value, max_depth=MAX_NOTEBOOK_DEPTH, max_nodes=MAX_NODES)


def clip(text, limit: int) -> str:
    text = text if isinstance(text, str) else str(text)
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit:,} more characters not kept]"


class BudgetExceeded(BaseException):  # noqa: N818 (a BaseException so that `except Exception` in scorers cannot swallow it)
    """The submission's scoring ran past its time budget."""


@contextlib.contextmanager
def budget(seconds: float | None):
    """Interrupt the block after `seconds` of wall-clock time with BudgetExceeded.

    SIGALRM, so only in the main thread (the coordinator scores there); elsewhere the block runs
    unbounded, and the shape limits above are what bounds it. The interpreter checks for signals
    between bytecodes and inside the regex engine's loop, so a backtracking match is interrupted too."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise BudgetExceeded(f"scoring took longer than its budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
