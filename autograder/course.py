"""The nbgrader course folder, as the grader sees it.

    DIR/source/<assignment>/<notebook>.ipynb      instructor's notebooks (with solutions)
    DIR/keys/<assignment>.py                      answer keys, derived from data/
    DIR/submitted/<student>/<assignment>/...      collected submissions
    DIR/autograded/<student>/<assignment>/...     what the grader made of them (+ autograder.json)
    DIR/feedback/<student>/<assignment>/*.html    feedback for students
    DIR/gradebook.db                              nbgrader's gradebook
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from considerations.assignments import ASSIGNMENTS

_STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


@dataclass(frozen=True)
class InstructorCell:
    index: int
    cell_type: str
    source: str
    grade_id: str | None
    solution: bool
    grade: bool
    locked: bool
    points: float | None

    @property
    def is_answer(self) -> bool:
        return self.solution

    @property
    def is_test(self) -> bool:
        return self.grade and not self.solution

    @property
    def is_manual(self) -> bool:
        return self.grade and self.solution


@dataclass(frozen=True)
class InstructorNotebook:
    name: str  # file stem
    path: Path
    cells: tuple[InstructorCell, ...]
    raw: dict

    @property
    def question_ids(self) -> list[str]:
        """Ids of graded cells (tests and hand-graded answers), in notebook order."""
        return [c.grade_id for c in self.cells if c.grade and c.grade_id]


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_meta(cell: dict) -> dict:
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


class Course:
    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        if not (self.root / "source").is_dir():
            raise FileNotFoundError(
                f"{self.root} is not a course folder: it has no source/ folder (use --course DIR)"
            )

    @property
    def gradebook_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def assignments(self) -> list[str]:
        return sorted(p.name for p in (self.root / "source").iterdir() if p.is_dir() and p.name in ASSIGNMENTS)

    def check_assignment(self, assignment: str) -> None:
        if assignment not in ASSIGNMENTS or not (self.root / "source" / assignment).is_dir():
            known = ", ".join(self.assignments()) or "none"
            raise ValueError(f"unknown assignment {assignment!r}; assignments in {self.root / 'source'}: {known}")

    def instructor_notebooks(self, assignment: str) -> list[InstructorNotebook]:
        self.check_assignment(assignment)
        notebooks = []
        for path in sorted((self.root / "source" / assignment).glob("*.ipynb")):
            raw = json.loads(path.read_text(encoding="utf-8"))
            cells = []
            for i, cell in enumerate(raw["cells"]):
                meta = nbgrader_meta(cell)
                cells.append(InstructorCell(
                    index=i, cell_type=cell["cell_type"], source=cell_source(cell),
                    grade_id=meta.get("grade_id"), solution=bool(meta.get("solution")),
                    grade=bool(meta.get("grade")), locked=bool(meta.get("locked")), points=meta.get("points"),
                ))
            notebooks.append(InstructorNotebook(path.stem, path, tuple(cells), raw))
        if not notebooks:
            raise FileNotFoundError(f"no notebooks in {self.root / 'source' / assignment}")
        return notebooks

    def students_with_submissions(self, assignment: str) -> list[str]:
        submitted = self.root / "submitted"
        if not submitted.is_dir():
            return []
        return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir())

    def submission_dir(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment


def valid_student_id(student: str) -> bool:
    return bool(_STUDENT_ID.match(student))


def open_course(folder, assignments: list[str], verb: str) -> Course | None:
    """The course folder with the named assignments checked, or None after a one-line error
    on stderr (the command then exits 2)."""
    import sys

    try:
        course = Course(Path(folder))
        for assignment in assignments:
            course.check_assignment(assignment)
    except (FileNotFoundError, ValueError) as error:
        print(f"autograder {verb}: {error}", file=sys.stderr)
        return None
    return course
