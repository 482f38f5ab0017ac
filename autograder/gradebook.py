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
from autograder.lazy_imports import import_deferring_packages

# nbgrader's models without the package inits that writing grades never uses: nbgrader's (its server
# extensions) and nbformat's (nbgrader.utils wants only NotebookNode; the init loads the notebook
# validator and jsonschema). In `autograder grade` (nbgrader already stubbed, rfc3987_syntax blocked
# by cli.py) that is 0.85 -> 0.70 s of import; elsewhere (tests, other tools) 2.9 -> 0.7 s.
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
    new_uuid,
)
from nbgrader.utils import parse_utc  # noqa: E402
from sqlalchemy import bindparam, insert, select, update  # noqa: E402
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
        self._students: set[str] | None = None
        self._submission_ids: dict[str, dict[str, str]] = {}

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
            self._forget()
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
            self._forget()
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
            # SQLAlchemy's autoflush warnings about nbgrader's relationships are harmless.
            warnings.simplefilter("ignore", SAWarning)
            self._record(outcome, timestamp)

    # The rows are written with SQLAlchemy Core statements on nbgrader's own tables, in the session's
    # transaction: the same rows nbgrader's add_submission makes, without the ORM's unit of work (objects,
    # relationships, a topological sort per flush): 10 -> ~2 ms per new submission. What the gradebook
    # holds already is looked up once per assignment and kept; a rollback forgets it (_forget).
    def _forget(self) -> None:
        self._students = None
        self._submission_ids.clear()

    def _known_students(self) -> set[str]:
        if self._students is None:
            self._students = set(self.gb.db.execute(select(Student.id)).scalars())
        return self._students

    def _submissions_of(self, assignment: str) -> dict[str, str]:
        """student id -> submitted_assignment id for one assignment (one query)."""
        if assignment not in self._submission_ids:
            rows = self.gb.db.execute(
                select(SubmittedAssignment.student_id, SubmittedAssignment.id)
                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                .where(Assignment.name == assignment))
            self._submission_ids[assignment] = {student: sid for student, sid in rows}
        return self._submission_ids[assignment]

    def _structure(self, assignment: str):
        """(assignment id, [(notebook id, notebook name, grade cells, solution cell ids, task cells)]) as
        generate_assignment recorded them; cells as (id, name). Read once per assignment."""
        if assignment not in self._assignments:
            found = self.gb.find_assignment(assignment)
            self._assignments[assignment] = (found.id, [
                (nb.id, nb.name, [(c.id, c.name) for c in nb.grade_cells], [c.id for c in nb.solution_cells],
                 [(c.id, c.name) for c in nb.task_cells]) for nb in found.notebooks])
        return self._assignments[assignment]

    @staticmethod
    def _when(timestamp: str | None):
        if timestamp:
            try:
                return parse_utc(timestamp)
            except Exception:  # noqa: BLE001 (an unparsable timestamp.txt is the student's, not a grading failure)
                return None
        return None

    @staticmethod
    def _scores(outcome: SubmissionOutcome, grades: dict) -> dict:
        """grade id -> (auto_score, needs_manual_grade) for the outcome's questions the gradebook knows;
        `grades` maps (notebook name, cell name) to (grade id, whether a hand score was given)."""
        scores = {}
        for nb in outcome.notebooks:
            for q in nb.questions:
                grade = grades.get((nb.name, q["qid"]))
                if grade is None:
                    continue  # a question the gradebook does not know (an old generate_assignment)
                grade_id, hand_scored = grade
                state = manual_state(q, nb.free_text.get(q["qid"], ""))
                if state != "auto":
                    has_text = state == "pending"
                    # A hand score keeps its needs_manual_grade (None: leave the column as it is).
                    scores[grade_id] = (None if has_text else 0.0, None if hand_scored else has_text)
                else:
                    scores[grade_id] = (q["score"], False)
        return scores

    def _record(self, outcome: SubmissionOutcome, timestamp: str | None) -> None:
        db = self.gb.db
        when = self._when(timestamp)
        submissions = self._submissions_of(outcome.assignment)
        submission_id = submissions.get(outcome.student)
        if submission_id is None:
            self._insert(outcome, when)
            return
        if when is not None:
            db.execute(update(SubmittedAssignment).where(SubmittedAssignment.id == submission_id)
                       .values(timestamp=when))
        # One query for all of the submission's grades with their cell and notebook names.
        rows = db.execute(
            select(Grade.id, BaseCell.name, Notebook.name, Grade.manual_score)
            .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
            .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
            .join(BaseCell, Grade.cell_id == BaseCell.id)
            .where(SubmittedNotebook.assignment_id == submission_id))
        grades = {(notebook, cell): (grade_id, manual is not None) for grade_id, cell, notebook, manual in rows}
        scores = self._scores(outcome, grades)
        table = Grade.__table__
        for keep_manual in (False, True):
            params = [{"gid": gid, "auto": auto, **({} if keep_manual else {"manual": manual})}
                      for gid, (auto, manual) in scores.items() if (manual is None) == keep_manual]
            if params:
                values = {"auto_score": bindparam("auto")}
                if not keep_manual:
                    values["needs_manual_grade"] = bindparam("manual")
                db.execute(table.update().where(table.c.id == bindparam("gid")).values(**values), params)

    def _insert(self, outcome: SubmissionOutcome, when) -> None:
        """A new submission: the structure nbgrader's add_submission mirrors from the assignment (a
        submitted notebook per notebook, a grade per grade and task cell, a comment per solution and task
        cell), with the outcome's scores in the grades' first version."""
        db = self.gb.db
        assignment_id, notebooks = self._structure(outcome.assignment)
        if outcome.student not in self._known_students():
            db.execute(insert(Student), [{"id": outcome.student}])
            self._students.add(outcome.student)
        submission_id = new_uuid()
        db.execute(insert(SubmittedAssignment), [{"id": submission_id, "assignment_id": assignment_id,
                                                  "student_id": outcome.student, "timestamp": when}])
        self._submission_ids[outcome.assignment][outcome.student] = submission_id
        submitted, grades, comments, grade_keys = [], [], [], {}
        for notebook_id, notebook_name, grade_cells, solution_cells, task_cells in notebooks:
            nb_id = new_uuid()
            submitted.append({"id": nb_id, "assignment_id": submission_id, "notebook_id": notebook_id})
            for cell_id, cell_name in grade_cells + task_cells:
                grade_id = new_uuid()
                grades.append({"id": grade_id, "notebook_id": nb_id, "cell_id": cell_id})
                grade_keys[(notebook_name, cell_name)] = (grade_id, False)
            for cell_id in solution_cells + [cell_id for cell_id, _ in task_cells]:
                comments.append({"id": new_uuid(), "notebook_id": nb_id, "cell_id": cell_id})
        scores = self._scores(outcome, grade_keys)
        for row in grades:
            auto, manual = scores.get(row["id"], (None, True))  # a question not scored: nbgrader's defaults
            row.update(auto_score=auto, needs_manual_grade=manual)
        for model, rows in ((SubmittedNotebook, submitted), (Grade, grades), (Comment, comments)):
            if rows:
                db.execute(insert(model), rows)


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
