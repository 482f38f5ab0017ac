"""Keys accept every defensible reading, and each accepted reading rests on the text.

Alternatives come from data, never from key code: readings.csv's `also_accepted` (for the
questions computed from readings) and data/answer_alternatives.csv (for the rest). Every
alternative must be reachable (an answer using it scores full marks) and name a basis that
exists in the articles.
"""

from __future__ import annotations

import pytest
from helpers.answers import keys, right

from autograder.keys import ALTERNATIVES_COLUMNS, load_answer_alternatives, reading_labels
from considerations import load_claims, load_readings
from considerations.assignments import ASSIGNMENTS, COMMENTARY, IESS, question
from considerations.data import reading_alternatives
from considerations.sentences import load_sentences

ALTERNATIVES = load_answer_alternatives()
ROWS = list(ALTERNATIVES.itertuples())


def known_ids() -> set[str]:
    return set(load_claims()["claim_id"]) | set(load_sentences()["sentence_id"])


def test_the_alternatives_table_has_its_columns_and_rows():
    assert list(ALTERNATIVES.columns) == ALTERNATIVES_COLUMNS
    assert ROWS, "data/answer_alternatives.csv lists the alternatives that readings.csv cannot give"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.question}:{r.item}:{r.accepted}")
def test_each_listed_alternative_has_a_basis_and_scores_full_marks(row):
    assert row.assignment in ASSIGNMENTS
    q = question(row.assignment, row.question)
    assert row.basis and set(row.basis) <= known_ids(), f"basis {row.basis} names ids that do not exist"
    assert len(row.note.split()) >= 8, "say why a careful reader can give this answer"
    answer = right(row.assignment, q)
    if row.item:
        answer = {**answer, row.item: row.accepted}
    else:
        answer = row.accepted
    result = q.grade(answer, keys(row.assignment)[q.qid])
    assert result.status == "right", result.feedback


def _direction_questions():
    """(assignment, question, source) for the questions that ask one article's direction per consideration."""
    out = []
    for assignment, qs in ASSIGNMENTS.items():
        for q in qs:
            if q.kind == "classification" and "not_discussed" in getattr(q, "labels", ()):
                source = IESS if "iess" in q.qid else COMMENTARY
                out.append((assignment, q, source))
    return out


@pytest.mark.parametrize("assignment,q,source", _direction_questions(), ids=lambda v: getattr(v, "qid", str(v)))
def test_every_reading_alternative_is_reachable(assignment, q, source):
    alternatives = reading_alternatives()
    mine = alternatives[(alternatives["source_id"] == source) & alternatives["consideration_id"].isin(q.items)]
    key = keys(assignment)[q.qid]
    for alt in mine.itertuples():
        assert set(alt.ids) <= known_ids(), f"{alt.consideration_id}: basis {alt.ids} names unknown ids"
        answer = {**right(assignment, q), alt.consideration_id: alt.direction}
        assert q.grade(answer, key).status == "right", (alt.consideration_id, alt.direction)


def test_a_reading_without_alternatives_still_has_one_answer():
    readings = load_readings()
    plain = readings[readings["also_accepted"].map(len) == 0].iloc[0]
    labels, _ = reading_labels(str(plain["consideration_id"]), str(plain["source_id"]))
    assert labels == (str(plain["direction"]),)


def test_coverage_accepts_leaving_out_an_article_whose_reading_allows_it():
    # E5/J3: the commentary names India only in another connection; the IESS mentions the expulsions only
    # inside the Durand Line argument. Under the prompt's own rule both answers are defensible.
    q = question("reading_the_sources", "q1_coverage")
    key = keys("reading_the_sources")[q.qid]
    answer = dict(right("reading_the_sources", q))
    for item, label in (("india", IESS), ("refugees", COMMENTARY)):
        if "not_discussed" in reading_labels(item, COMMENTARY if label == IESS else IESS)[0]:
            assert q.grade({**answer, item: label}, key).status == "right", item


def test_the_commentarys_open_outcome_is_accepted():
    q = question("weighing_the_factors", "q7_expected_outcomes")
    key = keys("weighing_the_factors")[q.qid]
    for outcome in ("not_recognise", "wait_for_consensus"):
        answer = {IESS: "wait_for_consensus", COMMENTARY: outcome}
        assert q.grade(answer, key).status == "right", outcome
    assert q.grade({IESS: "wait_for_consensus", COMMENTARY: "recognise_soon"}, key).status == "partial"
