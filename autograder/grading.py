"""Grade one submission: prepare, run in the sandbox, score outside, record.

`run_submission` is the expensive part (the sandbox) and depends only on the
student's files, the instructor's notebooks and the course library; its output
(the answers, as data) is cached in `autograder.json`, so a changed key re-scores
stored answers without running the student's code again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import autograder
import considerations
from autograder.course import Course, InstructorNotebook
from autograder.keys import load_keys
from autograder.sandbox import Limits, RunResult, run_in_sandbox
from autograder.scoring import MISSING, QuestionResult, score_answer
from autograder.submission import BadSubmission, prepare, read_notebook
from considerations.assignments import ASSIGNMENTS
from considerations.paths import data_dir

RESULT_FILE = "autograder.json"
FORMAT_VERSION = 1


def _hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=None)
def run_fingerprint() -> str:
    """What a student's code can see and depend on: the course library, its data and the runner."""
    lib = Path(considerations.__file__).parent
    files = [*lib.rglob("*.py"), *lib.rglob("*.js"), *data_dir().rglob("*.csv"), *data_dir().rglob("*.txt"),
             Path(autograder.__file__).parent / "sandbox_runner.py"]
    return _hash_files(files)


@lru_cache(maxsize=None)
def scoring_fingerprint(course_root: str, assignment: str) -> str:
    """Everything that decides a score from given answers: keys, grading code, data."""
    pkg = Path(autograder.__file__).parent
    files = [*pkg.rglob("*.py"), Path(course_root) / "keys" / f"{assignment}.py"]
    return hashlib.sha256((_hash_files(files) + run_fingerprint()).encode()).hexdigest()


@dataclass
class NotebookOutcome:
    name: str
    status: str  # graded | failed
    failure: str = ""
    notes: list[str] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)  # QuestionResult dicts
    cells: list[dict] = field(default_factory=list)  # per-cell output/error (capped), for feedback
    stream: str = ""
    free_text: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(q["score"] for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q["points"] for q in self.questions)


@dataclass
class SubmissionOutcome:
    student: str
    assignment: str
    notebooks: list[NotebookOutcome]
    reused: str = ""  # "" (ran), "scores" (nothing changed), "answers" (re-scored stored answers)

    @property
    def status(self) -> str:
        return "failed" if any(nb.status == "failed" for nb in self.notebooks) else "graded"

    @property
    def score(self) -> float:
        return sum(nb.score for nb in self.notebooks)

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks)

    @property
    def pending_manual(self) -> list[str]:
        """Hand-graded questions with an answer to grade."""
        from autograder.submission import unanswered

        return [q["qid"] for nb in self.notebooks for q in nb.questions
                if q["status"] == "pending_manual" and not unanswered(nb.free_text.get(q["qid"], ""))]

    @property
    def failures(self) -> list[str]:
        return [f"{nb.name}: {nb.failure}" for nb in self.notebooks if nb.failure]


def questions_in(notebook: InstructorNotebook, assignment: str):
    bank = {q.qid: q for q in ASSIGNMENTS[assignment]}
    return [bank[qid] for qid in notebook.question_ids if qid in bank]


@dataclass
class RunRecord:
    """The sandbox's output for one notebook: what scoring needs, cached between runs."""

    name: str
    failure: str
    answers: dict
    missing: dict
    cells: list
    stream: str
    free_text: dict
    notes: list
    seconds: float
    graded_cells: list = field(default_factory=list)  # the notebook as graded, for formgrader


def cold_runner(slot: int = 0, unsafe_no_sandbox: bool = False):
    """A runner that starts one sandbox per notebook (slow to start, nothing to keep alive)."""
    def run(cells, names, limits):
        return run_in_sandbox(cells, names, limits, slot=slot, unsafe_no_sandbox=unsafe_no_sandbox)
    return run


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


def prepare_submission(course: Course, assignment: str, student: str) -> list[NotebookJob]:
    """Read and check the student's notebooks against the instructor's (in the coordinating process)."""
    jobs = []
    for instructor in course.instructor_notebooks(assignment):
        path = course.submission_dir(student, assignment) / f"{instructor.name}.ipynb"
        names = [q.qid for q in questions_in(instructor, assignment) if q.kind != "free_text"]
        if not path.is_file():
            jobs.append(NotebookJob(instructor.name, [], names, {}, [], [], f"{instructor.name}.ipynb was not submitted"))
            continue
        try:
            prepared = prepare(instructor, read_notebook(path))
        except BadSubmission as error:
            jobs.append(NotebookJob(instructor.name, [], names, {}, [], [], str(error)))
            continue
        free_text = {c.grade_id: prepared.answer_cells.get(c.grade_id, "") for c in instructor.cells if c.is_manual}
        jobs.append(NotebookJob(instructor.name, prepared.code_cells, names, free_text, prepared.notes,
                                prepared.cells_for_record))
    return jobs


def to_record(job: NotebookJob, run: RunResult | None) -> RunRecord:
    if run is None:
        return RunRecord(job.name, job.failure, {}, {}, [], "", job.free_text, job.notes, 0.0, job.graded_cells)
    return RunRecord(job.name, run.failure, run.answers, run.missing, run.cells, run.stream, job.free_text,
                     job.notes, run.seconds, job.graded_cells)


