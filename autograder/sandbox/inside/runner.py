"""Runs INSIDE the sandbox: execute a submission's cells, export the answers as data.

Reads one job (JSON) from stdin: {"cells": [source, ...], "answers": [name, ...],
"cell_output_cap": chars}. Runs each cell in an IPython shell (so magics work as in
Jupyter) and keeps going after errors. It reports as it goes, one JSON object per
line on the result descriptor (AUTOGRADER_RESULT_FD), so that a run stopped at
cell k (a timeout, a crash, an exit) still hands over the answers of the cells
before it and says which cell was running:

  {"start": i}                                        cell i begins
  {"cell": i, "output": str, "truncated": n, "error": str|null}   cell i finished
  {"answer": name, "value": v} or {"answer": name, "missing": why}  an answer changed
  {"done": true}                                      every cell ran

Nothing here is trusted by the grader: the student's code runs in this process
and could change anything in it (json.dumps included). It can only change its own
answers, which the host reads with a size cap, re-validates as plain data and
checks against the keys in its own process.
"""

import io
import json
import os
import sys

PLAIN_SCALARS = (str, int, float, bool, type(None))
MAX_DEPTH = 20
MAX_ITEMS = 20_000


class CappedWriter(io.TextIOBase):
    """A stdout/stderr that keeps the first `cap` characters and counts the rest."""

    def __init__(self, cap):
        self.cap = cap
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.cap - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self):
        return "".join(self.parts)


class NotPlainData(ValueError):
    pass


def _numpy_scalar(value):
    """A numpy number or bool as the plain Python value (a count left as numpy.int64 is a count)."""
    numpy = sys.modules.get("numpy")  # pandas values are numpy scalars; never import numpy just to check
    if numpy is None:
        return None
    for kind, plain in ((numpy.bool_, bool), (numpy.integer, int), (numpy.floating, float)):
        if isinstance(value, kind):
            return plain(value)
    return None


def to_plain(value, depth=0, budget=None):
    """Copy `value` into plain JSON data, refusing anything else (subclasses included:
    an object that pretends to equal everything is not an answer). numpy/pandas
    numbers and bools become Python int/float/bool."""
    budget = budget if budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        raise NotPlainData("the answer is too large")
    if depth > MAX_DEPTH:
        raise NotPlainData("the answer is nested too deeply")
    kind = type(value)
    if kind not in PLAIN_SCALARS and kind not in (list, tuple, dict):
        converted = _numpy_scalar(value)
        if converted is not None:
            value, kind = converted, type(converted)
    if kind in PLAIN_SCALARS:
        if kind is float and (value != value or value in (float("inf"), float("-inf"))):
            raise NotPlainData("the answer contains NaN or infinity")
        return value
    if kind in (list, tuple):
        return [to_plain(v, depth + 1, budget) for v in value]
    if kind is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise NotPlainData(f"dict keys must be strings, got a {type(k).__name__}")
            out[k] = to_plain(v, depth + 1, budget)
        return out
    raise NotPlainData(f"the answer must be plain data (str, number, bool, None, list, dict); got a {kind.__name__}")


def make_shell():
    from IPython.core.interactiveshell import InteractiveShell

    class GradingShell(InteractiveShell):
        def enable_gui(self, gui=None):  # no event loop here: `%matplotlib inline` just draws to Agg
            return None

    shell = GradingShell.instance()
    shell.colors = "NoColor"
    # Only text/plain reaches a cell's output (the displayhook and display() print nothing else), so the
    # other formatters (a DataFrame's HTML and LaTeX: 8-23 ms per such cell) would be computed for nothing.
    shell.display_formatter.active_types = ["text/plain"]
    return shell


class Exporter:
    """Sends each answer when it is first defined or changes, so a stopped run keeps what was done."""

    def __init__(self, names, emit):
        self.names = list(names)
        self.emit = emit
        self.sent = {}  # name -> the JSON text last sent (value or reason)

    def export(self, namespace):
        for name in self.names:
            if name not in namespace:
                if name in self.sent:
                    record = {"answer": name, "missing": f"`{name}` was deleted"}
                else:
                    continue
            else:
                try:
                    record = {"answer": name, "value": to_plain(namespace[name])}
                except NotPlainData as exc:
                    record = {"answer": name, "missing": str(exc)}
                except Exception as exc:  # a hostile object that raises while being inspected
                    record = {"answer": name, "missing": f"the answer could not be read ({type(exc).__name__})"}
            text = json.dumps(record, allow_nan=False)
            if self.sent.get(name) != text:
                self.sent[name] = text
                self.emit(text)


def execute(job, result, shell=None):
    """Run the job's cells, writing the records above to the `result` text stream."""
    dumps = json.dumps

    def emit(text):
        result.write(text + "\n")
        result.flush()

    sys.stdin = io.StringIO("")  # input() in a student's cell gets EOF, not a hang
    shell = shell or make_shell()
    cap = int(job.get("cell_output_cap", 10_000))
    exporter = Exporter(job["answers"], emit)
    real_out, real_err = sys.stdout, sys.stderr
    for index, source in enumerate(job["cells"]):
        emit(dumps({"start": index}))
        writer = CappedWriter(cap)
        sys.stdout = sys.stderr = writer
        error = None
        try:
            outcome = shell.run_cell(source, store_history=False, silent=False)
            failure = outcome.error_before_exec or outcome.error_in_exec
            if failure is not None:
                error = f"{type(failure).__name__}: {str(failure)[:500]}"
        except BaseException as exc:  # SystemExit, KeyboardInterrupt from the student's code
            error = f"{type(exc).__name__}: {str(exc)[:500]}"
        finally:
            sys.stdout, sys.stderr = real_out, real_err
        emit(dumps({"cell": index, "output": writer.getvalue(), "truncated": writer.dropped, "error": error}))
        exporter.export(shell.user_ns)
    emit(dumps({"done": True}))


def main():
    fd = int(os.environ.get("AUTOGRADER_RESULT_FD", "3"))
    # Nothing but stdin, stdout/stderr and the result pipe reaches the student's code.
    os.closerange(3, fd)
    os.closerange(fd + 1, 1 << 16)
    result = os.fdopen(fd, "w", encoding="utf-8")
    execute(json.loads(sys.stdin.read()), result)


if __name__ == "__main__":
    main()
