"""Red-team regressions (issue 9 variants not in the attack suite): hostile numbers and notebook
JSON stopped at the boundary, with a clear reason and nothing non-finite stored."""

from __future__ import annotations

import json
import time

import pytest
from helpers.sandbox import attack, require_sandbox

from autograder.sandbox import Limits, run_in_sandbox
from autograder.sandbox.protocol import JobReader
from autograder.submission import BadSubmission, read_notebook


def test_a_forged_record_with_an_overflowing_float_is_refused_not_infinity():
    reader = JobReader(Limits(), ["q1"])
    reader.feed_result(b'{"answer": "q1", "value": 1e400}\n{"done": true}\n')
    result = reader.result(timed_out=False, returncode=0, seconds=0.1)
    assert "q1" not in result.answers and "damaged" in result.failure
    negative = JobReader(Limits(), ["q1"])
    negative.feed_result(b'{"answer": "q1", "value": {"a": [-1e999]}}\n{"done": true}\n')
    assert "damaged" in negative.result(timed_out=False, returncode=0, seconds=0.1).failure
    fine = JobReader(Limits(), ["q1"])
    fine.feed_result(b'{"answer": "q1", "value": 1.5e300}\n{"done": true}\n')
    assert fine.result(timed_out=False, returncode=0, seconds=0.1).answers == {"q1": 1.5e300}


@pytest.mark.sandbox
def test_student_code_forging_infinity_on_the_channel_gets_no_answer():
    require_sandbox()
    result = run_in_sandbox([attack("sandbox_forged_infinity")], ["answer"], Limits(wall_seconds=20))
    assert "answer" not in result.answers and not result.ok
    honest = run_in_sandbox(["answer = sum(range(10))"], ["answer"], Limits(wall_seconds=20))
    assert honest.ok and honest.answers == {"answer": 45}


def test_a_notebook_with_a_5000_digit_integer_is_a_bad_submission_not_a_grader_error(tmp_path):
    path = tmp_path / "a.ipynb"
    path.write_text('{"cells": [{"cell_type": "code", "source": "", "execution_count": ' + "9" * 5000 + "}]}")
    started = time.monotonic()
    with pytest.raises(BadSubmission, match="not a usable notebook"):
        read_notebook(path)
    assert time.monotonic() - started < 2


def test_nan_in_notebook_metadata_never_reaches_the_autograded_notebook_as_invalid_json():
    from autograder.sanitise import sanitise_notebook

    nb = {"metadata": {"x": float("nan")}, "cells": [
        {"cell_type": "code", "source": "", "execution_count": float("inf"), "outputs": [],
         "metadata": {"nbgrader": {"points": float("inf"), "grade": True, "grade_id": "x", "solution": False}}}]}
    json.dumps(sanitise_notebook(nb), allow_nan=False)  # strict JSON: nbformat and formgrader can read it


@pytest.mark.parametrize("hostile", [
    "\x1b]0;PWNED\x07\x1b[2J",  # OSC title + clear screen: obeyed by a terminal showing `export --to -` or `cat grades.csv`
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52: writes the instructor's clipboard
    "\u202eevil\u2066",  # bidi overrides: the note reads differently from what it is
    "\x9b31m",  # C1 CSI
])
def test_a_grade_id_with_escape_sequences_reaches_the_csv_as_visible_text(hostile):
    """A student's cell metadata names the cell; the name is quoted in the submission's notes, which
    the CSV carries: no control or bidi character may reach the file."""
    from autograder.sanitise import csv_safe

    note = f"reading_the_sources: a cell labelled '{hostile}' is not part of this assignment"
    cell = csv_safe(note)
    assert not any(ch in cell for ch in "\x1b\x07\x9b\u202e\u2066"), cell
    assert csv_safe("=" + hostile).startswith("'") or csv_safe("=" + hostile).startswith("\\")
    assert csv_safe("line one\nline two\ttab") == "line one\nline two\ttab"  # what CSV quotes keeps


@pytest.mark.parametrize("unit", ["<div>", "*_", "[", ">"])
def test_pathological_markdown_answers_cost_the_host_little(unit):
    """A written answer is rendered (mistune) and cleaned on the coordinator when the autograded
    notebook is written, outside the scoring budget: 190,000 characters of "<div>" took 22 s there.
    Text over the cap is shown escaped (linear); text at the cap renders in a second or two."""
    from autograder.sanitise import MAX_MARKDOWN_CHARS, sanitise_markdown

    sanitise_markdown("warm up the renderer")
    for size in (190_000, MAX_MARKDOWN_CHARS):
        text = (unit * (size // len(unit) + 1))[:size] + f" {unit}{size}"  # distinct: no cache hit
        started = time.monotonic()
        clean = sanitise_markdown(text)
        assert time.monotonic() - started < 10, (unit, size)
        assert "<script" not in clean and "onerror" not in clean


def test_long_answers_are_not_kept_in_the_markdown_cache():
    """Every submission's long answers cached for the whole run would grow the coordinator by
    megabytes per answer (4,096 entries of up to 2 MB each)."""
    from autograder.sanitise import MAX_CACHED_CHARS, _render_cached, sanitise_markdown

    _render_cached.cache_clear()
    sanitise_markdown("an instructor's prompt")
    sanitise_markdown("x" * (MAX_CACHED_CHARS + 1))
    sanitise_markdown("y" * 1_000_000)
    assert _render_cached.cache_info().currsize == 1
