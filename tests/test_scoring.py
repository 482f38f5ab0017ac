"""Scoring the exercises' answers: partial credit as a fair marker gives it, with worked examples.

Each question type's scorer, on the real questions and keys: one classification item wrong, two
orderings items swapped, evidence parts answered or not (a sentence merely about the consideration
is not enough; the other article's words do not count), every wrong option of a multiple-choice
question with its own feedback, numbers within the tolerance the prompt allows, and weights. The
worked examples hold literal numbers, so a wrong formula cannot hide behind a test that restates it.
"""

from __future__ import annotations

import pytest
from helpers.answers import FABRICATED, keys, messages
from helpers.answers import score as _score

from considerations.assignments import ASSIGNMENTS, question
from considerations.questions import MISSING
from considerations.sentences import load_sentences

NAMES = list(ASSIGNMENTS)


@pytest.mark.parametrize(
    "assignment,qid",
    [(a, q.qid) for a in NAMES for q in ASSIGNMENTS[a] if q.kind == "classification"],
)
def test_classification_one_item_wrong(assignment, qid):
    q = question(assignment, qid)
    key = keys(assignment)[qid]
    answer = dict(q.examples(key).right[0])
    item = q.items[0]
    acceptable = key.value[item] if isinstance(key.value[item], tuple) else (key.value[item],)
    answer[item] = next(label for label in q.labels if label not in acceptable)
    result = q.grade(answer, key)
    n = len(q.items)
    assert result.status == "partial"
    assert result.score == pytest.approx(q.points * (n - 1) / n, abs=1e-4)
    assert [f.item for f in result.feedback if not f.ok] == [item]


