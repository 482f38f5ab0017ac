"""The public checks (`check(...)` in the notebooks) test form only and never reveal a key.

- For every auto-graded question, a right answer and a different, well-formed wrong
  answer get the same output from `check()`.
- Malformed answers are refused with a message about the form.
- The checks work without the instructor's side: with `autograder` unimportable.
- The student's package, `considerations/`, holds nothing of `exercises/keys/`.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

from autograder.keys import load_keys
from considerations import load_claims, load_sources, verify_quote
from considerations.assignments import ASSIGNMENTS
from considerations.questions import Checker

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
PACKAGE = ROOT / "considerations"
AUTO = [(a, q.qid) for a, qs in ASSIGNMENTS.items() for q in qs if q.kind != "free_text"]


@cache
def keys(assignment: str):
    return load_keys(assignment, EXERCISES)


def _passage(quote: str, source: str) -> tuple[str, int]:
    match = verify_quote(quote, source=source)
    return source, load_sources()[source].body.rfind("\n", 0, match.start) + 1


def _quotes(q, on_topic: bool) -> list[str]:
    """min_quotes real quotes from the article(s): on the question's consideration, or from passages off it."""
    claims = load_claims()
    if q.source_id:
        claims = claims[claims["source_id"] == q.source_id]
    topical = {_passage(r.quote, str(r.source_id)) for r in claims[claims["consideration_id"] == q.consideration_id].itertuples()}
    rows = claims[(claims["consideration_id"] == q.consideration_id) == on_topic]
    quotes = [str(r.quote) for r in rows.itertuples() if (_passage(r.quote, str(r.source_id)) in topical) == on_topic]
    return quotes[: q.min_quotes]


def right_and_wrong(assignment: str, q):
    key = keys(assignment).get(q.qid)
    if q.kind == "classification":
        right = {k: (v[0] if isinstance(v, tuple) else v) for k, v in key.value.items()}
        wrong = {k: next(label for label in q.labels if label != v) for k, v in right.items()}
    elif q.kind == "ordering":
        right, wrong = list(key.value), list(reversed(key.value))
    elif q.kind == "multiple_choice":
        right, wrong = key.value, next(o for o in q.options if o != key.value)
    elif q.kind == "number":
        right, wrong = key.value, key.value + 1
    elif q.kind == "evidence":
        right, wrong = _quotes(q, True), _quotes(q, False)
    elif q.kind == "weights":
        right, wrong = {i: 7 for i in q.items}, {i: 2.5 for i in q.items}
    else:
        raise ValueError(q.kind)
    assert right != wrong
    return right, wrong


def run_check(checker: Checker, qid: str, answer) -> tuple[str, str]:
    """(printed output, exception text) of one public check."""
    out = io.StringIO()
    error = ""
    with contextlib.redirect_stdout(out):
        try:
            checker(qid, answer)
        except Exception as exc:  # noqa: BLE001 - the text is what we compare
            error = f"{type(exc).__name__}: {exc}"
    return out.getvalue(), error


@pytest.mark.parametrize("assignment,qid", AUTO)
def test_check_output_is_the_same_for_right_and_wrong_answers(assignment, qid):
    checker = Checker(assignment)
    q = checker.questions[qid]
    right, wrong = right_and_wrong(assignment, q)
    right_out, right_err = run_check(checker, qid, right)
    wrong_out, wrong_err = run_check(checker, qid, wrong)
    assert right_err == "" and wrong_err == "", (right_err, wrong_err)
    assert "form OK" in right_out
    assert right_out == wrong_out


@pytest.mark.parametrize("assignment,qid", AUTO)
def test_malformed_answers_are_refused_on_form_only(assignment, qid):
    checker = Checker(assignment)
    q = checker.questions[qid]
    malformed = [None, 3.5 if q.kind != "number" else "3.5", {"not an item": 1}]
    if q.kind == "number":
        import numpy as np

        malformed.append(np.int64(5))  # a pandas/numpy number must be converted with int()/float()
    for answer in malformed:
        out, err = run_check(checker, qid, answer)
        assert err.startswith("AnswerFormError:") and q.chapter in err, err
        assert "form needs fixing" in err and out == ""


def test_evidence_check_refuses_an_invented_quote_but_says_nothing_about_topic():
    checker = Checker("weighing_the_factors")
    q = checker.questions["q9_outcome_evidence"]
    _, err = run_check(checker, q.qid, ["Pakistan will recognise the Taliban government next week, officials say"] * 3)
    assert "not found word for word" in err
    out, err = run_check(checker, q.qid, _quotes(q, False))  # real quotes, off the topic: form is fine
    assert err == "" and "form OK" in out


def test_checks_work_without_the_instructors_side(monkeypatch):
    """The public checks import nothing from autograder (where the keys are loaded)."""
    for name in [m for m in sys.modules if m == "autograder" or m.startswith("autograder.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "autograder", None)
    with pytest.raises(ImportError):
        import autograder.keys  # noqa: F401
    for assignment, qid in AUTO:
        checker = Checker(assignment)
        q = checker.questions[qid]
        if q.kind == "evidence":
            continue  # covered above; its check reads only the article text
        out, err = run_check(checker, qid, _well_formed(q))
        assert err == "" and "form OK" in out


def _well_formed(q):
    if q.kind == "classification":
        return {i: q.labels[0] for i in q.items}
    if q.kind == "ordering":
        return list(q.items)
    if q.kind == "multiple_choice":
        return q.options[0]
    if q.kind == "number":
        return 1
    if q.kind == "weights":
        return {i: 1 for i in q.items}
    raise ValueError(q.kind)


def _python_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "__pycache__" not in p.parts]


def test_student_package_holds_no_keys():
    key_files = sorted((EXERCISES / "keys").glob("*.py"))
    assert {p.stem for p in key_files} == set(ASSIGNMENTS)
    key_texts = {p.read_text(encoding="utf-8") for p in key_files}
    key_functions = {
        node.name
        for p in key_files
        for node in ast.parse(p.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
    }
    for path in _python_files(PACKAGE):
        text = path.read_text(encoding="utf-8")
        assert text not in key_texts, f"{path} is a copy of a key file"
        assert path.stem not in ASSIGNMENTS and path.stem != "keys", f"{path} looks like a key module"
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                assert not any(n == "autograder" or n.startswith("autograder.") for n in names), (
                    f"{path} imports the grader; the student's package must not"
                )
            if isinstance(node, ast.Assign):
                assert not any(isinstance(t, ast.Name) and t.id == "KEYS" for t in node.targets), f"{path} defines KEYS"
            if isinstance(node, ast.FunctionDef) and node.name in key_functions:
                pytest.fail(f"{path} defines {node.name}, a key function of exercises/keys/")
        assert "load_keys" not in text, f"{path} loads answer keys"


def test_no_key_module_is_importable_from_the_student_package():
    import importlib.util

    for name in ["considerations.keys", *(f"considerations.{a}" for a in ASSIGNMENTS), *(f"considerations.keys.{a}" for a in ASSIGNMENTS)]:
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        assert spec is None, f"{name} is importable from the student's package"


def test_wheel_ships_no_exercises():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    shipped = list(wheel.get("packages", [])) + list(wheel.get("force-include", {}).keys()) + list(
        wheel.get("force-include", {}).values()
    )
    assert not any("exercises" in str(p) or "keys" in str(p) for p in shipped), shipped
