"""Record outcomes in nbgrader's gradebook, so formgrader and nbgrader's own commands keep working.

Only the coordinating process calls this (workers never touch the database).
Re-recording is idempotent: auto scores are overwritten, scores an instructor
gave by hand in formgrader are kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from autograder.course import Course
from autograder.grading import SubmissionOutcome
from autograder.submission import unanswered


class GradebookNotReady(RuntimeError):
    pass


def ensure_assignment(course: Course, assignment: str, log=print) -> None:
    """The gradebook must know the assignment's notebooks and graded cells; nbgrader's
    generate_assignment records them. Run it when they are missing."""
    with Gradebook(course.gradebook_url) as gb:
        try:
            notebooks = {nb.name for nb in gb.find_assignment(assignment).notebooks}
        except MissingEntry:
            notebooks = set()
    wanted = {nb.name for nb in course.instructor_notebooks(assignment)}
    if wanted <= notebooks:
        return
    log(f"recording {assignment} in the gradebook (nbgrader generate_assignment)...")
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force", "--log-level=WARN"],
        cwd=course.root, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise GradebookNotReady(
            f"nbgrader generate_assignment {assignment} failed in {course.root}:\n{proc.stderr.strip()[-2000:]}"
        )


def record(course: Course, outcome: SubmissionOutcome, timestamp: str | None = None) -> None:
    with warnings.catch_warnings():
        # nbgrader's update_or_create_submission trips SQLAlchemy's autoflush warnings; they are harmless.
        warnings.simplefilter("ignore", SAWarning)
        _record(course, outcome, timestamp)


def _record(course: Course, outcome: SubmissionOutcome, timestamp: str | None) -> None:
    with Gradebook(course.gradebook_url) as gb:
        gb.update_or_create_student(outcome.student)
        kwargs = {"timestamp": timestamp} if timestamp else {}
        gb.update_or_create_submission(outcome.assignment, outcome.student, **kwargs)
        for nb in outcome.notebooks:
            for q in nb.questions:
                try:
                    grade = gb.find_grade(q["qid"], nb.name, outcome.assignment, outcome.student)
                except MissingEntry:
                    continue  # a question the gradebook does not know (an old generate_assignment)
                if q["status"] == "pending_manual":
                    has_text = not unanswered(nb.free_text.get(q["qid"], ""))
                    grade.auto_score = None if has_text else 0.0
                    if grade.manual_score is None:
                        grade.needs_manual_grade = has_text
                else:
                    grade.auto_score = q["score"]
                    grade.needs_manual_grade = False
        gb.db.commit()


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
        (folder / f"{instructor.name}.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


def read_timestamp(course: Course, student: str, assignment: str) -> str | None:
    path: Path = course.submission_dir(student, assignment) / "timestamp.txt"
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text[:64] or None
