"""Evidence checking: does a student's quote really occur in an article?

A quote matches when it occurs in one paragraph of a source's body up to
whitespace, letter case, typographic vs straight quotes, dash variants (and the
spaces people put around dashes), and ellipses standing for omitted text
(fragments in order, inside one paragraph). Anything else does not match: the
point is to check that evidence is real, not that it is roughly similar.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from considerations.sources import Source, load_sources

# Characters folded together before comparing. Apostrophes and single quotes
# (and primes/backticks that keyboards produce) become ', double quotes become ",
# every dash and minus becomes -.
_FOLD = str.maketrans(
    {
        **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"},
        **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"},
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
    }
)
# An ellipsis in a quote marks omitted text: three or more dots, or the single character.
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.(?:\s?\.)*|\u2026)\s*")
_WORD = re.compile(r"\w+")
_QUOTE_CHARS = "'\""

MIN_WORDS = 4


class UnusableQuote(ValueError):
    """The input cannot be checked at all (empty, too short, unknown source)."""


@dataclass(frozen=True)
class QuoteMatch:
    """Result of `verify_quote`. Offsets are Python string indices into the source body."""

    found: bool
    source: str | None = None
    start: int | None = None
    end: int | None = None
    passage: str | None = None
    closest_passage: str | None = None
    similarity: float | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None or k == "found"}


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold `text` for comparison; return the folded text and, for each folded
    character, the index of the original character it came from."""
    out: list[str] = []
    where: list[int] = []
    skip_space = True  # no leading space, and none right after a dash
    for i, ch in enumerate(text):
        if ch.isspace():
            if not skip_space and out and out[-1] != " ":
                out.append(" ")
                where.append(i)
            continue
        for folded in ch.translate(_FOLD).casefold():
            if folded == "-" and out and out[-1] == " ":
                out.pop()  # "Islamabad – Kabul" and "Islamabad–Kabul" are the same text
                where.pop()
            out.append(folded)
            where.append(i)
        skip_space = out[-1] == "-"
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


@dataclass(frozen=True)
class _Paragraph:
    source: str
    start: int  # offset of the paragraph in the body
    text: str
    folded: str
    where: list[int]


@lru_cache(maxsize=None)
def _paragraphs(source_id: str, body: str) -> tuple[_Paragraph, ...]:
    paragraphs = []
    offset = 0
    for line in body.split("\n"):
        if line.strip():
            folded, where = normalise(line)
            paragraphs.append(_Paragraph(source_id, offset, line, folded, where))
        offset += len(line) + 1
    return tuple(paragraphs)


def split_fragments(quote: str) -> list[str]:
    """The quote's fragments between ellipses, folded; empty ends (truncation marks) dropped."""
    return [f for f in (normalise(part)[0] for part in _ELLIPSIS.split(quote)) if f]


def _at_word_boundary(text: str, start: int, end: int) -> bool:
    # A fragment must not start or end inside a word: "akistan" is not a quote of "Pakistan".
    if text[start].isalnum() and start > 0 and text[start - 1].isalnum():
        return False
    if text[end - 1].isalnum() and end < len(text) and text[end].isalnum():
        return False
    return True


def _find(fragment: str, text: str, pos: int) -> int:
    while (i := text.find(fragment, pos)) != -1:
        if _at_word_boundary(text, i, i + len(fragment)):
            return i
        pos = i + 1
    return -1


def _match_in(paragraph: _Paragraph, fragments: list[str]) -> tuple[int, int] | None:
    """Leftmost match of the fragments, in order, inside one paragraph (folded offsets).

    Taking the earliest occurrence of each fragment in turn is enough: an
    earlier fragment ending sooner only leaves more room for the ones after it.
    """
    text = paragraph.folded
    start = end = _find(fragments[0], text, 0)
    if start == -1:
        return None
    end = start + len(fragments[0])
    for fragment in fragments[1:]:
        i = _find(fragment, text, end)
        if i == -1:
            return None
        end = i + len(fragment)
    return start, end


def _sources_to_search(source: str | None) -> list[Source]:
    sources = load_sources()
    if source is None:
        return list(sources.values())
    if source not in sources:
        known = ", ".join(sorted(sources))
        raise UnusableQuote(f"unknown source id {source!r}; known sources: {known}")
    return [sources[source]]


def verify_quote(text: str, source: str | None = None) -> QuoteMatch:
    """Check that `text` occurs in an article (or in `source` only, when given).

    Raises `UnusableQuote` when the text is empty, has fewer than four words, or
    names an unknown source. Otherwise returns a `QuoteMatch`: when found, the
    source id, the start/end offsets into that source's body and the paragraph;
    when not found, the closest paragraph as a hint.
    """
    if text is None or not str(text).strip():
        raise UnusableQuote("the quote is empty; paste the words from the article")
    text = str(text)
    candidates = _sources_to_search(source)
    fragments = split_fragments(text)
    words = sum(len(_WORD.findall(f)) for f in fragments)
    if words < MIN_WORDS:
        raise UnusableQuote(
            f"the quote has {words} word(s); quote at least {MIN_WORDS} words so it can be checked"
        )
    attempts = [fragments]
    stripped = text.strip()
    # Students often wrap a quote in quotation marks of their own.
    if len(stripped) > 2 and stripped[0].translate(_FOLD) in _QUOTE_CHARS and stripped[-1].translate(_FOLD) in _QUOTE_CHARS:
        attempts.append(split_fragments(stripped[1:-1]))
    for frags in attempts:
        if not frags:
            continue
        for src in candidates:
            for paragraph in _paragraphs(src.source_id, src.body):
                span = _match_in(paragraph, frags)
                if span:
                    start = paragraph.start + paragraph.where[span[0]]
                    end = paragraph.start + paragraph.where[span[1] - 1] + 1
                    return QuoteMatch(True, src.source_id, start, end, paragraph.text)
    return _closest(fragments, candidates)


def _closest(fragments: list[str], candidates: list[Source]) -> QuoteMatch:
    """The paragraph sharing most of the quote's words, as a hint for the student."""
    quote = " ".join(fragments)
    quote_words = _WORD.findall(quote)
    best: tuple[float, _Paragraph] | None = None
    for src in candidates:
        for paragraph in _paragraphs(src.source_id, src.body):
            para_words = set(_WORD.findall(paragraph.folded))
            overlap = sum(w in para_words for w in quote_words) / max(len(quote_words), 1)
            sequence = difflib.SequenceMatcher(None, quote_words, _WORD.findall(paragraph.folded), autojunk=False)
            matched = sum(b.size for b in sequence.get_matching_blocks()) / max(len(quote_words), 1)
            score = round((overlap + matched) / 2, 3)
            if best is None or score > best[0]:
                best = (score, paragraph)
    if best is None:
        return QuoteMatch(False)
    return QuoteMatch(False, source=best[1].source, closest_passage=best[1].text, similarity=best[0])
