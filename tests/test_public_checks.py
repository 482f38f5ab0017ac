"""The public checks (`check(...)` in the notebooks) test form only and never reveal a key.

- For every auto-graded question, a right answer and a different, well-formed wrong
  answer get the same output from `check()`.
- Malformed answers are refused with one short message about the form, and Jupyter shows
  that message without a traceback through the library.
- Quotes: a near miss shows the closest passage, a quote from the other article says so,
  overlapping quotes are flagged, and the rule for leaving words out is stated.
- The checks work without the instructor's side: with `autograder` unimportable.
- The student's package, `considerations/`, holds nothing of `exercises/keys/`.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT, EXERCISES
from helpers.answers import key_of, malformed, right, wrong

from considerations.assignments import ASSIGNMENTS
from considerations.checks import Checker

PACKAGE = ROOT / "considerations"
AUTO = [(a, q.qid) for a, qs in ASSIGNMENTS.items() for q in qs if q.auto_graded]
BROTHERS = "Several hardline leaders in Pakistan began calling the Taliban their brothers"


def right_and_wrong(assignment: str, q):
    good = right(assignment, q)
    bad = wrong(assignment, q)
    if bad is None:  # every well-formed answer is right (weights): any other well-formed one
        bad = q.examples(key_of(assignment, q)).right[-1] if len(q.examples(key_of(assignment, q)).right) > 1 \
            else {i: 2.5 for i in q.items}
    assert good != bad
    return good, bad


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
    good, bad = right_and_wrong(assignment, q)
    right_out, right_err = run_check(checker, qid, good)
    wrong_out, wrong_err = run_check(checker, qid, bad)
    assert right_err == "" and wrong_err == "", (right_err, wrong_err)
    assert "form OK" in right_out
    assert right_out == wrong_out


@pytest.mark.parametrize("assignment,qid", AUTO)
def test_malformed_answers_are_refused_on_form_only(assignment, qid):
    checker = Checker(assignment)
    q = checker.questions[qid]
    for answer in malformed(assignment, q):
        out, err = run_check(checker, qid, answer)
        assert err.startswith("AnswerFormError:") and q.chapter in err, err
        assert "form needs fixing" in err and out == ""


def test_a_numpy_number_passes_the_check():
    checker = Checker("reading_the_sources")
    out, err = run_check(checker, "q3_anonymous_count", np.int64(5))
    assert err == "" and "form OK" in out
    assert out == run_check(checker, "q3_anonymous_count", 5)[0]


def test_jupyter_shows_the_message_without_a_library_traceback(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell('from considerations.checks import Checker\ncheck = Checker("domestic_considerations")')
    shell.run_cell('check("q1_iess_domestic", {"durand-line": "none"})')
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert "AnswerFormError" in text and "durand-line" in text and "missing key(s)" in text
    assert "Traceback" not in text and "checks.py" not in text and "site-packages" not in text
    assert len(text.strip().splitlines()) <= 8, text


def test_a_near_miss_quote_shows_the_closest_passage_and_the_rule():
    checker = Checker("reading_the_sources")
    _, err = run_check(checker, "q6_brotherhood_evidence", [BROTHERS + " and more words here"] * 2)
    assert "not found word for word" in err and "closest passage" in err
    assert "brothers" in err.split("closest passage", 1)[1]
    assert "..." in err or "…" in err, "the rule for leaving words out is stated"


def test_a_quote_from_the_other_article_says_which_article_it_is_in():
    checker = Checker("domestic_considerations")
    iess = "economic factors could serve as a strong driver pushing Pakistan toward quicker recognition"
    _, err = run_check(checker, "q9_economy_evidence_commentary", [iess, iess + "."])
    assert "IESS analysis" in err and "not in the article this question asks about" in err


def test_overlapping_quotes_are_flagged_at_check_time():
    checker = Checker("reading_the_sources")
    q = checker.questions["q6_brotherhood_evidence"]
    first = right("reading_the_sources", q)[0]
    part = " ".join(first.split()[:6])
    _, err = run_check(checker, q.qid, [first, part])
    assert "overlaps quote 1" in err


def test_evidence_check_refuses_an_invented_quote_but_says_nothing_about_topic():
    checker = Checker("weighing_the_factors")
    q = checker.questions["q9_outcome_evidence"]
    _, err = run_check(checker, q.qid, ["Pakistan will recognise the Taliban government next week, officials say"] * 3)
    assert "not found word for word" in err
    out, err = run_check(checker, q.qid, wrong("weighing_the_factors", q))  # real quotes, off the topic: form is fine
    assert err == "" and "form OK" in out


def test_checks_work_without_the_instructors_side(monkeypatch):
    """The public checks import nothing from autograder (where the keys are loaded)."""
    answers = {(a, qid): right(a, ASSIGNMENTS[a][[q.qid for q in ASSIGNMENTS[a]].index(qid)]) for a, qid in AUTO}
    for name in [m for m in sys.modules if m == "autograder" or m.startswith("autograder.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "autograder", None)
    with pytest.raises(ImportError):
        import autograder.keys  # noqa: F401
    for (assignment, qid), answer in answers.items():
        out, err = run_check(Checker(assignment), qid, answer)
        assert err == "" and "form OK" in out


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
