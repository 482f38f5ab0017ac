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

import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import InstructorNotebook, cell_source, nbgrader_meta

MAX_NOTEBOOK_BYTES = 20_000_000
_COMPARED_META = ("grade", "solution", "locked", "points", "grade_id")


def unanswered(text: str) -> bool:
    """A hand-graded answer cell left empty or with nbgrader's stub in it."""
    return text.strip() in ("", "YOUR ANSWER HERE")


class BadSubmission(ValueError):
    """The file cannot be graded at all; the message says why, for the student and the instructor."""


@dataclass
class PreparedNotebook:
    name: str
    code_cells: list[str]  # what runs in the sandbox, in order
    answer_cells: dict[str, str]  # grade id of a solution cell -> the student's source
    notes: list[str] = field(default_factory=list)  # structure problems found
    cells_for_record: list[dict] = field(default_factory=list)  # the notebook as graded (instructor structure)


def read_notebook(path: Path) -> dict:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise BadSubmission(f"{path.name} cannot be read: {error.strerror}") from None
    if size > MAX_NOTEBOOK_BYTES:
        raise BadSubmission(f"{path.name} is {size / 1e6:.0f} MB; notebooks over {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB are not graded")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise BadSubmission(f"{path.name} is not a text file; was a different file uploaded?") from None
    except json.JSONDecodeError as error:
        raise BadSubmission(
            f"{path.name} is not a valid notebook (invalid JSON at line {error.lineno}, column {error.colno}); "
            "open it in Jupyter, save it, and submit again"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise BadSubmission(f"{path.name} is JSON but not a Jupyter notebook (no list of cells)")
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
    for cell in student_nb["cells"]:
        grade_id = nbgrader_meta(cell).get("grade_id")
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
    answers: dict[str, str] = {}
    record: list[dict] = []
    added_count = 0
    for icell in instructor.cells:
        for source in added_before.get(icell.index, []):
            code_cells.append(source)
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
            record.append({**raw, "source": source, **({"outputs": [], "execution_count": None} if icell.cell_type == "code" else {})})
            continue
        if icell.grade_id and icell.grade_id not in matched:
            notes.append(f"read-only cell '{icell.grade_id}' was deleted; the original was used")
        if icell.cell_type == "code" and not icell.is_test:
            code_cells.append(icell.source)  # setup and display cells: the instructor's code
        record.append({**raw, **({"outputs": [], "execution_count": None} if icell.cell_type == "code" else {})})
    for source in trailing:
        code_cells.append(source)
        added_count += 1
        record.append({"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None})
    if added_count:
        notes.append(f"{added_count} added code cell(s) were run with your answers")
    return PreparedNotebook(instructor.name, code_cells, answers, notes, record)
