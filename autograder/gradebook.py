"""Record outcomes in nbgrader's gradebook, so formgrader and nbgrader's own commands keep working.

Only the coordinating process calls this (workers never touch the database).
Re-recording is idempotent: auto scores are overwritten, scores an instructor
gave by hand in formgrader are kept.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

from nbgrader.api import BaseCell, Grade, Gradebook, MissingEntry, Notebook, SubmittedNotebook
from sqlalchemy.exc import SAWarning

from autograder.course import Course
from autograder.results import SubmissionOutcome, manual_state


class GradebookNotReady(RuntimeError):
    pass


def ensure_assignments(course: Course, assignments: list[str], log=print) -> None:
    """The gradebook must know each assignment's notebooks and graded cells; nbgrader's
    generate_assignment records them. Run it (once, for all that are missing) when needed."""
    missing = []
    with Gradebook(course.gradebook_url) as gb:
        for assignment in assignments:
            try:
                known = {nb.name for nb in gb.find_assignment(assignment).notebooks}
            except MissingEntry:
                known = set()
            if not {nb.name for nb in course.instructor_notebooks(assignment)} <= known:
                missing.append(assignment)
    if not missing:
        return
    target = missing[0] if len(missing) == 1 else "*"  # one nbgrader start-up for all of them
    log(f"recording {', '.join(missing)} in the gradebook (nbgrader generate_assignment {target})...")
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", target, "--force", "--log-level=WARN"],
        cwd=course.root, capture_output=True, text=True,
    )
    if proc.returncode != 0 or "ERROR" in proc.stderr:
        raise GradebookNotReady(
            f"nbgrader generate_assignment {target} failed in {course.root}:\n{proc.stderr.strip()[-2000:]}"
        )


class GradebookWriter:
    """One open gradebook for a whole batch (opening one costs more than recording a submission).
    Each submission is committed on its own, so an interrupted batch keeps what it recorded."""

    def __init__(self, course: Course):
        self.course = course
        self.gb = None

    def __enter__(self):
        self.gb = Gradebook(self.course.gradebook_url)
        return self

    def __exit__(self, *exc):
        self.gb.close()

    def record(self, outcome: SubmissionOutcome, timestamp: str | None = None) -> None:
        if timestamp is None:
            timestamp = read_timestamp(self.course, outcome.student, outcome.assignment)
        with warnings.catch_warnings():
            # nbgrader's update_or_create_submission trips SQLAlchemy's autoflush warnings; they are harmless.
            warnings.simplefilter("ignore", SAWarning)
            self._record(outcome, timestamp)

    def _record(self, outcome: SubmissionOutcome, timestamp: str | None) -> None:
        gb = self.gb
        gb.update_or_create_student(outcome.student)
        kwargs = {"timestamp": timestamp} if timestamp else {}
        submission = gb.update_or_create_submission(outcome.assignment, outcome.student, **kwargs)
        # One query for all of the submission's grades with their cell and notebook names
        # (walking the relationships lazily costs a query per notebook and per cell).
        rows = (gb.db.query(Grade, BaseCell.name, Notebook.name)
                .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                .join(BaseCell, Grade.cell_id == BaseCell.id)
                .filter(SubmittedNotebook.assignment_id == submission.id)
                .all())
        grades = {(notebook, cell): grade for grade, cell, notebook in rows}
        for nb in outcome.notebooks:
            for q in nb.questions:
                grade = grades.get((nb.name, q["qid"]))
                if grade is None:
                    continue  # a question the gradebook does not know (an old generate_assignment)
                state = manual_state(q, nb.free_text.get(q["qid"], ""))
                if state != "auto":
                    has_text = state == "pending"
                    grade.auto_score = None if has_text else 0.0
                    if grade.manual_score is None:
                        grade.needs_manual_grade = has_text
                else:
                    grade.auto_score = q["score"]
                    grade.needs_manual_grade = False
        gb.db.commit()


def record(course: Course, outcome: SubmissionOutcome, timestamp: str | None = None) -> None:
    """Record one outcome (opens the gradebook for it; use GradebookWriter for a batch)."""
    with GradebookWriter(course) as writer:
        writer.record(outcome, timestamp)


def write_autograded_notebooks(course: Course, outcome: SubmissionOutcome, prepared_cells: dict[str, list[dict]]) -> None:
    """The notebooks as graded (the instructor's structure with the student's answers), for formgrader."""
    folder = course.autograded_dir(outcome.student, outcome.assignment)
    folder.mkdir(parents=True, exist_ok=True)
    for instructor in course.instructor_notebooks(outcome.assignment):
        cells = prepared_cells.get(instructor.name)
        if cells is None:
            continue
        nb = dict(instructor.raw)
        nb["cells"] = cells
        # formgrader renders this in the instructor's browser: student HTML must be inert (issue 9).
        from autograder.sanitise import sanitise_notebook
        (folder / f"{instructor.name}.ipynb").write_text(json.dumps(sanitise_notebook(nb), ensure_ascii=False), encoding="utf-8")


_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]{5,20}( ?(UTC|Z|[+-][0-9:]{2,5}))?")


def read_timestamp(course: Course, student: str, assignment: str) -> str | None:
    """The submission's timestamp.txt when it is a plain file holding a timestamp; never follows a link
    (nothing of a link's target may reach a message), and a text that is not a timestamp is ignored
    (nbgrader would fail to parse it)."""
    from autograder.submission import BadSubmission, read_plain_file

    path: Path = course.submission_dir(student, assignment) / "timestamp.txt"
    try:
        text = read_plain_file(path, 200).decode("utf-8").strip()
    except (BadSubmission, UnicodeDecodeError):
        return None
    return text if _TIMESTAMP.fullmatch(text) else None
