"""verify_quote: the tolerances the contract allows, and nothing more."""

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from considerations import UnusableQuote, load_sources, verify_quote
from considerations.evidence import normalise

SOURCES = load_sources()
IESS = SOURCES["iess-analysis"].body
COMM = SOURCES["brotherhood-commentary"].body


def test_exact_quote_found_with_offsets():
    quote = "has reacted cautiously to this development"
    m = verify_quote(quote)
    assert m.found and m.source == "iess-analysis"
    assert IESS[m.start : m.end] == quote
    assert quote in m.passage and m.passage in IESS


def test_typographic_quotes_dashes_case_and_spacing_fold():
    m = verify_quote('MOST PAKISTANI terrorist groups -- no: "groups - foremost among them Tehrik-e-Taliban Pakistan (TTP)-have"')
    assert not m.found  # the invented words in front make it a different text
    m = verify_quote('groups -  foremost among them\n Tehrik-e-Taliban Pakistan (TTP) – have a history')
    assert m.found and m.source == "iess-analysis"
    assert IESS[m.start : m.end] == "groups—foremost among them Tehrik-e-Taliban Pakistan (TTP)—have a history"
    m = verify_quote("Pakistan's \"Brotherhood\" with Taliban is on the verge of collapse")
    assert not m.found  # the article says "with the Taliban": a dropped word is a change
    m = verify_quote("pakistan's \"brotherhood\" WITH the taliban is on the verge")
    assert m.found and m.source == "brotherhood-commentary"


def test_ellipsis_joins_fragments_in_order_within_a_paragraph():
    m = verify_quote("Pakistan … has reacted cautiously to this development")
    assert m.found and IESS[m.start : m.end].startswith("Pakistan")
    assert IESS[m.start : m.end].endswith("development")
    assert verify_quote("...has reacted cautiously to this development...").found  # truncation marks
    # out of order
    assert not verify_quote("has reacted cautiously to this development ... Pakistan, as one of the most").found
    # fragments from two paragraphs of one article
    assert not verify_quote("Four years ago, when the Taliban raised its flag ... the Taliban their “brothers,”").found
    # fragments from the two articles
    assert not verify_quote("Pakistan erupted in celebration ... reacted cautiously to this development").found


def test_body_ellipses_and_typos_are_kept():
    assert verify_quote("that very Pakistan is silent… nervous… and quietly retreating").found
    assert verify_quote("But .what about Pakistan? In a world").found
    assert not verify_quote("But what about Pakistan? In a world where").found


def test_partial_words_do_not_match():
    assert not verify_quote("akistan has reacted cautiously to this").found
    assert not verify_quote("has reacted cautiously to this develop").found


def test_page_furniture_is_not_article_text():
    for furniture in ["What You Read in This Report", "Story Code: 4104 News Link", "By: Mir Ahmad Reza Mosharraf 15 minutes Reading",
                      "can heal it now. Leave a Comment", "Institute for East Strategic Studies https://www.iess.ir"]:
        m = verify_quote(furniture)
        assert not m.found, furniture


def test_source_restriction():
    quote = "Islamabad is in no hurry. We will act in the national interest"
    assert verify_quote(quote, source="brotherhood-commentary").found
    m = verify_quote(quote, source="iess-analysis")
    assert not m.found and m.source == "iess-analysis" and m.closest_passage


def test_not_found_gives_closest_passage():
    m = verify_quote("Pakistan’s economy is in the hospital, heavily dependent on IMF bailout packages")
    assert not m.found
    assert m.source == "brotherhood-commentary"
    assert "ICU" in m.closest_passage
    assert 0 < m.similarity < 1


@pytest.mark.parametrize("text", ["", "   ", "three words only", "… … …", "a … b … c"])
def test_unusable_input(text):
    with pytest.raises(UnusableQuote):
        verify_quote(text)


def test_unknown_source():
    with pytest.raises(UnusableQuote, match="unknown source"):
        verify_quote("has reacted cautiously to this development", source="bbc")


# --- properties -------------------------------------------------------------------

_TOKEN = re.compile(r"\S+")
_DASHES = ["-", "\u2013", "\u2014", " - ", " \u2014 "]
_APOS = ["'", "\u2019", "\u2018"]
_DQUOTES = ['"', "\u201c", "\u201d"]
# Words in neither article, so a replacement cannot accidentally make another real quote.
_FOREIGN_WORDS = ["zebra", "volcano", "tulip", "saxophone", "glacier", "pancake"]


@st.composite
def runs(draw):
    """A run of 4+ whitespace-separated tokens from one paragraph: (source id, start, end)."""
    sid = draw(st.sampled_from(sorted(SOURCES)))
    body = SOURCES[sid].body
    paragraphs = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", body)]
    paragraphs = [p for p in paragraphs if len(_TOKEN.findall(p[1])) >= 4]
    offset, para = draw(st.sampled_from(paragraphs))
    tokens = list(_TOKEN.finditer(para))
    i = draw(st.integers(0, len(tokens) - 4))
    j = draw(st.integers(i + 3, min(len(tokens) - 1, i + 30)))
    run = para[tokens[i].start() : tokens[j].end()]
    assume(sum(len(re.findall(r"\w+", t.group())) > 0 for t in tokens[i : j + 1]) >= 4)
    assume("…" not in run)  # an ellipsis in a quote means omitted text, tested above
    return sid, offset + tokens[i].start(), offset + tokens[j].end()


def perturb(draw, text):
    out = []
    for ch in text:
        if ch.isspace():
            out.append(draw(st.sampled_from([" ", "  ", "\n", "\t", " \n "])))
        elif ch in "-\u2013\u2014":
            out.append(draw(st.sampled_from(_DASHES)))
        elif ch in "'\u2019\u2018":
            out.append(draw(st.sampled_from(_APOS)))
        elif ch in '"\u201c\u201d':
            out.append(draw(st.sampled_from(_DQUOTES)))
        elif ch.isalpha():
            out.append(ch.upper() if draw(st.booleans()) else ch.lower())
        else:
            out.append(ch)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_property_perturbed_run_is_found_at_its_offsets(data):
    sid, start, end = data.draw(runs())
    body = SOURCES[sid].body
    run = body[start:end]
    quote = perturb(data.draw, run)
    m = verify_quote(quote)
    assert m.found, (sid, run, quote)
    assert normalise(body[m.start : m.end])[0] == normalise(run)[0]
    if m.source == sid:
        assert m.start <= start  # the leftmost occurrence
        folded_body = normalise(body)[0]
        if folded_body.count(normalise(run)[0]) == 1:
            assert (m.start, m.end) == (start, end)
    assert verify_quote(quote, source=sid).found


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_property_run_with_one_word_replaced_is_not_found(data):
    sid, start, end = data.draw(runs())
    run = SOURCES[sid].body[start:end]
    words = list(re.finditer(r"[A-Za-z]+", run))
    w = data.draw(st.sampled_from(words))
    replacement = data.draw(st.sampled_from(_FOREIGN_WORDS))
    changed = run[: w.start()] + replacement + run[w.end() :]
    quote = perturb(data.draw, changed)
    assert not verify_quote(quote).found, (run, quote)
