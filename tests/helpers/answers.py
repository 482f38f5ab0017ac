"""Answers for tests, built by each question type's own generator (`Question.examples`).

One place for "a right / wrong / malformed answer to this question", so tests of the
bank, the public checks, grading and the benchmark do not each keep a copy per type.
"""

from __future__ import annotations

from functools import cache

from autograder.keys import Key, load_keys
from considerations.assignments import ASSIGNMENTS
from considerations.questions import MISSING

from . import EXERCISES


@cache
def keys(assignment: str) -> dict[str, Key]:
    return load_keys(assignment, EXERCISES)


def key_of(assignment: str, q):
    return keys(assignment).get(q.qid)


def right(assignment: str, q):
    """An answer that earns full marks."""
    examples = q.examples(key_of(assignment, q)).right
    assert examples, f"{q.qid}: its type gives no right answer"
    return examples[0]


def wrong(assignment: str, q):
    """A well-formed answer that earns nothing (None when every well-formed answer is right)."""
    examples = q.examples(key_of(assignment, q)).wrong
    return examples[0] if examples else None


def malformed(assignment: str, q) -> list:
    return q.examples(key_of(assignment, q)).malformed


def auto_questions(assignment: str):
    return [q for q in ASSIGNMENTS[assignment] if q.auto_graded]


def auto_points(assignment: str) -> float:
    return float(sum(q.points for q in auto_questions(assignment)))


def right_answers(assignment: str) -> dict:
    return {q.qid: right(assignment, q) for q in auto_questions(assignment)}


FABRICATED = "Pakistan has decided to recognise the Taliban government next week, officials confirmed"


def first_label(value):
    """The key's first accepted label (a key may accept several)."""
    return value[0] if isinstance(value, (tuple, list)) else value


def accepted(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def messages(result) -> str:
    """A result's feedback as one string, for tests that look for words in it."""
    return " ".join(f.message for f in result.feedback)


def score(assignment: str, qid: str, answer):
    from considerations.assignments import question

    return question(assignment, qid).grade(answer, keys(assignment).get(qid))


def score_all(assignment: str, answers: dict) -> list:
    """Every question of the assignment scored on `answers` (an absent one as missing), by its type."""
    return [q.grade(answers.get(q.qid, MISSING), keys(assignment).get(q.qid)) for q in ASSIGNMENTS[assignment]]
