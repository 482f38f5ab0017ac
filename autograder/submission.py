"""Read a student's notebook without trusting its structure.

The notebook is graded from the instructor's version: answers are taken from the
student's cells with the same grade id and type; every other nbgrader cell
(instructions, setup, checks) comes from the instructor, whatever the student
did to it. Cells the student added run as their code (in the sandbox), in the
place they were added. Deleted, added, re-typed or re-labelled cells and edited
nbgrader metadata are noted for the feedback; a file that is not a notebook is
reported as a failed submission, with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograder.bounds import MAX_CELLS, MAX_NOTEBOOK_BYTES, notebook_problem
from autograder.course import InstructorNotebook, cell_source, nbgrader_meta
from autograder.results import unanswered

__all__ = ["BadSubmission", "PreparedNotebook", "prepare", "read_notebook", "unanswered", "MAX_NOTEBOOK_BYTES"]

_COMPARED_META = ("grade", "solution", "locked", "points", "grade_id")
SOLUTION_MARKER = "### BEGIN SOLUTION"


class BadSubmission(ValueError):
    """The file cannot be graded at all; the message says why, for the student and the instructor."""


@dataclass
class PreparedNotebook:
    name: str
    code_cells: list[str]  # what runs in the sandbox, in order
    answer_cells: dict[str, str]  # grade id of a solution cell -> the student's source
    notes: list[str] = field(default_factory=list)  # structure problems found
    cells_for_record: list[dict] = field(default_factory=list)  # the notebook as graded (instructor structure)
    flags: list[str] = field(default_factory=list)  # integrity warnings for the instructor (solution copied...)
    cell_names: list[str] = field(default_factory=list)  # one per code cell: its grade id, or where it came from


def read_plain_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, refusing symbolic and hard links and special files without following them
    (O_NOFOLLOW; a FIFO or device is never read). `limit` is checked on the open descriptor."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno in (40, 31):  # ELOOP (a symlink under O_NOFOLLOW), EMLINK on some systems
            raise BadSubmission(f"{path.name} is a symbolic link; links are not graded (submit the file itself)") from None
        raise BadSubmission(f"{path.name} cannot be read: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadSubmission(f"{path.name} is not a regular file; submit the notebook file itself")
        if info.st_nlink > 1:  # checked on the open file: it may have become one since the folder was walked
            raise BadSubmission(f"{path.name} is a hard link (another file shares its contents); submit a copy of the file itself")
        if info.st_size > limit:
            raise BadSubmission(f"{path.name} is {info.st_size / 1e6:.0f} MB; files over {limit / 1e6:.0f} MB are not graded")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew after fstat
            raise BadSubmission(f"{path.name} is over {limit / 1e6:.0f} MB; files that large are not graded")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_notebook(path: Path) -> dict:
    raw = read_plain_file(path, MAX_NOTEBOOK_BYTES)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadSubmission(f"{path.name} is not a text file; was a different file uploaded?") from None
    except json.JSONDecodeError as error:
        raise BadSubmission(
            f"{path.name} is not a valid notebook (invalid JSON at line {error.lineno}, column {error.colno}); "
            "open it in Jupyter, save it, and submit again"
        ) from None
    except ValueError as error:  # an integer of over 4,300 digits (Python's limit on converting one)
        raise BadSubmission(f"{path.name} is not a usable notebook: {str(error)[:80]}") from None
    except RecursionError:  # the C parser recurses once per nesting level
        raise BadSubmission(f"{path.name} is not a usable notebook: its JSON is nested far too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise BadSubmission(f"{path.name} is JSON but not a Jupyter notebook (no list of cells)")
    if len(data["cells"]) > MAX_CELLS:
        raise BadSubmission(f"{path.name} has {len(data['cells']):,} cells; notebooks with more than {MAX_CELLS:,} are not graded")
    problem = notebook_problem(data)
    if problem:
        raise BadSubmission(f"{path.name} is not a usable notebook: {problem}")
    for i, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise BadSubmission(f"{path.name}: cell {i + 1} is malformed")
        source = cell.get("source", "")
        if not isinstance(source, (str, list)) or (isinstance(source, list) and not all(isinstance(s, str) for s in source)):
            raise BadSubmission(f"{path.name}: cell {i + 1} has a malformed source")
    return data


def prepare(instructor: InstructorNotebook, student_nb: dict) -> PreparedNotebook:
    """Merge the student's notebook into the instructor's structure."""
    by_id = {c.grade_id: c for c in instructor.cells if c.grade_id}
    notes: list[str] = []
    matched: dict[str, dict] = {}  # grade id -> the student's cell
    order: list[tuple[str, object]] = []  # ("matched", grade_id) or ("added", source), in the student's order
    for position, cell in enumerate(student_nb["cells"], start=1):
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id is not None and not isinstance(grade_id, str):
            # A list or dict would not even be hashable: treat the cell as one the student added.
            notes.append(f"cell {position} has a grade id that is not text; it was treated as an added cell")
            grade_id = None
        if grade_id in by_id and grade_id not in matched:
            matched[grade_id] = cell
            order.append(("matched", grade_id))
            theirs = {k: nbgrader_meta(cell).get(k) for k in _COMPARED_META}
            ours = by_id[grade_id]
            expected = {"grade": ours.grade, "solution": ours.solution, "locked": ours.locked,
                        "points": ours.points, "grade_id": ours.grade_id}
            if any(bool(theirs[k]) != bool(expected[k]) for k in ("grade", "solution", "locked")) or (
                expected["points"] is not None and theirs["points"] != expected["points"]
            ):
                notes.append(f"the nbgrader settings of cell '{grade_id}' were changed; the original settings were used")
            if not ours.solution and cell_source(cell) != ours.source and ours.cell_type == cell["cell_type"]:
                notes.append(f"read-only cell '{grade_id}' was edited; the original was used")
        elif grade_id in matched:
            notes.append(f"cell '{grade_id}' appears more than once; only the first was used")
        elif grade_id:
            notes.append(f"a cell labelled '{grade_id}' is not part of this assignment; it was treated as an added cell")
            if cell["cell_type"] == "code":
                order.append(("added", cell_source(cell)))
        elif cell["cell_type"] == "code":
            order.append(("added", cell_source(cell)))

    # Added cells run just before the instructor cell that followed them in the student's notebook.
    added_before: dict[int, list[str]] = {}
    pending: list[str] = []
    for kind, value in order:
        if kind == "added":
            pending.append(value)
        else:
            added_before.setdefault(by_id[value].index, []).extend(pending)
            pending = []
    trailing = pending

    code_cells: list[str] = []
    cell_names: list[str] = []  # what a failure message calls each code cell
    answers: dict[str, str] = {}
    record: list[dict] = []
    added_count = 0
    for icell in instructor.cells:
        for source in added_before.get(icell.index, []):
            code_cells.append(source)
            cell_names.append(f"a cell you added (number {added_count + 1})")
            added_count += 1
            record.append({"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None})
        raw = instructor.raw["cells"][icell.index]
        if icell.is_answer and icell.grade_id:
            theirs = matched.get(icell.grade_id)
            if theirs is None:
                notes.append(f"answer cell '{icell.grade_id}' was deleted; that question has no answer")
                source = ""
            elif theirs["cell_type"] != icell.cell_type:
                notes.append(f"answer cell '{icell.grade_id}' was changed from {icell.cell_type} to {theirs['cell_type']}; it was not used")
                source = ""
            else:
                source = cell_source(theirs)
            answers[icell.grade_id] = source
            if icell.cell_type == "code" and source:
                code_cells.append(source)
                cell_names.append(icell.grade_id)
            record.append({**raw, "source": source, **({"outputs": [], "execution_count": None} if icell.cell_type == "code" else {})})
            continue
        if icell.grade_id and icell.grade_id not in matched:
            notes.append(f"read-only cell '{icell.grade_id}' was deleted; the original was used")
        if icell.cell_type == "code" and not icell.is_test:
            code_cells.append(icell.source)  # setup and display cells: the instructor's code
            cell_names.append(icell.grade_id or f"cell {icell.index + 1}")
        record.append({**raw, **({"outputs": [], "execution_count": None} if icell.cell_type == "code" else {})})
    for source in trailing:
        code_cells.append(source)
        cell_names.append(f"a cell you added (number {added_count + 1})")
        added_count += 1
        record.append({"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None})
    if added_count:
        notes.append(f"{added_count} added code cell(s) were run with your answers")
    return PreparedNotebook(instructor.name, code_cells, answers, notes, record,
                            integrity_flags(instructor, student_nb, answers), cell_names)


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).hexdigest()


def integrity_flags(instructor: InstructorNotebook, student_nb: dict, answers: dict[str, str]) -> list[str]:
    """Signs that the submission is the instructor's notebook rather than the student's work: the
    solution markers nbgrader strips on release, or answer cells identical to the model solutions
    (compared by hash of the stripped source). Flagged for the instructor, not scored down: a
    symlink or a leaked file is for a person to judge."""
    flags = []
    marked = sum(SOLUTION_MARKER in cell_source(c) for c in student_nb["cells"])
    if marked:
        flags.append(f"{marked} cell(s) carry the instructor's solution markers ({SOLUTION_MARKER}); "
                     "this looks like the instructor's source notebook, not a released one")
    models = {c.grade_id: _digest(c.source) for c in instructor.cells
              if c.is_answer and c.grade_id and c.source.strip() and SOLUTION_MARKER in c.source}
    if models:
        same = sum(1 for gid, digest in models.items() if answers.get(gid) and _digest(answers[gid]) == digest)
        if same == len(models):
            flags.append(f"all {same} answer cells are identical to the instructor's source notebook")
    return flags
