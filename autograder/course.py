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
import os
import re
import stat
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
        """The assignment's source notebooks, parsed once per batch (every step of every submission asks
        for them) and again only when a file changes."""
        self.check_assignment(assignment)
        paths = sorted((self.root / "source" / assignment).glob("*.ipynb"))
        stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
        cache = self.__dict__.setdefault("_notebooks", {})
        if cache.get(assignment, (None,))[0] != stamp:
            cache[assignment] = (stamp, self._read_instructor_notebooks(assignment, paths))
        return list(cache[assignment][1])

    def _read_instructor_notebooks(self, assignment: str, paths) -> list[InstructorNotebook]:
        notebooks = []
        for path in paths:
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
        """Every folder under submitted/ that holds this assignment, valid student id or not (the grader
        records invalid ones with the reason, so that none is lost quietly). Never follows a link."""
        return [folder.name for folder in self.submission_folders(assignment)]

    def submission_folders(self, assignment: str) -> list[SubmissionFolder]:
        """submitted/<student>/<assignment> entries, each with the reason it cannot be graded (or None).
        Student folder names and links are the student's: checked with lstat, never followed."""
        submitted = self.root / "submitted"
        try:
            entries = sorted(os.scandir(submitted), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return []
        folders = []
        for entry in entries:
            if entry.is_symlink():
                folders.append(SubmissionFolder(entry.name, "the student folder is a symbolic link; links are not "
                                                "graded (copy the submission in as a real folder)"))
                continue
            if not entry.is_dir(follow_symlinks=False):
                continue  # a stray file next to the student folders
            try:
                mode = os.lstat(Path(entry.path) / assignment).st_mode
            except OSError:
                continue  # this student has no submission for this assignment
            if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
                folders.append(SubmissionFolder(entry.name, f"submitted/<student>/{assignment} is not a plain folder "
                                                "(a link or a file); links are not graded"))
            elif not valid_student_id(entry.name):
                folders.append(SubmissionFolder(entry.name, "not a valid student id (letters, digits and ._@- only, "
                                                "starting with a letter or digit); rename the folder to the student's id"))
            else:
                folders.append(SubmissionFolder(entry.name, None))
        return folders

    def submission_dir(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment


@dataclass(frozen=True)
class SubmissionFolder:
    student: str  # the folder's name, as the student (or the exchange) made it: untrusted
    problem: str | None  # why it cannot be graded, or None

    @property
    def name(self) -> str:
        return self.student


def valid_student_id(student: str) -> bool:
    return bool(_STUDENT_ID.fullmatch(student))


MAX_SUBMISSION_ENTRIES = 1_000


def special_file_problem(folder: Path) -> str | None:
    """Why the submission folder holds something other than plain files and folders (a symbolic
    or hard link, a FIFO, a device...), or None. Walks with lstat and never follows a link; the link's
    target is never read, not even for the message."""
    seen = 0
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as error:
            return f"the folder {current.relative_to(folder.parent)} cannot be read ({error.strerror})"
        for entry in entries:
            seen += 1
            if seen > MAX_SUBMISSION_ENTRIES:
                return f"it holds more than {MAX_SUBMISSION_ENTRIES:,} files"
            where = Path(entry.path).relative_to(folder)
            if entry.is_symlink():
                return f"'{where}' is a symbolic link; links are not graded (submit the file itself)"
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif not entry.is_file(follow_symlinks=False):
                return f"'{where}' is not a regular file (a pipe, socket or device); only plain files are graded"
            elif entry.stat(follow_symlinks=False).st_nlink > 1:
                # A hard link shares its contents with another file, e.g. the instructor's solution
                # notebook: what it holds was not necessarily handed in. Named, the other file never.
                return (f"'{where}' is a hard link (another file shares its contents); links are not graded "
                        "(submit a copy of the file itself)")
    return None


def _is_course(folder: Path) -> bool:
    return (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir()


def open_course(folder, assignments: list[str], verb: str) -> Course | None:
    """The course folder with the named assignments checked, or None after a one-line error
    on stderr (the command then exits 2)."""
    import sys

    try:
        path = Path(folder)
        if not (path / "source").is_dir() and _is_course(Path.cwd()) and not path.is_absolute():
            # `cd exercises` (as the README says for nbgrader) then `autograder grade ...`: the current
            # folder is the course; "exercises/exercises" is not.
            path = Path.cwd()
        course = Course(path)
        for assignment in assignments:
            course.check_assignment(assignment)
    except (FileNotFoundError, ValueError) as error:
        print(f"autograder {verb}: {error}", file=sys.stderr)
        return None
    return course
