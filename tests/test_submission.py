"""submission.py on its own: reading an untrusted notebook and merging it into the instructor's
structure, phase by phase, plus property-based fuzzing of notebook JSON and answer JSON through
prepare, scoring and storing (none of it may raise anything but BadSubmission)."""

from __future__ import annotations

import json
import os
import string
from pathlib import Path

import pytest
from helpers import ROOT
from helpers.grading import find_cell, release_notebook, solution_notebook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.bounds import answer_problem
from autograder.course import Course
from autograder.grading import NotebookJob, score_records, to_record
from autograder.keys import load_keys
from autograder.results import SubmissionOutcome, load_stored, store
from autograder.sandbox import RunResult
from autograder.submission import BadSubmission, prepare, read_notebook, read_plain_file

ASSIGNMENT = "reading_the_sources"
COURSE = Course(ROOT / "exercises")
INSTRUCTOR = COURSE.instructor_notebooks(ASSIGNMENT)[0]
SOURCE = INSTRUCTOR.path


def write(tmp_path, content) -> Path:
    path = tmp_path / "nb.ipynb"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


# --- read_notebook ---------------------------------------------------------------------------

@pytest.mark.parametrize("content, reason", [
    ("{", "invalid JSON"),
    (b"\xff\xfe\x00", "not a text file"),
    ("[1, 2]", "no list of cells"),
    ('{"cells": [1]}', "cell 1 is malformed"),
    ('{"cells": [{"cell_type": "code", "source": 5}]}', "malformed source"),
    ("[" * 50_000 + "]" * 50_000, "nested far too deeply"),
    ('{"cells": [], "m": ' + "[" * 200 + "]" * 200 + "}", "nested more than"),
    (json.dumps({"cells": [{"cell_type": "code", "source": ""}] * 3000}), "3,000 cells"),
])
def test_unusable_notebooks_are_refused_with_the_reason(tmp_path, content, reason):
    with pytest.raises(BadSubmission, match=reason):
        read_notebook(write(tmp_path, content))


def test_links_and_pipes_are_refused_without_reading_them(tmp_path):
    target = tmp_path / "secret"
    target.write_text("SECRET")
    (tmp_path / "link.ipynb").symlink_to(target)
    with pytest.raises(BadSubmission, match="symbolic link") as error:
        read_notebook(tmp_path / "link.ipynb")
    assert "SECRET" not in str(error.value) and str(target) not in str(error.value)
    os.mkfifo(tmp_path / "pipe.ipynb")
    with pytest.raises(BadSubmission, match="not a regular file"):
        read_notebook(tmp_path / "pipe.ipynb")  # would block forever if it were opened for reading
    os.link(target, tmp_path / "hard.ipynb")
    with pytest.raises(BadSubmission, match="hard link") as error:
        read_notebook(tmp_path / "hard.ipynb")
    assert "SECRET" not in str(error.value) and str(target) not in str(error.value)


def test_oversized_files_are_refused_before_reading(tmp_path):
    path = tmp_path / "big.ipynb"
    with open(path, "wb") as f:
        f.truncate(50_000_000)
    with pytest.raises(BadSubmission, match="50 MB"):
        read_notebook(path)
    assert read_plain_file(write(tmp_path, "abc"), 10) == b"abc"


# --- prepare, phase by phase -----------------------------------------------------------------

def test_a_release_notebook_prepares_cleanly():
    prepared = prepare(INSTRUCTOR, release_notebook(SOURCE))
    assert not prepared.flags and not any("changed" in n or "deleted" in n for n in prepared.notes)
    assert prepared.code_cells and len(prepared.cells_for_record) == len(INSTRUCTOR.cells)


def test_added_cells_run_in_the_place_they_were_added():
    nb = release_notebook(SOURCE)
    nb["cells"].insert(3, {"cell_type": "code", "metadata": {}, "source": "MINE = 1"})
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "LAST = 2"})
    prepared = prepare(INSTRUCTOR, nb)
    assert prepared.code_cells[-1] == "LAST = 2"
    assert "MINE = 1" in prepared.code_cells
    assert any("2 added code cell(s)" in n for n in prepared.notes)


def test_edited_read_only_cells_and_settings_are_restored():
    nb = release_notebook(SOURCE)
    qid = next(c.grade_id for c in INSTRUCTOR.cells if c.is_test)
    cell = find_cell(nb, qid)
    cell["source"] = "assert True"
    cell["metadata"]["nbgrader"]["points"] = 1000
    prepared = prepare(INSTRUCTOR, nb)
    assert "assert True" not in prepared.code_cells
    assert any("settings" in n for n in prepared.notes) and any("was edited" in n for n in prepared.notes)


