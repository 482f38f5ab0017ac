"""Each question type is one class: complete, registered, used, and fair about form.

- every registered type defines its form check, scorer, generator and description, and is used;
- its generator's right answers score full marks, wrong ones nothing, malformed ones fail the check;
- slips of form a fair marker overlooks (letter case, numpy numbers) cost nothing, and a mistyped
  dict key costs only its item and is named;
- stored results follow the contract and never carry a key unless revealed.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers.answers import key_of, keys, malformed, right, wrong

from autograder.keys import Key
from considerations.assignments import ASSIGNMENTS, question
from considerations.questions import MISSING, QUESTION_TYPES, STATUSES, Question

ALL = [(a, q) for a, qs in ASSIGNMENTS.items() for q in qs]
IDS = [f"{a}:{q.qid}" for a, q in ALL]
REQUIRED = ("describe_form", "form_problems", "score", "examples")


def test_every_type_is_complete():
    assert set(QUESTION_TYPES.values()) == set(Question.__subclasses__())
    for name, cls in QUESTION_TYPES.items():
        assert cls.kind == name
        for method in REQUIRED:
            assert getattr(cls, method) is not getattr(Question, method), f"{name} lacks its own {method}"
        if not cls.auto_graded:
            assert not cls.needs_key and not cls.revealable


def test_every_registered_type_is_used():
    assert {type(q) for _, q in ALL} == set(QUESTION_TYPES.values())


@pytest.mark.parametrize("assignment,q", ALL, ids=IDS)
def test_generated_answers_score_as_they_say(assignment, q):
    key = key_of(assignment, q)
    examples = q.examples(key)
    for answer in examples.malformed:
        assert q.form_problems(answer), f"{q.qid}: {answer!r} should fail the form check"
    if not q.auto_graded:
        assert q.grade("some text", None).status == "pending_manual"
        return
    assert examples.right, f"{q.qid}: no right answer generated"
    for answer in examples.right:
        assert q.form_problems(answer) == [], (q.qid, answer)
        result = q.grade(answer, key)
        assert result.status == "right" and result.score == q.points, (q.qid, answer, result.feedback)
    for answer in examples.wrong:
        assert q.form_problems(answer) == [], (q.qid, answer)
        assert q.grade(answer, key).score == 0, (q.qid, answer)


@pytest.mark.parametrize("assignment,q", ALL, ids=IDS)
def test_stored_result_follows_the_contract(assignment, q):
    key = key_of(assignment, q)
    answer = right(assignment, q) if q.auto_graded else "text"
    for reveal in (False, True):
        stored = q.grade(answer, key, reveal=reveal).to_dict()
        assert set(stored) - {"key"} == {"qid", "kind", "points", "score", "status", "answer", "feedback",
                                         "chapter", "section"}
        assert stored["status"] in STATUSES
        assert ("key" in stored) == (reveal and q.revealable)
        for item in stored["feedback"]:
            assert set(item) == {"item", "ok", "message", "sentence_ids"}
    assert q.grade(MISSING, key).status == ("missing" if q.auto_graded else "pending_manual")
    assert q.grade(MISSING, key, failure="timed out in cell 3").status == "failed"


@pytest.mark.parametrize("assignment,q", [(a, q) for a, q in ALL if q.auto_graded], ids=lambda v: getattr(v, "qid", v))
def test_feedback_without_reveal_never_states_the_key(assignment, q):
    key = key_of(assignment, q)
    answer = wrong(assignment, q)
    if key is None or answer is None:
        return
    text = " ".join(f["message"] for f in q.grade(answer, key).to_dict()["feedback"])
    if isinstance(key.value, dict):
        for item, label in key.value.items():
            for accepted in (label if isinstance(label, (tuple, list)) else (label,)):
                assert f"{item}: {accepted}" not in text and f"{item}: '{accepted}'" not in text
    elif isinstance(key.value, str):
        assert f"'{key.value}'" not in text and f'"{key.value}"' not in text
    else:
        assert str(key.value) not in text.split()


# ---------------------------------------------------------------- forgiving form, strict content

def test_option_letters_are_case_insensitive():
    q = question("reading_the_sources", "q4_official_line")
    key = keys("reading_the_sources")[q.qid]
    assert q.form_problems(key.value.upper()) == []
    assert q.grade(f" {key.value.upper()} ", key).status == "right"


@pytest.mark.parametrize("value", [np.int64(5), np.int32(5), np.float64(5.0), 5, 5.0])
def test_numbers_of_any_numeric_type_count(value):
    q = question("reading_the_sources", "q3_anonymous_count")
    assert q.form_problems(value) == []
    assert q.grade(value, Key(value=5, tolerance=0)).status == "right"


@pytest.mark.parametrize("value", [True, "5", None, [5]])
def test_a_bool_or_text_is_not_a_number(value):
    q = question("reading_the_sources", "q3_anonymous_count")
    assert q.form_problems(value)
    assert q.grade(value, Key(value=5, tolerance=0)).score == 0


def test_a_mistyped_dict_key_costs_only_its_item_and_is_named():
    q = question("domestic_considerations", "q1_iess_domestic")
    key = keys("domestic_considerations")[q.qid]
    answer = dict(right("domestic_considerations", q))
    answer["durand-line"] = answer.pop("durand_line")
    result = q.grade(answer, key)
    n = len(q.items)
    assert result.status == "partial" and result.score == pytest.approx(q.points * (n - 1) / n, abs=1e-4)
    bad = [f for f in result.feedback if f.item == "durand-line"]
    assert bad and "durand_line" in bad[0].message and not bad[0].ok
    assert any("durand-line" in p for p in q.form_problems(answer)), "the public check names it too"


def test_labels_are_case_insensitive_in_classifications():
    q = question("domestic_considerations", "q1_iess_domestic")
    key = keys("domestic_considerations")[q.qid]
    answer = {k.upper(): v.title() for k, v in right("domestic_considerations", q).items()}
    assert q.form_problems(answer) == []
    assert q.grade(answer, key).status == "right"


def test_numpy_weights_count():
    q = question("weighing_the_factors", "q1_weights")
    assert q.form_problems({i: np.int64(3) for i in q.items}) == []
    assert q.form_problems({i: True for i in q.items})


def test_malformed_answers_are_refused_at_check_time():
    for assignment, q in ALL:
        for answer in malformed(assignment, q):
            assert q.form_problems(answer), (q.qid, answer)
