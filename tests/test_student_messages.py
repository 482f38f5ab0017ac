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


def test_a_quote_not_found_gets_the_rule_it_broke():
    # Every missed quote got the ellipsis rule, also one with no ellipsis in it.
    checker = Checker("reading_the_sources")
    for quote, rule, other in ((BOB_Q6[0], "words may not", "ellipsis"),
                               ("Pakistan has always loved ... the Taliban is on the verge", "ellipsis", "words may not")):
        try:
            checker("q6_brotherhood_evidence", [quote, BOB_Q6[1]])
        except Exception as error:  # noqa: BLE001 - the message is what the student reads
            text = str(error)
        else:
            raise AssertionError("a quote that is not in the article passed the check")
        assert "The closest passage is" in text and "how to quote:" in text
        hint = text.split("how to quote:")[1]
        assert rule in hint and other not in hint, hint