def run_submission(course: Course, assignment: str, student: str, limits: Limits, runner=None) -> list[RunRecord]:
    """Run each of the student's notebooks with `runner(cells, answer_names, limits)` (a sandbox).
    Never raises for a bad submission."""
    runner = runner or cold_runner()
    records = []
    for job in prepare_submission(course, assignment, student):
        run = None if job.failure else runner(job.cells, job.answer_names, limits)
        records.append(to_record(job, run))
    return records


def score_records(course: Course, assignment: str, records: list[RunRecord], keys: dict,
                  reveal: bool = False) -> list[NotebookOutcome]:
    by_name = {nb.name: nb for nb in course.instructor_notebooks(assignment)}
    outcomes = []
    for record in records:
        instructor = by_name[record.name]
        results: list[QuestionResult] = []
        for question in questions_in(instructor, assignment):
            if question.kind == "free_text":
                text = record.free_text.get(question.qid, "")
                result = score_answer(question, text, None)
                if record.failure and not text:
                    result.message = "no answer (the notebook could not be graded)"
            elif record.failure:
                result = score_answer(question, MISSING, keys.get(question.qid),
                                      missing_reason=f"not graded: {record.failure}")
            else:
                answer = record.answers.get(question.qid, MISSING)
                result = score_answer(question, answer, keys.get(question.qid), reveal=reveal,
                                      missing_reason=record.missing.get(question.qid, ""))
            results.append(result)
        outcomes.append(NotebookOutcome(
            name=record.name, status="failed" if record.failure else "graded", failure=record.failure,
            notes=record.notes, questions=[r.to_dict() for r in results], cells=record.cells,
            stream=record.stream, free_text=record.free_text, seconds=record.seconds,
        ))
    return outcomes


def submission_fingerprint(course: Course, assignment: str, student: str) -> str:
    digest = hashlib.sha256()
    folder = course.submission_dir(student, assignment)
    for path in sorted(folder.glob("*.ipynb")):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for nb in course.instructor_notebooks(assignment):
        digest.update(hashlib.sha256(nb.path.read_bytes()).digest())
    digest.update(run_fingerprint().encode())
    return digest.hexdigest()


def load_stored(course: Course, assignment: str, student: str) -> dict | None:
    path = course.autograded_dir(student, assignment) / RESULT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("format") == FORMAT_VERSION else None


def store(course: Course, outcome: SubmissionOutcome, records: list[RunRecord], run_fp: str, score_fp: str) -> None:
    folder = course.autograded_dir(outcome.student, outcome.assignment)
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT_VERSION,
        "student": outcome.student,
        "assignment": outcome.assignment,
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "run_fingerprint": run_fp,
        "scoring_fingerprint": score_fp,
        # vars(), not asdict(): the fields are already plain data, and asdict deep-copies them.
        "records": [vars(r) for r in records],
        "notebooks": [vars(nb) for nb in outcome.notebooks],
    }
    tmp = folder / (RESULT_FILE + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    tmp.replace(folder / RESULT_FILE)  # atomic: an interrupted run never leaves half a result


def outcome_from_stored(data: dict) -> SubmissionOutcome:
    notebooks = [NotebookOutcome(**nb) for nb in data["notebooks"]]
    return SubmissionOutcome(data["student"], data["assignment"], notebooks)


def reuse_stored(course: Course, assignment: str, student: str, keys: dict, force: bool = False):
    """The stored outcome when nothing relevant changed, or stored answers re-scored when only the
    keys or the grading code changed. None when the student's code must run (again)."""
    run_fp = submission_fingerprint(course, assignment, student)
    score_fp = scoring_fingerprint(str(course.root), assignment)
    stored = None if force else load_stored(course, assignment, student)
    if not stored or stored.get("run_fingerprint") != run_fp:
        return None, run_fp, score_fp
    records = [RunRecord(**r) for r in stored["records"]]
    if stored.get("scoring_fingerprint") == score_fp:
        outcome = outcome_from_stored(stored)
        outcome.reused = "scores"
    else:
        outcome = SubmissionOutcome(student, assignment, score_records(course, assignment, records, keys))
        outcome.reused = "answers"
    return (outcome, records, run_fp, score_fp), run_fp, score_fp


def grade_submission(course: Course, assignment: str, student: str, keys: dict, limits: Limits, runner=None,
                     force: bool = False) -> tuple[SubmissionOutcome, list[RunRecord], str, str]:
    """Grade one student's submission, reusing stored work where nothing relevant changed."""
    reused, run_fp, score_fp = reuse_stored(course, assignment, student, keys, force)
    if reused:
        return reused
    records = run_submission(course, assignment, student, limits, runner)
    outcome = SubmissionOutcome(student, assignment, score_records(course, assignment, records, keys))
    return outcome, records, run_fp, score_fp


def load_assignment_keys(course: Course, assignment: str) -> dict:
    return load_keys(assignment, course.root)
