"""The exercises' questions: what form each answer takes, and the public checks.

This module is public: students have it, so it holds the *form* of every answer
(a dict of these keys, a list of those items, at least N quotes...) and never
the answer. The keys live with the instructor (`exercises/keys/`), derived from
`data/`, and are only used by the autograder.

In a notebook:

    from considerations.questions import Checker
    check = Checker("reading_the_sources")
    ...
    check("q1_attribution", q1_attribution)   # form and type only; points to the chapter
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any, ClassVar

# Where the course book is published, for links in checks and feedback. Instructors set
# COURSE_BOOK_URL (e.g. https://example.edu/recognition-book); without it links are
# relative page names, which work next to the built book.
BOOK_URL = os.environ.get("COURSE_BOOK_URL", "").rstrip("/")


def chapter_link(chapter: str) -> str:
    return f"{BOOK_URL}/{chapter}.html" if BOOK_URL else f"{chapter}.html"


class AnswerFormError(AssertionError):
    """The answer does not have the form the question asks for (nothing is said about correctness)."""


@dataclass(frozen=True)
class Question:
    qid: str
    points: float
    chapter: str  # file stem of the book chapter that teaches it
    prompt: str  # one line, for feedback and the instructors' overview
    kind: ClassVar[str] = "question"

    def form_problems(self, answer: Any) -> list[str]:
        """What is wrong with the answer's form; empty when the form is right."""
        raise NotImplementedError

    def describe_form(self) -> str:
        raise NotImplementedError


def _type_name(value: Any) -> str:
    return type(value).__name__


def _is_plain_str(value: Any) -> bool:
    # Subclasses are refused on purpose: an object can pretend to be a string.
    return type(value) is str


@dataclass(frozen=True)
class MultipleChoice(Question):
    options: tuple[str, ...] = ()
    kind: ClassVar[str] = "multiple_choice"

    def describe_form(self) -> str:
        return "one of: " + ", ".join(repr(o) for o in self.options)

    def form_problems(self, answer):
        if not _is_plain_str(answer):
            return [f"the answer should be a string, one of the options; got a {_type_name(answer)}"]
        if answer not in self.options:
            return [f"{answer!r} is not one of the options: {', '.join(repr(o) for o in self.options)}"]
        return []


@dataclass(frozen=True)
class Classification(Question):
    """A dict mapping each item to one label."""

    items: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    kind: ClassVar[str] = "classification"

    def describe_form(self) -> str:
        return f"a dict mapping each of {list(self.items)} to one of {list(self.labels)}"

    def form_problems(self, answer):
        if type(answer) is not dict:
            return [f"the answer should be a dict; got a {_type_name(answer)}"]
        problems = []
        missing = [i for i in self.items if i not in answer]
        extra = [k for k in answer if k not in self.items]
        if missing:
            problems.append(f"missing key(s): {', '.join(map(repr, missing))}")
        if extra:
            problems.append(f"unexpected key(s): {', '.join(map(repr, extra))}; the keys are {list(self.items)}")
        for key, value in answer.items():
            if key in self.items and not (_is_plain_str(value) and value in self.labels):
                problems.append(f"{key!r}: {value!r} is not one of {list(self.labels)}")
        return problems


@dataclass(frozen=True)
class Ordering(Question):
    """A list holding every item exactly once, in the order asked for."""

    items: tuple[str, ...] = ()
    kind: ClassVar[str] = "ordering"

    def describe_form(self) -> str:
        return f"a list containing each of {sorted(self.items)} exactly once"

    def form_problems(self, answer):
        if type(answer) not in (list, tuple):
            return [f"the answer should be a list; got a {_type_name(answer)}"]
        problems = []
        if not all(_is_plain_str(a) for a in answer):
            problems.append("every item should be a string")
            return problems
        missing = [i for i in self.items if i not in answer]
        extra = [a for a in answer if a not in self.items]
        repeated = sorted({a for a in answer if answer.count(a) > 1})
        if missing:
            problems.append(f"missing item(s): {', '.join(map(repr, missing))}")
        if extra:
            problems.append(f"unknown item(s): {', '.join(map(repr, extra))}")
        if repeated:
            problems.append(f"repeated item(s): {', '.join(map(repr, repeated))}")
        return problems


