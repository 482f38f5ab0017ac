"""The steps of grading one submission: prepare, (run: see executors), score outside the sandbox.

`autograder.pipeline` strings them together for a batch; this module holds each step on
its own so it can be tested alone. Running is the expensive part (the sandbox) and
depends only on the student's files, the instructor's notebooks, the course library
and the sandbox itself (code and limits); its output (the answers, as data) is cached
in `autograder.json`, so a changed key re-scores stored answers without running the
student's code again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.bounds import MAX_REASON_CHARS, MAX_RUN_CELLS, MAX_STREAM_CHARS, answer_problem, clip
from autograder.course import Course, InstructorNotebook, special_file_problem
from autograder.fingerprints import run_fingerprint, scoring_fingerprint, submission_fingerprint
from autograder.keys import load_keys_cached
from autograder.results import (
    FORMAT_VERSION,
    RESULT_FILE,
    NotebookOutcome,
    RunRecord,
    SubmissionOutcome,
    load_stored,
    load_summary,
    manual_state,
    outcome_from_stored,
    records_from_stored,
    set_message,
    store,
)
from autograder.scoring import MISSING, score_answer
from autograder.submission import BadSubmission, prepare, read_notebook
from considerations.assignments import ASSIGNMENTS

if TYPE_CHECKING:
    from autograder.sandbox import Limits, RunResult

__all__ = [
    "FORMAT_VERSION", "RESULT_FILE", "NotebookJob", "NotebookOutcome", "RunRecord", "SubmissionOutcome",
    "is_hand_graded", "load_assignment_keys", "load_stored", "manual_state", "outcome_from_stored",
    "prepare_submission", "questions_in", "records_from_stored", "reuse_stored", "run_fingerprint",
    "score_records", "scoring_fingerprint", "store", "submission_fingerprint", "to_record",
]


def is_hand_graded(question) -> bool:
    """Graded by hand in formgrader (a written answer). Asks the question's trait where the bank has one."""
    auto = getattr(question, "auto_graded", None)
    return (not auto) if isinstance(auto, bool) else getattr(question, "kind", "") == "free_text"


def questions_in(notebook: InstructorNotebook, assignment: str):
    bank = {q.qid: q for q in ASSIGNMENTS[assignment]}
    return [bank[qid] for qid in notebook.question_ids if qid in bank]


@dataclass
class NotebookJob:
    """One notebook, ready to run: the code cells in order and the answers to export.
    Plain data, so it can be shipped to a remote worker."""

    name: str
    cells: list
    answer_names: list
    free_text: dict
    notes: list
    graded_cells: list
    failure: str = ""  # set when the notebook cannot be run at all (missing, not JSON...)
    flags: list = field(default_factory=list)
    cell_names: list = field(default_factory=list)  # per code cell, so a failure names its cell


def _notebook_files(folder: Path) -> list[str]:
    """Names of the .ipynb files directly in the submission folder (lstat only; links were refused before)."""
    try:
        return sorted(e.name for e in os.scandir(folder) if e.name.endswith(".ipynb") and e.is_file(follow_symlinks=False))
    except OSError:
        return []


def prepare_submission(course: Course, assignment: str, student: str) -> list[NotebookJob]:
    """Read and check the student's notebooks against the instructor's (in the coordinating process).
    Raises BadSubmission when the folder as a whole cannot be graded (links, special files)."""
    folder = course.submission_dir(student, assignment)
    problem = special_file_problem(folder)
    if problem:
        raise BadSubmission(f"the submission was not graded: {problem}")
    instructors = course.instructor_notebooks(assignment)
    present = _notebook_files(folder)
    expected = {f"{nb.name}.ipynb" for nb in instructors}
    unexpected = [name for name in present if name not in expected]
    jobs = []
    for instructor in instructors:
        filename = f"{instructor.name}.ipynb"
        names = [q.qid for q in questions_in(instructor, assignment) if not is_hand_graded(q)]
        notes: list[str] = []
        if filename not in present and len(instructors) == 1 and len(unexpected) == 1:
            # A browser's "reading_the_sources (1).ipynb": the only notebook in the right folder is graded.
            filename = unexpected.pop()
            notes.append(f"graded '{filename}' in place of '{instructor.name}.ipynb' (the notebook was renamed)")
        if filename not in present:
            others = f" (the folder holds: {', '.join(repr(n) for n in unexpected[:5])})" if unexpected else ""
            jobs.append(NotebookJob(instructor.name, [], names, {}, notes, [], f"{instructor.name}.ipynb was not submitted{others}"))
            continue
        try:
            prepared = prepare(instructor, read_notebook(folder / filename))
        except BadSubmission as error:
            jobs.append(NotebookJob(instructor.name, [], names, {}, notes, [], str(error)))
            continue
        free_text = {c.grade_id: prepared.answer_cells.get(c.grade_id, "") for c in instructor.cells if c.is_manual}
        jobs.append(NotebookJob(instructor.name, prepared.code_cells, names, free_text, notes + prepared.notes,
                                prepared.cells_for_record, flags=prepared.flags, cell_names=prepared.cell_names))
    if unexpected and jobs:
        jobs[0].notes.append("not graded (unexpected name): " + ", ".join(repr(n) for n in unexpected[:20]))
    return jobs


