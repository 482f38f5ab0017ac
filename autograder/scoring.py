"""Score answers against keys, in the grader's own process.

The answer arrives as plain JSON exported from the sandbox; nothing the student's code
did can change how this runs. How each type of question is scored lives with the type
(`considerations.questions`); `grading.score_records` walks an assignment through this entry point.
"""

from __future__ import annotations

from typing import Any

from considerations.questions import MISSING, FeedbackItem, Question, QuestionResult

__all__ = ["MISSING", "FeedbackItem", "QuestionResult", "score_answer"]


def score_answer(question: Question, answer: Any, key, *, reveal: bool = False, missing_reason: str = "",
                 failure: str = "") -> QuestionResult:
    """Score one answer. `key` is an autograder.keys.Key (None for types without one).
    `failure`: the notebook could not be run, so the question is `failed`, not `missing`."""
    return question.grade(answer, key, reveal=reveal, missing_reason=missing_reason, failure=failure)
