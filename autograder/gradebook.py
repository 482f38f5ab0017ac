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

from autograder.course import Course
from autograder.results import GradebookUnavailable, SubmissionOutcome, manual_state
from autograder.sanitise import import_deferring_packages

# nbgrader's models without the package inits that writing grades never uses: nbgrader's (its server
# extensions) and nbformat's (nbgrader.utils wants only NotebookNode; the init loads the notebook
# validator, jsonschema and its format checkers: 2.9 -> 0.7 s of import on a loaded machine).
import_deferring_packages("nbgrader.api", ("nbgrader", "nbformat"))
from nbgrader.api import (  # noqa: E402 (after the deferral above)
    Assignment,
    BaseCell,
    Comment,
    Grade,
    Gradebook,
    MissingEntry,
    Notebook,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)
from nbgrader.utils import parse_utc  # noqa: E402
from sqlalchemy.exc import SAWarning  # noqa: E402


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

    Writes are committed in batches of `batch_size` submissions (one transaction each: about 45 ms
    per submission saved). Crash-safe because the result files are the source of truth: a
    submission's marker file (`.gradebook`, the result id it last committed) is written only after
    its batch commits, and every run re-records each submission whose marker does not match its
    result, so a kill mid-batch loses nothing that was graded."""

    MARKER = ".gradebook"

    def __init__(self, course: Course, batch_size: int = 50):
        self.course = course
        self.batch_size = batch_size
        self.gb = None
        self.staged: list[SubmissionOutcome] = []
        self._hand_graded: dict[str, set] = {}
        self._assignments: dict = {}

    def __enter__(self):
        self.gb = Gradebook(self.course.gradebook_url)
        return self

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self.flush()
        finally:
            self.gb.close()

    # -- what is in the gradebook already ---------------------------------------------------------
    def _marker(self, outcome: SubmissionOutcome) -> Path:
        return self.course.autograded_dir(outcome.student, outcome.assignment) / self.MARKER

    def in_sync(self, outcome: SubmissionOutcome) -> bool:
        """The gradebook already holds this result (committed by an earlier run)."""
        if not outcome.result_id:
            return False
        try:
            return self._marker(outcome).read_text(encoding="utf-8") == outcome.result_id
        except OSError:
            return False

    def hand_graded(self, assignment: str) -> set[tuple[str, str, str]]:
        """(student, notebook, question) given a score in formgrader: one query per assignment."""
        if assignment not in self._hand_graded:
            rows = (self.gb.db.query(Student.id, Notebook.name, BaseCell.name)
                    .select_from(Grade)
                    .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                    .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                    .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                    .join(Student, SubmittedAssignment.student_id == Student.id)
                    .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                    .join(BaseCell, Grade.cell_id == BaseCell.id)
                    .filter(Assignment.name == assignment, Grade.manual_score.isnot(None))
                    .all())
            self._hand_graded[assignment] = {tuple(r) for r in rows}
        return self._hand_graded[assignment]

    def pending_manual(self, outcome: SubmissionOutcome) -> list[str]:
        """Written answers still awaiting a hand grade (the one rule: results.manual_state)."""
        given = self.hand_graded(outcome.assignment)
        return [q["qid"] for nb in outcome.notebooks for q in nb.questions
                if manual_state(q, nb.free_text.get(q["qid"], ""),
                                0.0 if (outcome.student, nb.name, q["qid"]) in given else None) == "pending"]

    def pending_from(self, student: str, assignment: str, pairs) -> list:
        """The (notebook, question) pairs still awaiting a hand grade, of those the grader left pending."""
        given = self.hand_graded(assignment)
        return [(nb, qid) for nb, qid in pairs if (student, nb, qid) not in given]

    # -- writing ----------------------------------------------------------------------------------
    def record(self, outcome: SubmissionOutcome, timestamp: str | None = None) -> None:
        """Stage one outcome; commits when the batch is full. On an error the transaction is rolled
        back, the other staged outcomes are written again, and the error is raised for this one."""
        try:
            self._apply(outcome, timestamp)
        except Exception:
            self.gb.db.rollback()
            staged, self.staged = self.staged, []
            for other in staged:
                self._apply(other, None)
                self.staged.append(other)
            raise
        self.staged.append(outcome)
        if len(self.staged) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.staged:
            return
        try:
            self.gb.db.commit()
        except Exception as error:
            self.gb.db.rollback()
            self.staged = []  # their result files stand; without markers the next run records them again
            raise GradebookUnavailable(f"{type(error).__name__}: {error}") from error
        for outcome in self.staged:
            if outcome.result_id:
                try:
                    self._marker(outcome).write_text(outcome.result_id, encoding="utf-8")
                except OSError:
                    pass  # no marker: the next run records it again, which is harmless
        self.staged = []

    def _apply(self, outcome: SubmissionOutcome, timestamp: str | None) -> None:
        if timestamp is None:
            timestamp = read_timestamp(self.course, outcome.student, outcome.assignment)
        with warnings.catch_warnings():
            # nbgrader's update_or_create_submission trips SQLAlchemy's autoflush warnings; they are harmless.
            warnings.simplefilter("ignore", SAWarning)
            self._record(outcome, timestamp)

    def _submission(self, assignment: str, student: str, timestamp: str | None):
        """Find or create the submission without committing (nbgrader's update_or_create_* commit on
        every call, which would make every submission its own transaction again). Returns the submission
        and, for a new one, its grades by (notebook name, cell name) (else None: they are queried)."""
        db = self.gb.db
        when = None
        if timestamp:
            try:
                when = parse_utc(timestamp)
            except Exception:  # noqa: BLE001 (an unparsable timestamp.txt is the student's, not a grading failure)
                when = None
        submission = (db.query(SubmittedAssignment)
                      .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                      .filter(Assignment.name == assignment, SubmittedAssignment.student_id == student)
                      .one_or_none())
        if submission is not None:
            if when is not None:
                submission.timestamp = when
            return submission, None
        person = db.query(Student).filter(Student.id == student).one_or_none()
        if person is None:
            person = Student(id=student)
            db.add(person)
        if assignment not in self._assignments:
            self._assignments[assignment] = self.gb.find_assignment(assignment)
        submission = SubmittedAssignment(assignment=self._assignments[assignment], student=person,
                                         **({"timestamp": when} if when else {}))
        # The same structure nbgrader's add_submission mirrors from the assignment. The new rows are
        # inserted by _record's one flush (a flush here and a query for the grades just created cost
        # ~20 ms more per new submission).
        grades = {}
        for notebook in submission.assignment.notebooks:
            nb = SubmittedNotebook(notebook=notebook, assignment=submission)
            for cell in notebook.grade_cells:
                grades[(notebook.name, cell.name)] = Grade(cell_id=cell.id, notebook=nb)
            for cell in notebook.solution_cells:
                Comment(cell_id=cell.id, notebook=nb)
            for cell in notebook.task_cells:
                Comment(cell_id=cell.id, notebook=nb)
                grades[(notebook.name, cell.name)] = Grade(cell_id=cell.id, notebook=nb)
        db.add(submission)
        return submission, grades

    def _record(self, outcome: SubmissionOutcome, timestamp: str | None) -> None:
        gb = self.gb
        submission, grades = self._submission(outcome.assignment, outcome.student, timestamp)
        if grades is None:
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
        gb.db.flush()


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