@dataclass(frozen=True)
class Evidence(Question):
    """Verbatim quotes from the article(s) about one consideration, checked against the text."""

    consideration_id: str = ""
    source_id: str | None = None  # None: either article
    min_quotes: int = 1
    kind: ClassVar[str] = "evidence"

    def describe_form(self) -> str:
        where = "the article" if self.source_id else "either article"
        return f"a list of at least {self.min_quotes} quote(s) (strings of 4+ words, verbatim from {where})"

    def form_problems(self, answer):
        from considerations.evidence import UnusableQuote, verify_quote

        if type(answer) not in (list, tuple):
            return [f"the answer should be a list of strings; got a {_type_name(answer)}"]
        problems = []
        if len(answer) < self.min_quotes:
            problems.append(f"give at least {self.min_quotes} quote(s); you gave {len(answer)}")
        for i, quote in enumerate(answer, start=1):
            if not _is_plain_str(quote):
                problems.append(f"quote {i} should be a string; got a {_type_name(quote)}")
                continue
            try:
                found = verify_quote(quote, source=self.source_id).found
            except UnusableQuote as error:
                problems.append(f"quote {i}: {error}")
                continue
            if not found:
                # Saying whether a quote is in the text is fair: the student can search the text too.
                problems.append(f"quote {i} was not found word for word in {'that article' if self.source_id else 'the articles'}")
        return problems


@dataclass(frozen=True)
class Number(Question):
    """A number computed from the data (compared with a tolerance at grading time)."""

    kind: ClassVar[str] = "number"

    def describe_form(self) -> str:
        return "a number (int or float)"

    def form_problems(self, answer):
        if type(answer) not in (int, float) or isinstance(answer, bool):
            return [f"the answer should be a number (int or float); got a {_type_name(answer)}"]
        if not math.isfinite(answer):
            return ["the answer should be a finite number"]
        return []


@dataclass(frozen=True)
class Weights(Question):
    """A dict of non-negative numbers, one per item (e.g. the student's own weights)."""

    items: tuple[str, ...] = ()
    kind: ClassVar[str] = "weights"

    def describe_form(self) -> str:
        return f"a dict mapping each of {list(self.items)} to a number from 0 to 10"

    def form_problems(self, answer):
        if type(answer) is not dict:
            return [f"the answer should be a dict; got a {_type_name(answer)}"]
        problems = [f"missing key {i!r}" for i in self.items if i not in answer]
        problems += [f"unexpected key {k!r}" for k in answer if k not in self.items]
        for key, value in answer.items():
            if type(value) not in (int, float) or not (0 <= value <= 10):
                problems.append(f"{key!r}: {value!r} should be a number from 0 to 10")
        return problems


@dataclass(frozen=True)
class FreeText(Question):
    """Written answer, graded by hand in formgrader against the rubric shown in the notebook."""

    min_words: int = 50
    rubric: tuple[str, ...] = field(default=())
    kind: ClassVar[str] = "free_text"

    def describe_form(self) -> str:
        return f"at least {self.min_words} words in the answer cell"

    def form_problems(self, answer):
        if not _is_plain_str(answer):
            return ["write your answer as text"]
        words = len(answer.split())
        if words < self.min_words:
            return [f"{words} words so far; write at least {self.min_words}"]
        return []


class Checker:
    """The public check for one assignment: form and type only, never correctness."""

    def __init__(self, assignment: str):
        from considerations.assignments import ASSIGNMENTS

        if assignment not in ASSIGNMENTS:
            raise KeyError(f"unknown assignment {assignment!r}; known: {', '.join(ASSIGNMENTS)}")
        self.assignment = assignment
        self.questions = {q.qid: q for q in ASSIGNMENTS[assignment]}

    def __call__(self, qid: str, answer: Any) -> None:
        question = self.questions[qid]
        chapter = chapter_link(question.chapter)
        problems = question.form_problems(answer)
        if problems:
            raise AnswerFormError(
                f"{qid}: the answer's form needs fixing ({question.describe_form()}):\n"
                + "\n".join(f"  - {p}" for p in problems)
                + f"\nRevise with the chapter '{question.chapter}': {chapter}"
            )
        print(
            f"{qid}: form OK ({question.describe_form()}). "
            f"Whether it is right is checked when your work is graded. Chapter: {question.chapter}"
        )
