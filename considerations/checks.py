"""The public checks students run in their notebooks: form and type only, never correctness.

    from considerations.checks import Checker
    check = Checker("reading_the_sources")
    check("q1_coverage", q1_coverage)

A form problem is raised as `AnswerFormError`, which Jupyter shows as one short
message (no traceback through this library). The output for a well-formed answer is
the same whether the answer is right or wrong.
"""

from __future__ import annotations

from typing import Any

from considerations.assignments import ASSIGNMENTS
from considerations.paths import chapter_url
from considerations.questions import AnswerFormError

WORDS_RULE = ("copy the article's words: case, quotation marks, dashes and punctuation may differ, "
              "words may not (a changed, added or dropped word does not match); to leave words out, "
              "put ... in their place, with 4 or more copied words on each side")


def quote_problems(quotes, source_id: str | None) -> list[str]:
    """Problems a student can fix before grading: a quote not in the text (with the closest
    passage), a quote from the other article, quotes that overlap. Says nothing about relevance."""
    from considerations.evidence import ELLIPSIS_RULE, UnusableQuote, verify_quote
    from considerations.sources import load_sources

    where = "that article" if source_id else "the articles"
    problems, spans, missing, cut = [], [], False, False
    for i, quote in enumerate(quotes, start=1):
        if type(quote) is not str:
            problems.append(f"quote {i} should be a string; got a {type(quote).__name__}")
            continue
        try:
            match = verify_quote(quote, source=source_id)
        except UnusableQuote as error:
            problems.append(f"quote {i}: {error}")
            continue
        if not match.found and source_id:
            elsewhere = verify_quote(quote)
            if elsewhere.found:
                name = load_sources()[elsewhere.source].short_name
                problems.append(f"quote {i} is in the {name}, not in the article this question asks about")
                continue
        if not match.found:
            missing = True
            cut = cut or "..." in quote or "…" in quote
            hint = f"quote {i} was not found word for word in {where}."
            if match.closest_passage:
                hint += f"\n      The closest passage is: \"{_shorten(match.closest_passage)}\""
            problems.append(hint)
            continue
        for j, (src, start, end) in spans:
            if src == match.source and not (match.end <= start or end <= match.start):
                problems.append(f"quote {i} overlaps quote {j}; overlapping quotes count once")
                break
        spans.append((i, (match.source, match.start, match.end)))
    if missing:  # the rule once, after the quotes it concerns; the ellipsis rule only for a cut quote
        problems.append(f"how to quote: {ELLIPSIS_RULE if cut else WORDS_RULE}")
    return problems


def _shorten(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " …"


class Checker:
    """The public check for one assignment."""

    def __init__(self, assignment: str):
        if assignment not in ASSIGNMENTS:
            raise KeyError(f"unknown assignment {assignment!r}; known: {', '.join(ASSIGNMENTS)}")
        self.assignment = assignment
        self.questions = {q.qid: q for q in ASSIGNMENTS[assignment]}

    def __call__(self, qid: str, answer: Any) -> None:
        question = self.questions[qid]
        problems = question.form_problems(answer)
        if problems:
            raise AnswerFormError(
                f"{qid}: the answer's form needs fixing ({question.describe_form()}):\n"
                + "\n".join(f"  - {p}" for p in problems)
                + f"\nRevise with the chapter '{question.chapter}': {chapter_url(question.chapter, question.section)}"
            )
        print(
            f"{qid}: form OK ({question.describe_form()}). "
            f"Whether it is right is checked when your work is graded. "
            f"Chapter '{question.chapter}': {chapter_url(question.chapter, question.section)}"
        )
