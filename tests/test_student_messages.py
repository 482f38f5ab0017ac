"""What a student reads from a check and from scoring, worded as a student reads it
(walkthrough 2026-11-29, docs/walkthrough-2026-11-29.md)."""

import contextlib
import io

from helpers.answers import messages, score

from considerations.checks import Checker
from considerations.paths import chapter_url

BOB_Q6 = ["Pakistan has always loved the Taliban as brothers",
          "Pakistan’s “brotherhood” with the Taliban is on the verge of collapse"]


def test_form_ok_links_the_chapter_as_the_error_does():
    # It ended in "Chapter: the_sources", a bare name that is no link.
    checker = Checker("reading_the_sources")
    q = checker.questions["q3_anonymous_count"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        checker("q3_anonymous_count", 5)
    assert out.getvalue().rstrip().endswith(f"Chapter '{q.chapter}': {chapter_url(q.chapter, q.section)}")


def test_one_unanswered_part_is_singular():
    result = score("reading_the_sources", "q6_brotherhood_evidence", BOB_Q6)
    assert result.score == 1
    assert "1 of the 2 parts has no quote that answers it" in messages(result)
