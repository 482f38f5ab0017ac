"""What grading produced, in memory and on disk (`autograded/<student>/<assignment>/autograder.json`).

The result file is the source of truth: the gradebook is re-synced from it, `feedback`
and `export` read it. Every submission the grader looked at gets one, also when it
could not be graded: a failed or invalid result replaces the previous one, so a stale
score never survives (a resubmission that deserves 0 must not export old full marks).

Stored shape (format 1; readers must tolerate missing keys):
    {"format": 1, "student", "assignment", "graded_at", "status": "graded"|"failed"|"invalid",
     "result_id": a fresh hex id per stored result, "reason": str (why failed/invalid, "" when graded), "flags": [str] (e.g. solution markers),
     "run_fingerprint", "scoring_fingerprint", "records": [RunRecord], "notebooks": [NotebookOutcome]}
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field, fields

RESULT_FILE = "autograder.json"
SUMMARY_FILE = ".summary.json"  # the fingerprints and the summary line of the result next to it
SUMMARY_NOTES = ("graded '", "not graded (unexpected name)")  # notes an instructor must see in the summary
FORMAT_VERSION = 1


class GradebookUnavailable(RuntimeError):
    """The gradebook could not be written at all (locked, read-only, corrupt): not any submission's
    fault. The result files are stored; the next run re-syncs the gradebook from them."""


def _known(cls, data: dict) -> dict:
    """Only the dataclass's own fields: a stored file from another version (or edited by
    hand) must not crash the reader with an unexpected keyword."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names} if isinstance(data, dict) else {}


@dataclass
class NotebookOutcome:
    name: str
    status: str  # graded | failed
    failure: str = ""
    notes: list[str] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)  # QuestionResult.to_dict()s
    cells: list[dict] = field(default_factory=list)  # per-cell output/error (capped), for feedback
    stream: str = ""
    free_text: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    flags: list[str] = field(default_factory=list)  # integrity warnings for the instructor
    failed_cell: str | None = None  # the cell where a partial run stopped

    @property
    def score(self) -> float:
        return sum(_number(q.get("score")) for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(_number(q.get("points")) for q in self.questions)


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


@dataclass
class SubmissionOutcome:
    student: str
    assignment: str
    notebooks: list[NotebookOutcome]
    reused: str = ""  # "" (ran), "scores" (nothing changed), "answers" (re-scored stored answers)
    reason: str = ""  # why the whole submission failed or is invalid
    invalid: bool = False  # the folder is not a gradable submission (bad student id, ...)
    flags: list[str] = field(default_factory=list)
    result_id: str = ""  # a fresh id per stored result: the gradebook's marker says which one it holds
    summary: dict | None = None  # set when an unchanged result was taken from its summary file alone

    @property
    def status(self) -> str:
        if self.invalid:
            return "invalid"
        if self.reason or any(nb.status == "failed" for nb in self.notebooks):
            return "failed"
        return "graded"

    @property
    def score(self) -> float:
        return sum(nb.score for nb in self.notebooks)

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks)

    @property
    def pending_manual(self) -> list[str]:
        """Hand-graded questions with an answer to grade."""
        return [q["qid"] for nb in self.notebooks for q in nb.questions
                if manual_state(q, nb.free_text.get(q.get("qid"), "")) == "pending"]

    @property
    def failures(self) -> list[str]:
        out = [self.reason] if self.reason else []
        return out + [f"{nb.name}: {nb.failure}" for nb in self.notebooks if nb.failure and nb.failure != self.reason]

    @property
    def all_flags(self) -> list[str]:
        return [*self.flags, *(f"{nb.name}: {f}" for nb in self.notebooks for f in nb.flags)]


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
    failed_cell: str | None = None
    flags: list = field(default_factory=list)


def unanswered(text) -> bool:
    """A hand-graded answer cell left empty or with nbgrader's stub in it."""
    return not isinstance(text, str) or text.strip() in ("", "YOUR ANSWER HERE")


