"""Runs INSIDE the sandbox: execute a submission's cells, export the answers as data.

Reads one job (JSON) from stdin: {"cells": [source, ...], "answers": [name, ...],
"cell_output_cap": bytes}. Runs each cell in an IPython shell (so magics work as
in Jupyter), keeps going after errors, then writes one JSON object to fd 3:
{"cells": [{"output": str, "truncated": int, "error": str|null}], "answers":
{name: value}, "missing": {name: reason}}.

Nothing here is trusted by the grader: the student's code runs in this process
and could change anything in it. It can only change its own answers, which the
grader re-validates as plain data and checks against the keys in its own process.
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


def to_plain(value, depth=0, budget=None):
    """Copy `value` into plain JSON data, refusing anything else (subclasses included:
    an object that pretends to equal everything is not an answer)."""
    budget = budget if budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        raise NotPlainData("the answer is too large")
    if depth > MAX_DEPTH:
        raise NotPlainData("the answer is nested too deeply")
    kind = type(value)
    if kind in PLAIN_SCALARS:
        if kind is float and value != value:
            raise NotPlainData("the answer contains NaN")
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
    return shell


def execute(job, result, shell=None):
    """Run the job's cells and write the result JSON to the `result` text stream."""
    sys.stdin = io.StringIO("")  # input() in a student's cell gets EOF, not a hang
    shell = shell or make_shell()
    cap = int(job.get("cell_output_cap", 10_000))
    cells = []
    real_out, real_err = sys.stdout, sys.stderr
    for source in job["cells"]:
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
        cells.append({"output": writer.getvalue(), "truncated": writer.dropped, "error": error})

    answers, missing = {}, {}
    namespace = shell.user_ns
    for name in job["answers"]:
        if name not in namespace:
            missing[name] = f"`{name}` was not defined when the notebook finished running"
            continue
        try:
            answers[name] = to_plain(namespace[name])
        except NotPlainData as exc:
            missing[name] = str(exc)
        except Exception as exc:  # a hostile object that raises while being inspected
            missing[name] = f"the answer could not be read ({type(exc).__name__})"
    json.dump({"cells": cells, "answers": answers, "missing": missing}, result)
    result.flush()


def main():
    result = os.fdopen(int(os.environ.get("AUTOGRADER_RESULT_FD", "3")), "w", encoding="utf-8")
    execute(json.loads(sys.stdin.read()), result)


if __name__ == "__main__":
    main()