@pytest.mark.parametrize("assignment,qid", [(a, q.qid) for a in NAMES for q in ASSIGNMENTS[a] if q.kind == "ordering"])
def test_ordering_neighbours_swapped(assignment, qid):
    q = question(assignment, qid)
    answer = list(keys(assignment)[qid].value)
    answer[2], answer[3] = answer[3], answer[2]
    n = len(answer)
    result = _score(assignment, qid, answer)
    # Spearman's footrule: the swap moves two items by one place each, counted twice against a worst case of n²/2.
    assert result.score == pytest.approx(q.points * (1 - 2 * 2 / (n * n // 2)), abs=1e-4)
    assert result.status == "partial"
    assert _score(assignment, qid, list(reversed(keys(assignment)[qid].value))).score == 0


def test_ordering_partial_value_for_six_events():
    result = _score("reading_the_sources", "q7_timeline", [
        "celebration_in_pakistan", "taliban_take_kabul", "trilateral_meeting",
        "russia_recognises_taliban", "pakistan_cautious_response", "iess_published",
    ])
    assert result.score == pytest.approx(3 * (1 - 2 * 2 / 18), abs=1e-4)  # 2.3333 of 3


@pytest.mark.parametrize("assignment,qid", [(a, q.qid) for a in NAMES for q in ASSIGNMENTS[a] if q.kind == "evidence"])
def test_evidence_one_part_answered_an_off_passage_and_an_invented_one(assignment, qid):
    q = question(assignment, qid)
    key = keys(assignment)[qid]
    parts = len(key.value)
    first_part = q.examples(key).right[0][:1]
    off = q.examples(key).wrong[0][:1]
    result = _score(assignment, qid, (first_part + [FABRICATED] + off * parts)[:parts])
    assert result.score == pytest.approx(q.points / parts, abs=1e-4)
    assert "quote 2 is not in" in messages(result)
    if parts > 2:
        assert "does not do what any part" in messages(result)
    # The same passage twice fills one part only.
    assert _score(assignment, qid, first_part * parts).score == pytest.approx(q.points / parts, abs=1e-4)


@pytest.mark.parametrize("assignment,qid", [(a, q.qid) for a in NAMES for q in ASSIGNMENTS[a] if q.kind == "evidence"])
def test_evidence_only_one_quote_per_part_is_marked(assignment, qid):
    """Listing every sentence filed under the consideration earns nothing more: quotes past the number of parts
    are not marked."""
    q = question(assignment, qid)
    key = keys(assignment)[qid]
    right = q.examples(key).right[0]
    off = q.examples(key).wrong[0][:1]
    result = _score(assignment, qid, off * 1 + right)
    assert result.score == pytest.approx(q.points * (len(right) - 1) / len(right), abs=1e-4)
    assert "only the first" in messages(result)
    assert q.form_problems(off + right) and not q.form_problems(right)


@pytest.mark.parametrize("assignment,qid", [(a, q.qid) for a in NAMES for q in ASSIGNMENTS[a] if q.kind == "evidence"])
def test_evidence_a_sentence_merely_about_the_consideration_is_not_enough(assignment, qid):
    """Sentences filed under the consideration (what the book shows) that answer no part earn nothing."""
    q = question(assignment, qid)
    keyed = {sid for part in keys(assignment)[qid].value for sid in part}
    table = load_sentences()
    about = table[table["considerations"].map(lambda c: q.consideration_id in c) & ~table["sentence_id"].isin(keyed)
                  & (table["kind"] == "sentence")]
    if q.source_id:
        about = about[about["source_id"] == q.source_id]
    quotes = list(about["text"])[: q.min_quotes]
    if quotes:
        assert _score(assignment, qid, quotes).score == 0


def test_evidence_worked_example_three_quotes():
    # The cost of following Moscow (part 1), a real sentence that answers no part, an invented one.
    answer = [
        "any move to follow Moscow in recognizing the Taliban—without considering Washington’s stance",
        "Four years ago, when the Taliban raised its flag over Kabul, Pakistan erupted in celebration.",
        FABRICATED,
    ]
    result = _score("weighing_the_factors", "q9_outcome_evidence", answer)
    assert result.score == pytest.approx(4 / 3, abs=1e-4)  # one part of three, of 4 points
    assert result.status == "partial"
    # The review's E2 case: the commentary's lenders sentence now answers its part.
    lenders = "Pakistan’s economy is in the ICU, heavily dependent on IMF bailout packages, U.S. support, and investment"
    assert _score("weighing_the_factors", "q9_outcome_evidence", answer[:1] + [lenders]).score == pytest.approx(8 / 3, abs=1e-4)


def test_evidence_from_the_other_article_does_not_count():
    # The IESS analysis's economy verdict, offered for the question about the commentary, is not in that article.
    iess = "economic factors could serve as a strong driver pushing Pakistan toward quicker recognition"
    comm = "recognizing a regime like the Taliban’s could be tantamount to economic suicide"
    result = _score("domestic_considerations", "q9_economy_evidence_commentary", [comm, iess])
    assert result.score == pytest.approx(1.5) and "quote 2 is not in that article" in messages(result)
    result = _score("domestic_considerations", "q8_economy_evidence_iess", [iess, comm])
    assert result.score == pytest.approx(1.5)


@pytest.mark.parametrize("assignment,qid", [(a, q.qid) for a in NAMES for q in ASSIGNMENTS[a] if q.kind == "multiple_choice"])
def test_multiple_choice_wrong_options_score_zero_with_feedback(assignment, qid):
    q = question(assignment, qid)
    key = keys(assignment)[qid]
    for option in q.options:
        result = q.grade(option, key)
        if option == key.value:
            assert result.status == "right"
        else:
            assert result.score == 0 and messages(result) == key.option_feedback[option]


@pytest.mark.parametrize("assignment,qid", [(a, q.qid) for a in NAMES for q in ASSIGNMENTS[a] if q.kind == "number"])
def test_numbers_with_tolerance(assignment, qid):
    key = keys(assignment)[qid]
    assert _score(assignment, qid, round(float(key.value), 2)).status == "right"  # "to two decimals" is enough
    assert _score(assignment, qid, float(key.value) + 0.02).score == 0
    assert _score(assignment, qid, MISSING).status == "missing"


def test_numbers_worked_examples():
    # Worked out by hand from claims.csv / readings.csv; the book prints other figures (its model's +7 and -41,
    # the count 5 of the commentary's anonymous claims), so none of these can be copied from it.
    assert keys("reading_the_sources")["q3_anonymous_count"].value == 4
    assert keys("weighing_the_factors")["q3_iess_net_pressure"].value == 4
    assert keys("weighing_the_factors")["q4_commentary_net_pressure"].value == -24
    assert keys("regional_and_international")["q9_external_share"].value == pytest.approx(23 / 86)


def test_weights_any_well_formed_answer_scores():
    q = question("weighing_the_factors", "q1_weights")
    assert q.grade({i: 0 for i in q.items}, None).status == "right"
    assert q.grade({i: 11 for i in q.items}, None).score == 0
