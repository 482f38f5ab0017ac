"""gradebook.py against a real nbgrader gradebook: batched transactions that lose nothing when the
process dies mid-batch, failures that replace old scores, hand grades kept, odd timestamps ignored."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from helpers.answers import auto_questions, right_answers
from helpers.fakes import FakeExecutor
from helpers.grading import build_course, release_notebook, write_submission
from nbgrader.api import Gradebook

from autograder import gradebook
from autograder.course import Course
from autograder.keys import load_keys
from autograder.pipeline import Batch, tasks_for
from autograder.sandbox import Limits
from considerations.assignments import ASSIGNMENTS

ASSIGNMENT = "reading_the_sources"
AUTO = auto_questions(ASSIGNMENT)
ESSAY = next(q.qid for q in ASSIGNMENTS[ASSIGNMENT] if q not in AUTO)


@pytest.fixture(scope="module")
def keys():
    return {ASSIGNMENT: load_keys(ASSIGNMENT, ROOT / "exercises")}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A course whose gradebook knows the assignment (nbgrader generate_assignment runs once)."""
    # nbgrader's Gradebook runs `alembic` from PATH (make test puts the venv first; plain pytest may not).
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    course = Course(build_course(tmp_path_factory.mktemp("gb") / "course"))
    gradebook.ensure_assignments(course, [ASSIGNMENT], log=lambda m: None)
    return course


@pytest.fixture
def course(template, tmp_path):
    import shutil

    shutil.copytree(template.root, tmp_path / "course")
    return Course(tmp_path / "course")


def auto_scores(course, student):
    with Gradebook(course.gradebook_url) as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades}


def run(course, keys, executor, batch_size=50, **kw):
    with gradebook.GradebookWriter(course, batch_size=batch_size) as writer:
        return Batch(course, keys, Limits(), executor, writer=writer, **kw).run(tasks_for(course, [ASSIGNMENT]))


def test_a_failure_replaces_the_gradebook_score(course, keys):
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(
        course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")})
    run(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    assert sum(v or 0 for v in auto_scores(course, "ada").values()) > 10
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: "not json"})
    run(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    assert sum(v or 0 for v in auto_scores(course, "ada").values()) == 0


def test_a_kill_mid_batch_loses_no_finished_result(course, keys):
    src = course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for i in range(5):
        write_submission(course.root, f"s{i}", ASSIGNMENT, {ASSIGNMENT: release_notebook(src)})
    # The process "dies" before the batch of 50 commits: the result files exist, the gradebook has nothing.
    writer = gradebook.GradebookWriter(course, batch_size=50).__enter__()
    Batch(course, keys, Limits(), FakeExecutor(lambda s: right_answers(ASSIGNMENT)), writer=writer).run(tasks_for(course, [ASSIGNMENT]))
    writer.gb.db.rollback()
    writer.gb.close()
    with Gradebook(course.gradebook_url) as gb:
        assert not gb.assignment_submissions(ASSIGNMENT)
    # The next run reuses every stored result and re-syncs the gradebook from them.
    executor = FakeExecutor(lambda s: right_answers(ASSIGNMENT))
    summary = run(course, keys, executor)
    assert executor.runs == 0 and summary.count(reused="scores") == 5
    for i in range(5):
        assert sum(v or 0 for v in auto_scores(course, f"s{i}").values()) > 10
    # And once in sync, an unchanged run does not write the gradebook at all.
    with gradebook.GradebookWriter(course) as writer:
        Batch(course, keys, Limits(), executor, writer=writer).run(tasks_for(course, [ASSIGNMENT]))
        assert writer.staged == [] and all((course.autograded_dir(f"s{i}", ASSIGNMENT) / ".gradebook").exists()
                                           for i in range(5))


def test_small_batches_commit_as_they_go(course, keys):
    src = course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for i in range(5):
        write_submission(course.root, f"s{i}", ASSIGNMENT, {ASSIGNMENT: release_notebook(src)})
    writer = gradebook.GradebookWriter(course, batch_size=2).__enter__()
    Batch(course, keys, Limits(), FakeExecutor(lambda s: right_answers(ASSIGNMENT)), writer=writer).run(tasks_for(course, [ASSIGNMENT]))
    assert len(writer.staged) == 1  # 5 = 2 + 2 committed + 1 staged
    writer.gb.db.rollback()
    writer.gb.close()
    with Gradebook(course.gradebook_url) as gb:
        assert len(gb.assignment_submissions(ASSIGNMENT)) == 4


def test_hand_grades_survive_and_end_manual_pending(course, keys):
    src = course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = release_notebook(src)
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == ESSAY:
            cell["source"] = "My essay."
    write_submission(course.root, "bo", ASSIGNMENT, {ASSIGNMENT: nb})
    summary = run(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    assert [f.pending_manual for f in summary.finished] == [True]
    with Gradebook(course.gradebook_url) as gb:
        grade = gb.find_grade(ESSAY, ASSIGNMENT, ASSIGNMENT, "bo")
        grade.manual_score = 3.0
        gb.db.commit()
    summary = run(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)), force=True)
    assert [f.pending_manual for f in summary.finished] == [False]
    with Gradebook(course.gradebook_url) as gb:
        assert gb.find_grade(ESSAY, ASSIGNMENT, ASSIGNMENT, "bo").manual_score == 3.0