def _bounded_answers(run) -> tuple[dict, dict]:
    """The run's answers, with any answer too big or too deep for host-side scoring turned into a
    missing one with the reason (the in-sandbox cap can be bypassed by the student's own code)."""
    answers, missing = {}, {}
    raw_answers = run.answers if isinstance(run.answers, dict) else {}
    raw_missing = run.missing if isinstance(run.missing, dict) else {}
    for qid, reason in raw_missing.items():
        if isinstance(qid, str):
            missing[qid] = clip(reason, MAX_REASON_CHARS)
    for qid, value in raw_answers.items():
        if not isinstance(qid, str):
            continue
        problem = answer_problem(value)
        if problem:
            missing[qid] = f"the answer is too large to grade: {problem}"
        else:
            answers[qid] = value
    return answers, missing


def _bounded_cells(cells) -> list:
    if not isinstance(cells, list):
        return []
    out = []
    for cell in cells[:MAX_RUN_CELLS]:
        if isinstance(cell, dict):
            out.append({k: clip(v, MAX_STREAM_CHARS) if isinstance(v, str) else v
                        for k, v in cell.items() if isinstance(k, str) and (v is None or isinstance(v, (str, int, float, bool)))})
    return out


def to_record(job: NotebookJob, run: RunResult | None) -> RunRecord:
    if run is None:
        return RunRecord(job.name, job.failure, {}, {}, [], "", job.free_text, job.notes, 0.0, job.graded_cells,
                         flags=list(job.flags))
    answers, missing = _bounded_answers(run)
    failed_cell = getattr(run, "failed_cell", None)
    return RunRecord(job.name, clip(run.failure or "", MAX_REASON_CHARS), answers, missing, _bounded_cells(run.cells),
                     clip(run.stream or "", MAX_STREAM_CHARS), job.free_text, job.notes, float(run.seconds or 0.0),
                     job.graded_cells, failed_cell=clip(failed_cell, 200) if failed_cell else None, flags=list(job.flags))


def failed_question(question, reason: str) -> dict:
    """A question that could not be scored: 0 points, status "failed", the reason as its message. Built
    by hand, not by the scorer: it is what is left when scoring itself failed or ran out of time."""
    result = {"qid": question.qid, "kind": getattr(question, "kind", type(question).__name__),
              "points": float(question.points), "score": 0.0, "status": "failed", "answer": None,
              "chapter": getattr(question, "chapter", None), "section": getattr(question, "section", None)}
    return set_message(result, reason)


def _run_failure(record: RunRecord) -> str:
    where = f" (in cell '{record.failed_cell}')" if record.failed_cell else ""
    return f"{record.failure}{where}"