def test_deleted_and_duplicated_cells_are_noted():
    nb = release_notebook(SOURCE)
    answer = next(c.grade_id for c in INSTRUCTOR.cells if c.is_answer and c.cell_type == "code")
    dup = json.loads(json.dumps(find_cell(nb, answer)))
    nb["cells"] = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != answer]
    prepared = prepare(INSTRUCTOR, nb)
    assert prepared.answer_cells[answer] == "" and any("deleted" in n for n in prepared.notes)
    nb["cells"] += [dup, dup]
    assert any("more than once" in n for n in prepare(INSTRUCTOR, nb).notes)


@pytest.mark.parametrize("grade_id", [["a", "list"], {"d": 1}, 5, None, True])
def test_any_grade_id_value_is_handled(grade_id):
    nb = release_notebook(SOURCE)
    nb["cells"][2].setdefault("metadata", {}).setdefault("nbgrader", {})["grade_id"] = grade_id
    prepare(INSTRUCTOR, nb)  # never raises


def test_solution_markers_and_copied_solutions_are_flagged():
    flags = prepare(INSTRUCTOR, solution_notebook(SOURCE)).flags
    assert any("solution markers" in f for f in flags)
    assert any("identical to the instructor's source" in f for f in flags)


# --- fuzzing ---------------------------------------------------------------------------------

json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=5)
                          | st.dictionaries(st.text(max_size=10), inner, max_size=5), max_leaves=30)
meta_keys = st.sampled_from(["grade_id", "grade", "solution", "locked", "points", "schema_version"])
nbgrader_meta = st.dictionaries(meta_keys, json_value | st.sampled_from([c.grade_id for c in INSTRUCTOR.cells
                                                                          if c.grade_id]), max_size=6)
cell = st.fixed_dictionaries({
    "cell_type": st.sampled_from(["code", "markdown", "raw"]) | st.text(max_size=5),
    "source": st.text(max_size=60) | st.lists(st.text(max_size=20), max_size=4),
    "metadata": st.fixed_dictionaries({}, optional={"nbgrader": nbgrader_meta | json_value}) | json_value,
}, optional={"outputs": json_value, "execution_count": json_value, "id": json_value})
notebook = st.fixed_dictionaries({"cells": st.lists(cell, max_size=12)}, optional={"metadata": json_value,
                                                                                    "nbformat": json_value})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(nb=notebook | json_value)
def test_fuzzed_notebooks_prepare_or_fail_cleanly(tmp_path, nb):
    try:
        data = read_notebook(write(tmp_path, nb))
    except BadSubmission:
        return
    prepared = prepare(INSTRUCTOR, data)
    json.dumps(prepared.cells_for_record)  # storable


@pytest.fixture(scope="module")
def keys():
    return load_keys(ASSIGNMENT, ROOT / "exercises")


answer_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(string.printable, max_size=40)
    | st.sampled_from(["b", "c", "iess-analysis", "push", "brotherhood-commentary", "durand_line"]),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=20), inner, max_size=6),
    max_leaves=25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(answers=st.dictionaries(st.sampled_from([q for q in INSTRUCTOR.question_ids]), answer_value, max_size=10),
       missing=st.dictionaries(st.text(max_size=10), json_value, max_size=3),
       cells=json_value, failure=st.text(max_size=20))
def test_fuzzed_answers_score_and_store(tmp_path, keys, answers, missing, cells, failure):
    job = NotebookJob(INSTRUCTOR.name, ["x = 1"], list(INSTRUCTOR.question_ids), {}, [], [])
    run = RunResult(not failure, answers=answers, missing=missing, cells=cells, failure=failure)
    record = to_record(job, run)
    notebooks = score_records(COURSE, ASSIGNMENT, [record], keys)
    for nb in notebooks:
        for q in nb.questions:
            assert 0 <= q["score"] <= q["points"]
    course = Course(ROOT / "exercises")
    course.autograded_dir = lambda s, a: tmp_path / s / a
    store(course, SubmissionOutcome("s", ASSIGNMENT, notebooks), [record], "r", "s")
    assert load_stored(course, ASSIGNMENT, "s")["status"] in ("graded", "failed")


def test_answer_limits():
    assert answer_problem({"a": [1, 2, "x"]}) is None
    assert "digits" in answer_problem(10**400)
    deep = 1
    for _ in range(20):
        deep = [deep]
    assert "nested" in answer_problem(deep)
    assert "characters long" in answer_problem("x" * 100_000)
    assert "not plain data" in answer_problem(object())
