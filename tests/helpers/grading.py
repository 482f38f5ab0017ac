"""Build course folders and student submissions for the grader's tests and benchmark.

Submissions are made from the instructor's source notebooks, the way students
produce them: the solution (all right), the release version (blank), wrong or
partly right answers derived from the keys, and adversarial variants that inject
an attack from tests/fixtures/attacks/ in place of one answer.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

from . import EXERCISES, ROOT

ATTACKS = ROOT / "tests" / "fixtures" / "attacks"
_SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION\n?", re.S)


def build_course(dest: Path) -> Path:
    """A copy of the course (config, source notebooks, keys) without any grading state."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXERCISES / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(EXERCISES / "source", dest / "source")
    shutil.copytree(EXERCISES / "keys", dest / "keys", ignore=shutil.ignore_patterns("__pycache__"))
    for extra in ("outlines",):  # instructor-only files the keys read
        if (EXERCISES / extra).is_dir():
            shutil.copytree(EXERCISES / extra, dest / extra)
    return dest


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def find_cell(nb: dict, grade_id: str) -> dict:
    for cell in nb["cells"]:
        if _meta(cell).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def _text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def solution_notebook(source: Path) -> dict:
    """The instructor's notebook as a student who got everything right would submit it."""
    nb = load(source)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def release_notebook(source: Path) -> dict:
    """What nbgrader releases: answers replaced by stubs (a blank submission)."""
    nb = solution_notebook(source)
    for cell in nb["cells"]:
        meta = _meta(cell)
        if not meta.get("solution"):
            continue
        if cell["cell_type"] == "code":
            cell["source"] = _SOLUTION.sub("# YOUR CODE HERE\nraise NotImplementedError()\n", _text(cell))
        else:
            cell["source"] = "YOUR ANSWER HERE"
    return nb


def set_answer(nb: dict, qid: str, source: str) -> dict:
    cell = find_cell(nb, f"{qid}_answer")
    cell["source"] = source
    return nb


def wrong_value(question, key, all_wrong: bool = False):
    """A well-formed answer that the key marks wrong: for several items, one item wrong
    (partial credit), or every item wrong with `all_wrong` (no credit)."""
    kind = question.kind
    if kind == "multiple_choice":
        return next(o for o in question.options if o != key.value)
    if kind == "classification":
        value = {k: (v[0] if isinstance(v, (tuple, list)) else v) for k, v in key.value.items()}
        for item in question.items if all_wrong else question.items[:1]:
            accepted = key.value[item] if isinstance(key.value[item], (tuple, list)) else (key.value[item],)
            value[item] = next(label for label in question.labels if label not in accepted)
        return value
    if kind == "ordering":
        value = list(key.value)
        if all_wrong:
            return value[::-1] if len(value) % 2 == 0 else value[1:] + value[:1]  # no item in place... mostly
        value[0], value[1] = value[1], value[0]
        return value
    if kind == "number":
        return float(key.value) + 1000.0
    if kind == "evidence":
        from .answers import FABRICATED

        return [FABRICATED] * question.min_quotes
    if kind == "weights":
        return {item: 5 for item in question.items}
    raise ValueError(kind)


def expected_score(question, key, answer_kind: str) -> float:
    """Points the grader must give for `answer_kind` in {"right", "wrong", "blank"}."""
    if answer_kind == "blank" or question.kind == "free_text":
        return 0.0
    if answer_kind == "right" or question.kind == "weights":
        return float(question.points)
    if question.kind == "classification":
        return question.points * (len(question.items) - 1) / len(question.items)
    if question.kind == "ordering":
        n = len(key.value)
        # Two neighbours swapped: footrule 2, counted twice against the worst case (Ordering.score).
        return question.points * max(0.0, 1 - 2 * 2 / ((n * n) // 2 or 1))
    return 0.0


def wrong_answers_notebook(source: Path, assignment: str, qids: set[str] | None = None) -> dict:
    """Every auto-graded answer (or those in `qids`) replaced by a wrong one derived from the key."""
    from autograder.keys import load_keys
    from considerations.assignments import ASSIGNMENTS

    keys = load_keys(assignment, EXERCISES)
    nb = solution_notebook(source)
    for question in ASSIGNMENTS[assignment]:
        if question.kind == "free_text" or (qids is not None and question.qid not in qids):
            continue
        try:
            find_cell(nb, f"{question.qid}_answer")
        except KeyError:
            continue
        value = wrong_value(question, keys.get(question.qid))
        set_answer(nb, question.qid, f"{question.qid} = {value!r}\n")
    return nb


def attack_notebook(source: Path, assignment: str, attack: str, target_qid: str, **placeholders) -> dict:
    """The solution, with the answer to `target_qid` replaced by an attack cell that answers wrongly."""
    from autograder.keys import load_keys
    from considerations.assignments import ASSIGNMENTS

    question = next(q for q in ASSIGNMENTS[assignment] if q.qid == target_qid)
    key = load_keys(assignment, EXERCISES).get(target_qid)
    code = (ATTACKS / f"{attack}.py").read_text(encoding="utf-8")
    code = code.replace("TARGET", target_qid).replace("WRONG_ANSWER", repr(wrong_value(question, key, all_wrong=True)))
    for name, value in placeholders.items():
        code = code.replace(name, repr(value) if not isinstance(value, int) else str(value))
    nb = solution_notebook(source)
    return set_answer(nb, target_qid, code)


def write_submission(course: Path, student: str, assignment: str, notebooks: dict[str, dict | str | bytes]) -> Path:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        path = folder / f"{name}.ipynb"
        if isinstance(nb, bytes):
            path.write_bytes(nb)
        elif isinstance(nb, str):
            path.write_text(nb, encoding="utf-8")
        else:
            path.write_text(json.dumps(nb), encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return folder


def deep(nb: dict) -> dict:
    return copy.deepcopy(nb)


def question_messages(question: dict) -> list[str]:
    """The feedback messages of a stored question result (autograder.json), for tests that look for words."""
    return [item["message"] for item in question.get("feedback") or []
            if isinstance(item, dict) and isinstance(item.get("message"), str)]