def score_records(course: Course, assignment: str, records: list[RunRecord], keys: dict,
                  reveal: bool = False) -> list[NotebookOutcome]:
    """Score each notebook's answers. A partial run (failure + the answers of the cells that finished)
    is scored as far as it got; a question whose scoring raises is recorded as failed with the reason,
    and the other questions are still scored."""
    by_name = {nb.name: nb for nb in course.instructor_notebooks(assignment)}
    outcomes = []
    for record in records:
        instructor = by_name[record.name]
        failure = _run_failure(record) if record.failure else ""
        results: list[dict] = []
        for question in questions_in(instructor, assignment):
            try:
                if is_hand_graded(question):
                    text = record.free_text.get(question.qid, "")
                    result = score_answer(question, text, None).to_dict()
                    if record.failure and not text:
                        set_message(result, "no answer (the notebook could not be graded)")
                else:
                    answer = record.answers.get(question.qid, MISSING)
                    reason = record.missing.get(question.qid, "")
                    if answer is MISSING and failure:
                        # Not run (or not reached): the question is "failed", with the reason, not "missing".
                        result = score_answer(question, answer, keys.get(question.qid), reveal=reveal,
                                              missing_reason=f"not graded: {failure}", failure=failure).to_dict()
                    else:
                        result = score_answer(question, answer, keys.get(question.qid), reveal=reveal,
                                              missing_reason=reason).to_dict()
            except Exception as error:  # noqa: BLE001 (one hostile answer must not cost the other questions)
                result = failed_question(question, f"this answer could not be scored ({type(error).__name__}: "
                                                   f"{clip(error, 200)}); the instructor has been told")
            results.append(result)
        outcomes.append(NotebookOutcome(
            name=record.name, status="failed" if record.failure else "graded", failure=failure,
            notes=record.notes, questions=results, cells=record.cells, stream=record.stream,
            free_text=record.free_text, seconds=record.seconds, flags=list(record.flags), failed_cell=record.failed_cell,
        ))
    return outcomes


def failed_outcome(course: Course, assignment: str, student: str, reason: str, *, invalid: bool = False) -> SubmissionOutcome:
    """A submission that could not be graded at all: every question 0 with the reason, so that it
    replaces any earlier score (in the result file and in the gradebook)."""
    notebooks = []
    try:
        instructors = course.instructor_notebooks(assignment)
        for instructor in instructors:
            questions = [failed_question(q, f"not graded: {reason}") for q in questions_in(instructor, assignment)]
            notebooks.append(NotebookOutcome(instructor.name, "failed", reason, questions=questions))
    except Exception:  # noqa: BLE001 (the course itself is broken: still record the failure)
        notebooks = []
    return SubmissionOutcome(student, assignment, notebooks, reason=reason, invalid=invalid)


def reuse_stored(course: Course, assignment: str, student: str, keys: dict, force: bool = False,
                 limits: Limits | None = None):
    """The stored outcome when nothing relevant changed, or stored answers re-scored when only the
    keys or the grading code changed. None when the student's code must run (again). A stored
    failure is never reused: re-grading (e.g. with a longer --timeout) runs it again."""
    run_fp = submission_fingerprint(course, assignment, student, limits)
    score_fp = scoring_fingerprint(str(course.root), assignment)
    summary = None if force else load_summary(course, student, assignment)
    if (summary and summary.get("run_fingerprint") == run_fp and summary.get("scoring_fingerprint") == score_fp
            and summary.get("status") == "graded" and not summary.get("failed_run")):
        # Nothing changed: the summary says all the batch needs; the result itself is read only if
        # the gradebook turns out not to hold it.
        outcome = SubmissionOutcome(student, assignment, [], reused="scores", result_id=str(summary.get("result_id")),
                                    summary=summary)
        return (outcome, [], run_fp, score_fp), run_fp, score_fp
    stored = None if force else load_stored(course, assignment, student)
    if not stored or stored.get("run_fingerprint") != run_fp or stored.get("status", "graded") != "graded":
        return None, run_fp, score_fp
    records = records_from_stored(stored)
    if any(r.failure for r in records):
        return None, run_fp, score_fp
    if stored.get("scoring_fingerprint") == score_fp:
        outcome = outcome_from_stored(stored)
        outcome.reused = "scores"
    else:
        outcome = SubmissionOutcome(student, assignment, score_records(course, assignment, records, keys))
        outcome.reused = "answers"
    return (outcome, records, run_fp, score_fp), run_fp, score_fp


def load_assignment_keys(course: Course, assignment: str) -> dict:
    """The assignment's keys, from the course's key cache when nothing they depend on changed."""
    return load_keys_cached(assignment, course.root, scoring_fingerprint(str(course.root), assignment))