def test_odd_timestamps_are_ignored(course, keys):
    src = course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    folder = write_submission(course.root, "cy", ASSIGNMENT, {ASSIGNMENT: release_notebook(src)})
    (folder / "timestamp.txt").write_text("=cmd|' /C calc'!A0 not a date")
    assert gradebook.read_timestamp(course, "cy", ASSIGNMENT) is None
    summary = run(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    assert summary.count(status="graded") == 1
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    assert gradebook.read_timestamp(course, "cy", ASSIGNMENT) == "2026-11-20 10:00:00.000000 UTC"


def test_a_gradebook_that_cannot_be_written_fails_no_submission(course, keys):
    src = course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for i in range(3):
        write_submission(course.root, f"s{i}", ASSIGNMENT, {ASSIGNMENT: release_notebook(src)})
    writer = gradebook.GradebookWriter(course, batch_size=1).__enter__()

    def locked():
        raise RuntimeError("database is locked")
    writer.gb.db.commit = locked
    summary = Batch(course, keys, Limits(), FakeExecutor(lambda s: right_answers(ASSIGNMENT)), writer=writer).run(
        tasks_for(course, [ASSIGNMENT]))
    writer.gb.close()
    assert summary.count(status="graded") == 3 and "database is locked" in summary.gradebook_error
    assert any("GRADEBOOK not updated" in line for line in summary.lines())
    # The next run brings the gradebook up to date from the stored results.
    summary = run(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    assert summary.count(reused="scores") == 3 and not summary.gradebook_error
    assert sum(v or 0 for v in auto_scores(course, "s2").values()) > 10


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's add_submission trips them
def test_a_new_submission_has_the_rows_nbgraders_add_submission_makes(course, keys):
    # gradebook.py writes a new submission's rows itself (SQLAlchemy Core, no ORM unit of work): the same
    # notebooks, grades and comments, with nbgrader's defaults, as nbgrader's own add_submission.
    src = course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src)})
    run(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    with Gradebook(course.gradebook_url) as gb:
        gb.add_student("ref")
        gb.add_submission(ASSIGNMENT, "ref")

        def rows(student):
            sub = gb.find_submission(ASSIGNMENT, student)
            return ({(nb.name, nb.flagged, nb.late_submission_penalty) for nb in sub.notebooks},
                    sorted((nb.name, g.name, g.manual_score, g.extra_credit) for nb in sub.notebooks for g in nb.grades),
                    sorted((nb.name, c.name, c.auto_comment, c.manual_comment) for nb in sub.notebooks for c in nb.comments),
                    sub.extension)

        assert rows("ada") == rows("ref")
        ada = gb.find_submission(ASSIGNMENT, "ada")
        scored = {g.name: (g.auto_score, g.needs_manual_grade) for nb in ada.notebooks for g in nb.grades}
        assert all(scored[q.qid][0] is not None and scored[q.qid][1] is False for q in AUTO)
        assert ada.score > 10 and ada.timestamp is not None  # nbgrader's own queries read what was written
        unscored = {g.name: (g.auto_score, g.needs_manual_grade) for nb in gb.find_submission(ASSIGNMENT, "ref").notebooks
                    for g in nb.grades}
        assert set(unscored.values()) == {(None, True)}  # nbgrader's defaults, for comparison
