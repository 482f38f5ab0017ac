"""The batch pipeline without a sandbox: a fake executor hands back run results, so each failure
path (preparing, running, scoring, storing) is exercised in well under a second per test."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from helpers.answers import auto_questions, right_answers
from helpers.fakes import FakeExecutor
from helpers.grading import (
    build_course,
    find_cell,
    question_messages,
    release_notebook,
    solution_notebook,
    write_submission,
)

from autograder import grading, pipeline, results
from autograder.course import Course, SubmissionFolder
from autograder.keys import load_keys
from autograder.pipeline import Batch, Task, tasks_for
from autograder.sandbox import Limits

ASSIGNMENT = "reading_the_sources"
AUTO = auto_questions(ASSIGNMENT)


@pytest.fixture(scope="module")
def keys():
    return {ASSIGNMENT: load_keys(ASSIGNMENT, Path(__file__).resolve().parent.parent / "exercises")}


@pytest.fixture
def course(tmp_path):
    return Course(build_course(tmp_path / "course"))


def src(course):
    return course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def grade(course, keys, executor=None, students=None, **kw):
    batch = Batch(course, keys, Limits(), executor or FakeExecutor(), **kw)
    return batch.run(tasks_for(course, [ASSIGNMENT], students))


def stored(course, student):
    return json.loads((course.autograded_dir(student, ASSIGNMENT) / "autograder.json").read_text())


def total(data):
    return sum(q["score"] for nb in data["notebooks"] for q in nb["questions"])


def reasons(data):
    return " ".join([data.get("reason", "")] + [nb["failure"] for nb in data["notebooks"]]
                    + [m for nb in data["notebooks"] for q in nb["questions"] for m in question_messages(q)])


def test_a_broken_resubmission_replaces_the_old_score(course, keys):
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    first = stored(course, "ada")
    assert first["status"] == "graded" and total(first) > 10, summary.lines()
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: '{"cells": [ not json'})
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    second = stored(course, "ada")
    assert second["status"] == "failed" and total(second) == 0
    assert "invalid JSON" in reasons(second)
    assert summary.count(status="failed") == 1


HOSTILE_NOTEBOOKS = {
    "not-json": ('{"cells": [', "invalid JSON"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00", "not a text file"),
    "deep": ("[" * 100_000 + "]" * 100_000, "nested far too deeply"),
    "deep-ok-for-json": ('{"cells": [], "x": ' + "[" * 500 + "]" * 500 + "}", "nested more than"),
    "no-cells": ('{"nbformat": 4}', "no list of cells"),
}


def test_hostile_notebook_files_fail_with_a_reason_and_the_batch_goes_on(course, keys):
    for student, (content, _) in HOSTILE_NOTEBOOKS.items():
        write_submission(course.root, student, ASSIGNMENT, {ASSIGNMENT: content})
    nb = release_notebook(src(course))
    find_cell(nb, f"{AUTO[0].qid}_answer")["metadata"]["nbgrader"]["grade_id"] = ["a", "list"]
    write_submission(course.root, "list-grade-id", ASSIGNMENT, {ASSIGNMENT: nb})
    huge = course.submission_dir("huge", ASSIGNMENT)
    huge.mkdir(parents=True)
    with open(huge / f"{ASSIGNMENT}.ipynb", "wb") as f:
        f.truncate(50_000_000)  # 50 MB (sparse): refused from its size, before a byte is read
    write_submission(course.root, "honest", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    for student, (_, reason) in HOSTILE_NOTEBOOKS.items():
        data = stored(course, student)
        assert data["status"] == "failed" and total(data) == 0, student
        assert reason in reasons(data), (student, reasons(data))
    assert "50 MB" in reasons(stored(course, "huge"))
    listed = stored(course, "list-grade-id")
    assert listed["status"] == "graded"
    assert any("grade id that is not text" in n for nb in listed["notebooks"] for n in nb["notes"])
    assert total(stored(course, "honest")) > 10
    assert len(summary.finished) == len(HOSTILE_NOTEBOOKS) + 3


def test_hostile_answers_are_bounded_and_reported(course, keys):
    write_submission(course.root, "mallory", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    deep = current = []
    for _ in range(100):
        current.append([])
        current = current[0]
    hostile = [10**400, deep, "x" * 1_000_000, list(range(100_000)), {str(i): i for i in range(5000)}]
    answers = {q.qid: hostile[i % len(hostile)] for i, q in enumerate(AUTO)}
    grade(course, keys, FakeExecutor(lambda s: answers))
    data = stored(course, "mallory")
    assert total(data) == 0
    messages = [" ".join(question_messages(q)) for nb in data["notebooks"] for q in nb["questions"] if q["qid"] in answers]
    assert all("too large to grade" in m for m in messages), messages


def test_an_exception_in_scoring_fails_that_question_only(course, keys, monkeypatch):
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    real = grading.score_answer
    victim = AUTO[0].qid

    def flaky(question, answer, key, **kw):
        if question.qid == victim and answer is not grading.MISSING:
            raise OverflowError("int too large to convert to float")
        return real(question, answer, key, **kw)
    monkeypatch.setattr(grading, "score_answer", flaky)
    grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    data = stored(course, "ada")
    by_qid = {q["qid"]: q for nb in data["notebooks"] for q in nb["questions"]}
    assert by_qid[victim]["status"] == "failed" and by_qid[victim]["score"] == 0
    assert "OverflowError" in " ".join(question_messages(by_qid[victim]))
    assert sum(q["score"] for q in by_qid.values()) > 10


def test_scoring_has_a_time_budget(course, keys, monkeypatch):
    write_submission(course.root, "slow", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    write_submission(course.root, "zed", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})

    def forever(question, answer, key, **kw):
        while True:
            pass
    monkeypatch.setattr(grading, "score_answer", forever)
    started = time.monotonic()
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)), scoring_budget=0.3)
    assert time.monotonic() - started < 5
    for student in ("slow", "zed"):
        data = stored(course, student)
        assert data["status"] == "failed" and "budget of 0.3 s" in data["reason"]
    assert summary.count(status="failed") == 2


def test_a_sandbox_error_is_a_failed_run(course, keys):
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    grade(course, keys, FakeExecutor(raise_for={"ada"}))
    data = stored(course, "ada")
    assert data["status"] == "failed" and "the sandbox broke" in reasons(data)


def test_a_store_error_is_recorded_as_failure(course, keys, monkeypatch):
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    calls = []

    class BrokenWriter:
        def in_sync(self, outcome):
            return False

        def pending_manual(self, outcome):
            return []

        def record(self, outcome):
            calls.append(outcome.status)
            if outcome.status == "graded":
                raise RuntimeError("database is locked")
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)), writer=BrokenWriter())
    data = stored(course, "ada")
    assert data["status"] == "failed" and "database is locked" in data["reason"] and total(data) == 0
    assert calls == ["graded", "failed"]  # the failure reached the gradebook too, replacing the score
    assert summary.count(status="failed") == 1


def test_partial_runs_are_scored_and_name_the_cell(course, keys):
    write_submission(course.root, "loop", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    right = right_answers(ASSIGNMENT)
    first = dict(list(right.items())[:2])
    grade(course, keys, FakeExecutor(lambda s: first, failure_for={"loop": ("did not finish within 5 seconds",
                                                                             "q5_loaded_language_answer")}))
    data = stored(course, "loop")
    by_qid = {q["qid"]: q for nb in data["notebooks"] for q in nb["questions"]}
    assert all(by_qid[qid]["score"] == by_qid[qid]["points"] for qid in first)
    later = [q for qid, q in by_qid.items() if qid in right and qid not in first]
    assert later and all("q5_loaded_language_answer" in " ".join(question_messages(q)) for q in later)


def test_a_failed_run_is_never_reused(course, keys):
    write_submission(course.root, "loop", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    executor = FakeExecutor(failure_for={"loop": ("did not finish within 5 seconds", None)})
    grade(course, keys, executor)
    grade(course, keys, executor)
    assert executor.runs == 2
    honest = FakeExecutor(lambda s: right_answers(ASSIGNMENT))
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    grade(course, keys, honest, students=["ada"])
    summary = grade(course, keys, honest, students=["ada"])
    assert honest.runs == 1 and summary.count(reused="scores") == 1


def test_changed_limits_rerun_the_notebooks(course, keys):
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    executor = FakeExecutor(lambda s: right_answers(ASSIGNMENT))
    Batch(course, keys, Limits(wall_seconds=15), executor).run(tasks_for(course, [ASSIGNMENT]))
    Batch(course, keys, Limits(wall_seconds=15), executor).run(tasks_for(course, [ASSIGNMENT]))
    assert executor.runs == 1
    Batch(course, keys, Limits(wall_seconds=60), executor).run(tasks_for(course, [ASSIGNMENT]))
    assert executor.runs == 2


def test_links_and_special_files_are_refused_and_never_followed(course, keys, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    instructor = src(course)
    folder = write_submission(course.root, "linker", ASSIGNMENT, {})
    os.symlink(instructor, folder / f"{ASSIGNMENT}.ipynb")
    folder = write_submission(course.root, "fifo", ASSIGNMENT, {})
    os.mkfifo(folder / f"{ASSIGNMENT}.ipynb")
    folder = write_submission(course.root, "stamp", ASSIGNMENT, {ASSIGNMENT: release_notebook(instructor)})
    (folder / "timestamp.txt").unlink()
    os.symlink(secret, folder / "timestamp.txt")
    (course.root / "submitted" / "linked-folder").symlink_to(course.submission_dir("fifo", ASSIGNMENT).parent)
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    for student, reason in [("linker", "symbolic link"), ("fifo", "not a regular file"), ("stamp", "symbolic link")]:
        data = stored(course, student)
        assert data["status"] == "failed" and total(data) == 0, student
        assert reason in reasons(data), (student, reasons(data))
    linked = stored(course, "linked-folder")
    assert linked["status"] == "invalid" and "symbolic link" in linked["reason"]
    everything = "".join(p.read_text(errors="replace") for p in (course.root / "autograded").rglob("*") if p.is_file())
    assert "TOP-SECRET" not in everything and "TOP-SECRET" not in "\n".join(summary.lines())
    assert "BEGIN SOLUTION" not in everything  # the linked source notebook was never read


def test_the_instructors_notebook_is_flagged(course, keys):
    write_submission(course.root, "copier", ASSIGNMENT, {ASSIGNMENT: solution_notebook(src(course))})
    write_submission(course.root, "honest", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    flags = " ".join(f for nb in stored(course, "copier")["notebooks"] for f in nb["flags"])
    assert "solution markers" in flags and "identical to the instructor's source" in flags
    assert not any(nb["flags"] for nb in stored(course, "honest")["notebooks"])
    assert any(line.startswith("  FLAGGED copier") for line in summary.lines())


def test_invalid_folders_and_renamed_notebooks_are_not_lost(course, keys):
    write_submission(course.root, "frank smith", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    write_submission(course.root, "=HYPERLINK(1)", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    write_submission(course.root, "gina", ASSIGNMENT, {f"{ASSIGNMENT} (1)": release_notebook(src(course))})
    write_submission(course.root, "hal", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course)),
                                                      "scratch": release_notebook(src(course))})
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    lines = "\n".join(summary.lines())
    for name in ("frank smith", "=HYPERLINK(1)"):
        data = stored(course, name)
        assert data["status"] == "invalid" and "not a valid student id" in data["reason"]
        assert f"invalid {name}" in lines
    gina = stored(course, "gina")
    assert gina["status"] == "graded" and total(gina) > 10
    assert "graded 'reading_the_sources (1).ipynb' in place of" in lines
    assert "'scratch.ipynb'" in lines
    assert summary.count(status="invalid") == 2


def test_terminal_output_has_no_control_characters(course, keys):
    write_submission(course.root, "evil\x1b[2J\x07", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    summary = grade(course, keys, FakeExecutor())
    text = "\n".join(summary.lines())
    assert "\x1b" not in text and "\x07" not in text and "evil" in text


def test_the_batch_is_streamed(course, keys):
    """At most `window` submissions are prepared and waiting at once."""
    for i in range(12):
        write_submission(course.root, f"s{i:02d}", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    seen = []

    class Watching(FakeExecutor):
        def submit(self, token, jobs):
            super().submit(token, jobs)
            seen.append(self.in_flight())
    grade(course, keys, Watching(), window=3)
    assert max(seen) <= 3 and len(seen) == 12


def test_failed_outcome_without_a_course_still_records(course, keys, monkeypatch):
    monkeypatch.setattr(course, "instructor_notebooks", lambda a: (_ for _ in ()).throw(OSError("gone")))
    outcome = grading.failed_outcome(course, ASSIGNMENT, "ada", "the source notebook is unreadable")
    assert outcome.status == "failed" and outcome.failures == ["the source notebook is unreadable"]


def test_stored_results_from_other_versions_do_not_crash_the_reader():
    data = {"format": 1, "student": "a", "assignment": "x", "notebooks": [{"name": "n", "status": "graded",
                                                                            "surprise": 1}, "junk"]}
    outcome = results.outcome_from_stored(data)
    assert [nb.name for nb in outcome.notebooks] == ["n"]


def test_task_for_a_problem_folder_is_invalid_and_stored(course, keys):
    batch = Batch(course, keys, Limits(), FakeExecutor())
    summary = batch.run([Task(ASSIGNMENT, SubmissionFolder("x y", "not a valid student id"))])
    assert summary.count(status="invalid") == 1
    assert stored(course, "x y")["status"] == "invalid"


def test_a_stalled_bar_shows_what_is_running(course, keys):
    import io

    from autograder.progress import Progress

    write_submission(course.root, "slowpoke", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})

    class Stalling(FakeExecutor):
        stalls = 1

        def running(self):
            return [t for t, _ in self.done]

        def next_done(self, timeout=None):
            if self.stalls:
                self.stalls -= 1
                return None
            return super().next_done(timeout)
    stream = io.StringIO()
    grade(course, keys, Stalling(), progress=Progress(1, "grading", stream=stream))
    assert "still running: slowpoke" in stream.getvalue()


def test_the_run_fingerprint_covers_the_sandbox(monkeypatch):
    from autograder import fingerprints, sandbox

    before = fingerprints.run_fingerprint(Limits())
    monkeypatch.setattr(fingerprints, "_SANDBOX_FPS", {})
    monkeypatch.setattr(sandbox, "sandbox_fingerprint", lambda limits: "changed sandbox code")
    assert fingerprints.run_fingerprint(Limits()) != before


def test_a_real_partial_run_keeps_earlier_answers_and_names_the_cell(course, keys):
    """Through the real runner (unsandboxed here: the sandbox suites cover bwrap): a loop in the fifth
    answer costs the limit once, the four answers before it are scored, the failure names the cell."""
    from helpers.grading import set_answer

    from autograder.executors import LocalExecutor

    nb = solution_notebook(src(course))
    looping = AUTO[4].qid
    set_answer(nb, looping, "while True:\n    pass\n")
    write_submission(course.root, "dave", ASSIGNMENT, {ASSIGNMENT: nb})
    limits = Limits(wall_seconds=3)
    executor = LocalExecutor(1, limits, "unsafe")
    started = time.monotonic()
    try:
        Batch(course, keys, limits, executor).run(tasks_for(course, [ASSIGNMENT]))
    finally:
        executor.close()
    assert time.monotonic() - started < 2 * 3 + 5
    data = stored(course, "dave")
    notebook = data["notebooks"][0]
    assert notebook["failed_cell"] == f"{looping}_answer" and "did not finish within 3" in notebook["failure"]
    by_qid = {q["qid"]: q for q in notebook["questions"]}
    assert all(by_qid[q.qid]["score"] == q.points for q in AUTO[:4])
    assert by_qid[looping]["score"] == 0 and f"{looping}_answer" in " ".join(question_messages(by_qid[looping]))


def test_on_dask_a_task_that_fails_everywhere_is_recorded_and_the_batch_goes_on(course, keys, monkeypatch):
    """With --scheduler, an exception in a task used to abort the whole batch."""
    from dask.distributed import Client, LocalCluster

    from autograder import executors

    real = executors.run_jobs_on_worker

    def flaky(jobs, limits, unsafe_no_sandbox=False):
        if any("BOOM" in cell for job in jobs for cell in job["cells"]):
            raise RuntimeError("worker exploded")
        return [None if job["failure"] else {"ok": True, "answers": {}} for job in jobs]
    monkeypatch.setattr(executors, "run_jobs_on_worker", flaky)
    bad = release_notebook(src(course))
    bad["cells"].insert(1, {"cell_type": "code", "metadata": {}, "source": "BOOM = 1"})
    write_submission(course.root, "bad", ASSIGNMENT, {ASSIGNMENT: bad})
    write_submission(course.root, "good", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        executor = executors.DaskExecutor(None, Limits(), client=client)
        summary = Batch(course, keys, Limits(), executor).run(tasks_for(course, [ASSIGNMENT]))
    assert real is not flaky
    bad_result = stored(course, "bad")
    assert bad_result["status"] == "failed" and "worker exploded" in reasons(bad_result)
    assert stored(course, "good")["status"] == "graded"
    assert summary.count(status="failed") == 1 and summary.count(status="graded") == 1


def test_an_unchanged_rerun_reads_only_the_summary_files(course, keys, monkeypatch):
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))

    def forbidden(*args, **kwargs):
        raise AssertionError("the full result was parsed")
    monkeypatch.setattr(grading, "load_stored", forbidden)
    monkeypatch.setattr(pipeline, "load_stored", forbidden)
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    assert summary.count(reused="scores") == 1 and summary.count(status="graded") == 1
    # Without its summary file a result is still reused, from the result itself.
    monkeypatch.undo()
    (course.autograded_dir("ada", ASSIGNMENT) / results.SUMMARY_FILE).unlink()
    executor = FakeExecutor(lambda s: right_answers(ASSIGNMENT))
    assert grade(course, keys, executor).count(reused="scores") == 1 and executor.runs == 0


def test_the_summary_counts_only_what_ran(course, keys):
    write_submission(course.root, "ada", ASSIGNMENT, {ASSIGNMENT: release_notebook(src(course))})
    write_submission(course.root, "bad", ASSIGNMENT, {ASSIGNMENT: "not json"})
    summary = grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT)))
    assert "1 run in the sandbox" in summary.lines()[0]
    assert "0 run in the sandbox" in grade(course, keys, FakeExecutor(lambda s: right_answers(ASSIGNMENT))).lines()[0]


def test_the_scoring_fingerprint_follows_the_assignments_own_keys_and_shared_files(tmp_path):
    """Editing one assignment's key file re-scores that assignment's stored results, not the others';
    a shared file in keys/ (a helper any key may import) re-scores them all."""
    import shutil

    from helpers import ROOT

    from autograder.fingerprints import scoring_fingerprint
    from considerations.assignments import ASSIGNMENTS

    shutil.copytree(ROOT / "exercises" / "keys", tmp_path / "keys")
    shutil.copytree(ROOT / "exercises" / "outlines", tmp_path / "outlines")
    mine, other = sorted(ASSIGNMENTS)[:2]

    def fingerprints():
        scoring_fingerprint.cache_clear()
        return {a: scoring_fingerprint(str(tmp_path), a) for a in (mine, other)}

    before = fingerprints()
    with (tmp_path / "keys" / f"{mine}.py").open("a") as f:
        f.write("\n# a corrected key\n")
    after = fingerprints()
    assert after[mine] != before[mine] and after[other] == before[other]
    (tmp_path / "outlines" / f"{other}.md").write_text("changed model values")
    middle = fingerprints()
    assert middle[other] != after[other] and middle[mine] == after[mine]
    (tmp_path / "keys" / "_shared.py").write_text("HELPER = 1\n")
    shared = fingerprints()
    assert shared[mine] != middle[mine] and shared[other] != middle[other]
