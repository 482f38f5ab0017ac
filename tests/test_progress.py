"""autograder/progress.py: the bar on a terminal, plain lines in a log, and what a stalled bar shows."""

from __future__ import annotations

import io

from autograder.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_one_line_per_step():
    log = io.StringIO()
    bar = Progress(2, "grading", stream=log)
    bar.step("ada: right")
    bar.step("bo: failed")
    bar.close()
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in log.getvalue()
    assert lines[0].startswith("grading [############............] 1/2") and lines[0].endswith("ada: right")
    assert "[########################] 2/2" in lines[1]


def test_a_terminal_gets_one_line_redrawn_and_a_newline_at_the_end():
    term = Terminal()
    bar = Progress(3, "grading", stream=term)
    bar.step("x" * 500)
    bar.close()
    drawn = term.getvalue()
    assert drawn.startswith("\r\033[K") and drawn.endswith("\n") and drawn.count("\n") == 1
    assert len(drawn) < 220  # the line is cut so it never wraps into a second one


def test_disabled_it_counts_but_writes_nothing():
    log = io.StringIO()
    bar = Progress(2, "grading", enabled=False, stream=log)
    bar.step()
    bar.waiting([("ada", 30.0)])
    bar.close()
    assert bar.done == 1 and log.getvalue() == ""


def test_waiting_names_the_longest_running_first_and_a_log_gets_it_at_most_every_15_seconds():
    log = io.StringIO()
    bar = Progress(9, "grading", stream=log)
    bar.waiting([("ada", 3.0), ("bo", 40.0), ("cy", 12.0)])
    bar.waiting([("ada", 5.0)])  # too soon for a log file
    assert log.getvalue() == "grading 0/9 still running: bo 40s, cy 12s, ada 3s\n"
    bar.waiting([])
    assert log.getvalue().count("\n") == 1
