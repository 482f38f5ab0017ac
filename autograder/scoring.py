"""Score answers against keys, in the grader's own process.

The answer arrives as plain JSON exported from the sandbox; nothing the student's code
did can change how this runs. How each type of question is scored lives with the type
(`considerations.questions`); this module only walks an assignment.
"""

from __future__ import annotations

from typing import Any

from considerations.assignments import ASSIGNMENTS
from considerations.questions import MISSING, FeedbackItem, Question, QuestionResult

__all__ = ["MISSING", "FeedbackItem", "QuestionResult", "score_answer", "score_assignment"]


def score_answer(question: Question, answer: Any, key, *, reveal: bool = False, missing_reason: str = "",
                 failure: str = "") -> QuestionResult:
    """Score one answer. `key` is an autograder.keys.Key (None for types without one).
    `failure`: the notebook could not be run, so the question is `failed`, not `missing`."""
    return question.grade(answer, key, reveal=reveal, missing_reason=missing_reason, failure=failure)


def score_assignment(assignment: str, answers: dict[str, Any], keys: dict, *, reveal: bool = False,
                     missing_reasons: dict[str, str] | None = None) -> list[QuestionResult]:
    """Score every question of an assignment. Absent answers score 0 with the reason."""
    missing_reasons = missing_reasons or {}
    return [score_answer(q, answers.get(q.qid, MISSING), keys.get(q.qid), reveal=reveal,
                         missing_reason=missing_reasons.get(q.qid, ""))
            for q in ASSIGNMENTS[assignment]]