def manual_state(question: dict, free_text="", manual_score: float | None = None) -> str:
    """The one rule for hand-graded questions (export, feedback, gradebook and the summary use it):
    "auto"       scored by the grader;
    "by_hand"    an instructor gave a score in formgrader (it counts, whatever the grader said);
    "unanswered" nothing written: 0 points, nothing to grade;
    "pending"    written, awaiting the instructor."""
    if question.get("status") != "pending_manual":
        return "auto"
    if manual_score is not None:
        return "by_hand"
    return "unanswered" if unanswered(free_text) else "pending"


def set_message(question: dict, message: str) -> dict:
    """Replace a question result's feedback with one message (in both shapes)."""
    question["feedback"] = [{"item": None, "ok": False, "message": message, "sentence_ids": []}]
    if "message" in question:
        question["message"] = message
    return question


def result_path(course, student: str, assignment: str):
    return course.autograded_dir(student, assignment) / RESULT_FILE


def to_payload(outcome: SubmissionOutcome, records: list[RunRecord], run_fp: str, score_fp: str) -> dict:
    return {
        "format": FORMAT_VERSION,
        "student": outcome.student,
        "assignment": outcome.assignment,
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "result_id": outcome.result_id,
        "status": outcome.status,
        "reason": outcome.reason,
        "flags": outcome.flags,
        "run_fingerprint": run_fp,
        "scoring_fingerprint": score_fp,
        # vars(), not asdict(): the fields are already plain data, and asdict deep-copies them.
        "records": [vars(r) for r in records],
        "notebooks": [vars(nb) for nb in outcome.notebooks],
    }


def store(course, outcome: SubmissionOutcome, records: list[RunRecord], run_fp: str, score_fp: str) -> None:
    folder = course.autograded_dir(outcome.student, outcome.assignment)
    folder.mkdir(parents=True, exist_ok=True)
    if outcome.reused != "scores" or not outcome.result_id:
        outcome.result_id = uuid.uuid4().hex
    text = json.dumps(to_payload(outcome, records, run_fp, score_fp), ensure_ascii=False)
    (folder / SUMMARY_FILE).unlink(missing_ok=True)  # never a summary of another result than the one on disk
    _atomic_write(folder / RESULT_FILE, text)  # an interrupted run never leaves half a result
    summary = {"result_id": outcome.result_id, "run_fingerprint": run_fp, "scoring_fingerprint": score_fp,
               "status": outcome.status, "failed_run": any(r.failure for r in records) or not records,
               "failures": outcome.failures, "flags": outcome.all_flags,
               "notes": [n for nb in outcome.notebooks for n in nb.notes if n.startswith(SUMMARY_NOTES)],
               "pending": [[nb.name, q["qid"]] for nb in outcome.notebooks for q in nb.questions
                           if manual_state(q, nb.free_text.get(q.get("qid"), "")) == "pending"]}
    _atomic_write(folder / SUMMARY_FILE, json.dumps(summary, ensure_ascii=False))


def _atomic_write(path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def load_summary(course, student: str, assignment: str) -> dict | None:
    """The small summary stored next to a result (what an unchanged re-run needs, without parsing
    the result itself), or None."""
    try:
        data = json.loads((course.autograded_dir(student, assignment) / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def remove_stored(course, student: str, assignment: str) -> None:
    """Last resort when even a failed result cannot be written: no old score may stay behind."""
    try:
        result_path(course, student, assignment).unlink()
    except FileNotFoundError:
        pass


def load_stored(course, assignment: str, student: str) -> dict | None:
    try:
        data = json.loads(result_path(course, student, assignment).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT_VERSION else None


def outcome_from_stored(data: dict) -> SubmissionOutcome:
    notebooks = []
    for nb in data.get("notebooks") or []:
        known = _known(NotebookOutcome, nb)
        if "name" in known and "status" in known:
            notebooks.append(NotebookOutcome(**known))
    return SubmissionOutcome(str(data.get("student", "")), str(data.get("assignment", "")), notebooks,
                             reason=str(data.get("reason") or ""), invalid=data.get("status") == "invalid",
                             flags=list(data.get("flags") or []), result_id=str(data.get("result_id") or ""))


def records_from_stored(data: dict) -> list[RunRecord]:
    return [RunRecord(**_known(RunRecord, r)) for r in data.get("records") or []]
