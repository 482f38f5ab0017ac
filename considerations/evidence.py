"""Evidence checking: is a student's quote really in an article, and what is it about?

A quote matches when its words occur in the article in the same order, inside one
paragraph. Only the words are compared, so letter case, whitespace, straight vs
curly quotes, dash variants and punctuation (including inner quotation marks a
student drops or changes) do not matter; a changed, added or dropped word does.

An ellipsis in a quote stands for omitted words (see `ELLIPSIS_RULE`): each part
around it must be substantial, the parts must come in order from one paragraph,
and the words left out may not hold a negation.

`check_evidence` goes one step further and asks which sentences the quote comes
from (data/sentences.csv) and what those sentences bear on: a quote counts for a
consideration when its own sentence does, not when a neighbouring sentence in the
same paragraph does.

Every step on a student's text is linear in its length, and a text longer than
`MAX_QUOTE_CHARS` is refused before any matching.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass
from functools import lru_cache

from considerations.paths import data_dir
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
# An abbreviation of single letters with dots ("u.s." and "us" are one word), a word
# (letters/digits, apostrophes inside it kept: "pakistan's", "don't") or an ellipsis (the
# character, or three or more dots with at most one space between). No repeated group can
# match the same text two ways, so matching is linear: no backtracking blow-up.
_TOKEN = re.compile(r"(?<!\w)(?:[^\W\d_]\.)+[^\W\d_]\b\.?|\w+(?:'\w+)*|\u2026|\.(?: ?\.){2,}")
_ELLIPSIS = "\u2026"

MIN_WORDS = 4
MIN_FRAGMENT_WORDS = 4
MAX_QUOTE_CHARS = 2000
MAX_QUOTE_WORDS = 300
HINT_WORDS = 16  # of a quote, compared with passages for the closest-passage hint
MAX_RAW_CHARS = 100 * MAX_QUOTE_CHARS  # whitespace padding beyond this is no longer a quote
# Words whose omission turns a statement round: negations, and the verbs of refusing or
# denying ("have refused to recognise" -> "have ... recognise"). "n't" endings are caught separately.
NEGATIONS = frozenset(
    "not no never nor neither none nothing nobody nowhere without cannot hardly barely scarcely "
    "refuse refuses refused refusing deny denies denied denying reject rejects rejected rejecting "
    "fail fails failed failing".split()
)

ELLIPSIS_RULE = (
    f"An ellipsis (… or ...) may stand for left-out words only when each part around it has at "
    f"least {MIN_FRAGMENT_WORDS} words copied word for word, the parts come in the article's order "
    "from one paragraph, and the left-out words include no negation such as not, no, never or refused."
)
SPANNING_RULE = (
    f"A quote that runs over several sentences counts for what each sentence it quotes at least "
    f"{MIN_WORDS} words of (or the whole of) bears on; if no sentence qualifies, the sentence with "
    "most of its words counts. Words that occur in several sentences count only for what every one "
    "of them bears on, and a quote may not start right after a negation it leaves out."
)


class UnusableQuote(ValueError):
    """The input cannot be checked at all (empty, too short or long, unknown source or consideration)."""


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
    reason: str | None = None  # why a quote that looks close was refused (ellipsis rule)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None or k == "found"}


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold `text` for comparison; return the folded text and, for each folded
    character, the index of the original character it came from."""
    folded = text.translate(_FOLD).casefold()
    if len(folded) != len(text):  # a character folds to several ("ß" -> "ss"): character by character
        return _normalise_each(text)
    # Every character folded to one (casefold is per character), so offsets in `folded` are offsets
    # in `text`: the same result, built a run of non-space characters at a time (the bodies and
    # sentences the grader indexes, ~1.6x faster).
    out: list[str] = []
    where: list[int] = []
    after_dash = True  # no leading space
    gap = 0
    for run in _RUN.finditer(folded):
        start, end = run.span()
        chars = run.group()
        if not after_dash and chars[0] != "-":  # no space next to a dash
            out.append(" ")
            where.append(gap)
        out.append(chars)
        where.extend(range(start, end))
        after_dash = chars[-1] == "-"
        gap = end
    return "".join(out), where


_RUN = re.compile(r"\S+")  # \s is str.isspace()'s set, as in _normalise_each


def _normalise_each(text: str) -> tuple[str, list[int]]:
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
class _Word:
    text: str  # folded
    start: int  # offsets in the original text
    end: int


def words(text: str) -> list[_Word]:
    """The folded words of `text` with their offsets in it (ellipses are punctuation here)."""
    folded, where = normalise(text)
    return [
        _Word(m.group().replace(".", ""), where[m.start()], where[m.end() - 1] + 1)
        for m in _TOKEN.finditer(folded)
        if m.group()[0] not in ".\u2026"
    ]


def _quote_tokens(text: str) -> list[str]:
    """Folded words of a (length-checked) quote, with _ELLIPSIS where it marks omitted text."""
    folded, _ = normalise(text)
    return [_ELLIPSIS if m.group()[0] in ".\u2026" else m.group().replace(".", "") for m in _TOKEN.finditer(folded)]


@dataclass(frozen=True)
class _Paragraph:
    start: int  # offset of the paragraph in the body
    text: str
    first_word: int  # index of its first word in the source's word list
    haystack: str  # " w1 w2 ... " : a quote's words are found with one str.find
    word_at: tuple[int, ...]  # haystack offset of each word, for mapping a find back to words


@dataclass(frozen=True)
class _SourceIndex:
    source: Source
    words: tuple[_Word, ...]
    paragraphs: tuple[_Paragraph, ...]
    haystack: str  # every word of the body, paragraphs run together: to tell a quote across a break


@lru_cache(maxsize=8)
def _index(source: Source) -> _SourceIndex:
    body = source.body
    all_words: list[_Word] = []
    paragraphs = []
    offset = 0
    for line in body.split("\n"):
        if line.strip():
            line_words = [_Word(w.text, w.start + offset, w.end + offset) for w in words(line)]
            positions, pos = [], 1
            for w in line_words:
                positions.append(pos)
                pos += len(w.text) + 1
            haystack = " " + " ".join(w.text for w in line_words) + " "
            paragraphs.append(_Paragraph(offset, line, len(all_words), haystack, tuple(positions)))
            all_words += line_words
        offset += len(line) + 1
    return _SourceIndex(source, tuple(all_words), tuple(paragraphs), " " + " ".join(w.text for w in all_words) + " ")


def _find_words(paragraph: _Paragraph, fragment: list[str], from_word: int = 0) -> int:
    """Index (within the paragraph) of the first occurrence of `fragment` at or after
    word `from_word`, or -1. str.find is linear-time in CPython (two-way search)."""
    needle = " " + " ".join(fragment) + " "
    start = paragraph.word_at[from_word] - 1 if from_word < len(paragraph.word_at) else len(paragraph.haystack)
    at = paragraph.haystack.find(needle, start)
    if at == -1:
        return -1
    return bisect_right(paragraph.word_at, at + 1) - 1


def _negation_in(omitted: list[str]) -> str | None:
    for word in omitted:
        if word in NEGATIONS or word.endswith("n't"):
            return word
    return None


@dataclass(frozen=True)
class _Located:
    index: _SourceIndex
    paragraph: _Paragraph
    spans: tuple[tuple[int, int], ...]  # source-level word ranges [i, j) the quote's words cover

    @property
    def start(self) -> int:
        return self.index.words[self.spans[0][0]].start

    @property
    def end(self) -> int:
        return self.index.words[self.spans[-1][1] - 1].end


@dataclass(frozen=True)
class _Query:
    words: list[str]  # all words, ellipses dropped
    fragments: list[list[str]]  # the parts around ellipses (one part when there is none)


def _collapse(text) -> str:
    """The first checks of a quote, on the raw text; its words with single spaces between."""
    if not isinstance(text, str):
        raise UnusableQuote(f"a quote must be text (a str), not {type(text).__name__}; paste the words from the article")
    if not text.strip():
        raise UnusableQuote("the quote is empty; paste the words from the article")
    if len(text) > MAX_RAW_CHARS:  # refused before even the C-speed whitespace collapse
        raise UnusableQuote(
            f"too long to be a quote: {len(text):,} characters; quote at most {MAX_QUOTE_CHARS:,} "
            f"characters (about {MAX_QUOTE_WORDS} words), the sentence or two that make your point"
        )
    # Collapsing whitespace first (C-speed) keeps padding from counting toward the size limit.
    return " ".join(str(text).split())


def _prepare(text) -> _Query:
    """Check the input is a usable quote; raise UnusableQuote saying what to do when not."""
    collapsed = _collapse(text)
    if len(collapsed) > MAX_QUOTE_CHARS:
        raise UnusableQuote(
            f"too long to be a quote: {len(collapsed):,} characters; quote at most {MAX_QUOTE_CHARS:,} "
            f"characters (about {MAX_QUOTE_WORDS} words), the sentence or two that make your point"
        )
    tokens = _quote_tokens(collapsed)
    quote_words = [t for t in tokens if t != _ELLIPSIS]
    if len(quote_words) < MIN_WORDS:
        raise UnusableQuote(
            f"the quote has {len(quote_words)} word(s); quote at least {MIN_WORDS} words so it can be checked"
        )
    if len(quote_words) > MAX_QUOTE_WORDS:
        raise UnusableQuote(
            f"too long to be a quote: {len(quote_words)} words; quote at most {MAX_QUOTE_WORDS} words, "
            "the sentence or two that make your point"
        )
    fragments: list[list[str]] = [[]]
    for token in tokens:
        if token == _ELLIPSIS:
            fragments.append([])
        else:
            fragments[-1].append(token)
    return _Query(quote_words, [f for f in fragments if f])  # empty ends are truncation marks


def _occurrences(index: _SourceIndex, query: _Query) -> tuple[list[_Located], str | None]:
    """Every place the quote lies in one article, or ([], why not) when the only near-miss is
    an ellipsis or a cut that breaks the rules (None when there is no near-miss)."""
    found: list[_Located] = []
    problem = None
    for paragraph in index.paragraphs:
        at = _find_words(paragraph, query.words)
        while at != -1:  # word for word (an ellipsis in the quote stood for the body's own punctuation)
            problem = problem or _cut_negation(index, paragraph, at)
            if not _cut_negation(index, paragraph, at):
                first = paragraph.first_word + at
                found.append(_Located(index, paragraph, ((first, first + len(query.words)),)))
            at = _find_words(paragraph, query.words, at + 1)
    if not found and not problem and (" " + " ".join(query.words) + " ") in index.haystack:
        problem = "the words run over a paragraph break; quote from one paragraph"
    if found or len(query.fragments) < 2:
        return found, None if found else problem
    short = [f for f in query.fragments if len(f) < MIN_FRAGMENT_WORDS]
    if short:
        return [], (
            f"the part “{' '.join(short[0])}” next to an ellipsis has {len(short[0])} word(s), fewer than "
            f"{MIN_FRAGMENT_WORDS}; {ELLIPSIS_RULE}"
        )
    for paragraph in index.paragraphs:
        chain = _chain(paragraph, query.fragments)
        if chain is None:
            continue
        paragraph_words = index.words[paragraph.first_word : paragraph.first_word + len(paragraph.word_at)]
        dropped = None
        for (_, gap_start), (gap_end, _) in zip(chain, chain[1:]):
            dropped = dropped or _negation_in([w.text for w in paragraph_words[gap_start:gap_end]])
        if dropped:
            problem = (
                f"the ellipsis leaves out “{dropped}”, which turns round what the article says; "
                f"quote the words with “{dropped}” in them. {ELLIPSIS_RULE}"
            )
            continue
        cut = _cut_negation(index, paragraph, chain[0][0])
        if cut:
            problem = problem or cut
            continue
        spans = tuple((paragraph.first_word + i, paragraph.first_word + j) for i, j in chain)
        found.append(_Located(index, paragraph, spans))
    return found, None if found else problem


def _cut_negation(index: _SourceIndex, paragraph: _Paragraph, at: int) -> str | None:
    """Why a quote starting at word `at` of the paragraph misquotes, when the article's word
    right before it is a negation the quote leaves out ("not | taking concrete action")."""
    if at == 0:
        return None
    before = index.words[paragraph.first_word + at - 1].text
    if not _negation_in([before]):
        return None
    return (f"the article's “{before}” comes right before these words and the quote leaves it out, "
            f"which turns round what the article says; start the quote at “{before}”.")


def _chain(paragraph: _Paragraph, fragments: list[list[str]]) -> list[tuple[int, int]] | None:
    """Word ranges of the fragments, in order, in this paragraph, as tight as possible.

    Leftmost occurrences in turn decide whether a chain exists (an earlier fragment
    ending sooner only leaves more room after it); then, from the last fragment
    backwards, each fragment moves to its latest occurrence before the next one, so
    the omitted stretches are the shortest the quote allows.
    """
    spans = []
    pos = 0
    for fragment in fragments:
        at = _find_words(paragraph, fragment, pos)
        if at == -1:
            return None
        spans.append((at, at + len(fragment)))
        pos = at + len(fragment)
    for k in range(len(spans) - 2, -1, -1):
        limit = spans[k + 1][0]
        at = spans[k][0]
        while True:  # fragments are at least MIN_FRAGMENT_WORDS long and a paragraph is short
            later = _find_words(paragraph, fragments[k], at + 1)
            if later == -1 or later + len(fragments[k]) > limit:
                break
            at = later
        spans[k] = (at, at + len(fragments[k]))
    return spans


def _locate_all(query: _Query, candidates: list[Source]) -> tuple[list[_Located], str | None]:
    found: list[_Located] = []
    problem = None
    for source in candidates:
        places, why = _occurrences(_index(source), query)
        found += places
        problem = problem or why
    return found, None if found else problem


def _locate(query: _Query, candidates: list[Source]) -> tuple[_Located | None, str | None]:
    """The first place the quote lies in (articles in order, then paragraphs), or (None, why not)."""
    found, problem = _locate_all(query, candidates)
    return (found[0], None) if found else (None, problem)


def _sources_to_search(source: str | None) -> list[Source]:
    sources = load_sources()
    if source is None:
        return list(sources.values())
    if not isinstance(source, str) or source not in sources:
        known = ", ".join(sorted(sources))
        raise UnusableQuote(f"unknown source id {source!r}; known sources: {known}")
    return [sources[source]]


def verify_quote(text: str, source: str | None = None) -> QuoteMatch:
    """Check that `text` occurs in an article (or in `source` only, when given).

    Raises `UnusableQuote` when the text is empty, has fewer than four words, is too
    long to be a quote, or names an unknown source. Otherwise returns a `QuoteMatch`:
    when found, the source id, the start/end offsets into that source's body (first
    to last quoted word) and the paragraph; when not found, the closest sentence as
    a hint, and the reason when an ellipsis broke `ELLIPSIS_RULE`.
    """
    query = _prepare(text)
    candidates = _sources_to_search(source)
    located, problem = _locate(query, candidates)
    if located:
        return QuoteMatch(True, located.index.source.source_id, located.start, located.end, located.paragraph.text)
    hint = _closest(query, candidates)
    if hint is None:
        return QuoteMatch(False, reason=problem)
    return QuoteMatch(False, source=hint[0].source_id, closest_passage=hint[1], similarity=hint[2], reason=problem)


def _closest(query: _Query, candidates: list[Source]) -> tuple[Source, str, float] | None:
    """The sentence (from data/sentences.csv, else the paragraph) most like the quote."""
    from rapidfuzz import fuzz

    choices: list[tuple[Source, str]] = []
    for source in candidates:
        choices += [(source, passage) for passage in _passages(source)]
    if not choices:
        return None
    # The quote's opening words are enough to point at a passage, and keep the cost of the
    # alignment (quadratic in the quote's length) small for long quotes.
    quote = " ".join(query.words[:HINT_WORDS])
    # Best local alignment (partial_ratio), scaled down for passages shorter than the quote,
    # which would otherwise win by fitting entirely inside it (a three-word heading). The first
    # best passage wins. A passage can only win with a score above best / scale, so that is
    # rapidfuzz's score_cutoff (it skips alignments that cannot reach it: ~2x faster in all), and
    # one whose scale leaves no chance is not aligned at all.
    best, best_score = 0, -1.0
    for i, (_, passage) in enumerate(choices):
        folded = _folded_passage(passage)
        scale = min(1.0, len(folded) / len(quote))
        if 100 * scale <= best_score:
            continue
        cutoff = best_score / scale * (1 - 1e-9) if best_score > 0 else 0  # a hair low: no float edge lost
        score = fuzz.partial_ratio(quote, folded, score_cutoff=cutoff) * scale
        if score > best_score:
            best, best_score = i, score
    source, passage = choices[best]
    return source, passage, round(best_score / 100, 3)


@lru_cache(maxsize=1024)
def _folded_passage(text: str) -> str:
    return " ".join(w.text for w in words(text))


def _passages(source: Source) -> list[str]:
    try:
        table = _sentence_table(str(data_dir()))
    except (FileNotFoundError, ValueError):  # no usable sentences table: hint with paragraphs
        table = {}
    if source.source_id in table:
        return [s.text for s in table[source.source_id]]
    return [p.text for p in _index(source).paragraphs]


# --- sentence level -----------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    sentence_id: str
    start: int
    end: int
    text: str
    considerations: tuple[str, ...]
    arguably: tuple[str, ...]
    word_count: int


@lru_cache(maxsize=4)
def _sentence_table(folder: str) -> dict[str, tuple[_Sentence, ...]]:
    from considerations.sentences import sentence_records

    table: dict[str, list[_Sentence]] = {}
    for row in sentence_records():  # records, not the DataFrame: scoring runs without pandas
        table.setdefault(row.source_id, []).append(
            _Sentence(row.sentence_id, row.start, row.end, row.text, row.considerations, row.arguably,
                      len(words(row.text)))
        )
    return {sid: tuple(rows) for sid, rows in table.items()}


@lru_cache(maxsize=4)
def _consideration_names(folder: str) -> dict[str, str]:
    from considerations.data import consideration_names

    return consideration_names()


@dataclass(frozen=True)
class EvidenceCheck:
    """Result of `check_evidence`; `reason` is one sentence a student can read."""

    found: bool  # word for word in the article asked for (any article when none was)
    source: str | None  # where it was found, or where the closest passage / the quote elsewhere is
    sentence_ids: tuple[str, ...]  # the sentences the quote's words lie in
    considerations: tuple[str, ...]  # what those sentences clearly bear on (see SPANNING_RULE)
    arguably: tuple[str, ...]  # what they bear on only arguably
    about: bool | None  # None when no consideration was asked
    arguable: bool  # accepted only through `arguably`
    reason: str
    closest_passage: str | None = None
    start: int | None = None  # offsets of the quoted words in the source's body
    end: int | None = None

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def _quoted_sentences(located: _Located) -> tuple[list[_Sentence], list[_Sentence]]:
    """(every sentence holding a quoted word, the sentences that count per SPANNING_RULE)."""
    sentences = _sentence_table(str(data_dir())).get(located.index.source.source_id, ())
    starts = [s.start for s in sentences]
    counts: dict[int, int] = {}
    for i, j in located.spans:
        for w in located.index.words[i:j]:
            k = bisect_right(starts, w.start) - 1
            if k >= 0 and w.start < sentences[k].end:
                counts[k] = counts.get(k, 0) + 1
    touched = sorted(counts)
    if not touched:
        return [], []
    qualifying = [k for k in touched
                  if counts[k] >= MIN_WORDS or counts[k] == sentences[k].word_count]
    if not qualifying:
        most = max(counts.values())
        qualifying = [k for k in touched if counts[k] == most]
    return [sentences[k] for k in touched], [sentences[k] for k in qualifying]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize would lower-case the rest (article names)


def _names(ids, names: dict[str, str]) -> str:
    labels = [names.get(i, i) for i in ids]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def check_evidence(quote: str, consideration: str | None = None, source: str | None = None) -> EvidenceCheck:
    """Is `quote` word for word in the article (`source`, or any) and, when `consideration`
    is given, does the sentence it comes from bear on that consideration?

    Raises UnusableQuote for an empty, too short or too long quote and an unknown source
    or consideration.
    """
    folder = str(data_dir())
    names = _consideration_names(folder)
    if consideration is not None and (not isinstance(consideration, str) or consideration not in names):
        raise UnusableQuote(
            f"unknown consideration id {consideration!r}; known considerations: {', '.join(names)}"
        )
    collapsed = _collapse(quote)
    if type(source) in (str, type(None)) and type(consideration) in (str, type(None)):
        return _checked(collapsed, consideration, source, folder)
    return _checked.__wrapped__(collapsed, consideration, source, folder)  # not a plain key: no cache


# A check depends only on the quote with its whitespace collapsed, what is asked and the data folder
# (whose tables are cached by folder too), so checks are kept: a cohort repeats quotes (the same
# sentence copied, the notebook's own examples). Only a check that returns is kept, so a key is at
# most MAX_QUOTE_CHARS long; the result is frozen, so callers can share it.
@lru_cache(maxsize=2048)
def _checked(collapsed: str, consideration: str | None, source: str | None, folder: str) -> EvidenceCheck:
    names = _consideration_names(folder)
    query = _prepare(collapsed)
    candidates = _sources_to_search(source)
    places, problem = _locate_all(query, candidates)
    if not places:
        return _not_found(query, problem, candidates, source, consideration)
    judged = [_Judged.of(place, names) for place in places]
    chosen = judged[0]
    if consideration is None:
        about, arguable = None, False
        bears = _names(chosen.clear, names) or "none of the considerations"
        reason = f"found in {chosen.source.short_name}, in a sentence that bears on {bears}."
        if chosen.maybe:
            reason = reason[:-1] + f" (arguably also on {_names(chosen.maybe, names)})."
    else:
        # Words that occur in several sentences count only when every one of them bears on it:
        # a phrase too generic to say which sentence it is from is not evidence from that sentence.
        bearing = [j for j in judged if consideration in j.clear + j.maybe]
        about = len(bearing) == len(judged)
        arguable = about and any(consideration not in j.clear for j in judged)
        if bearing and not about:
            chosen = next(j for j in judged if j not in bearing)
        reason = _about_reason(chosen, consideration, names, about, arguable, len(judged), bool(bearing))
    return EvidenceCheck(
        found=True,
        source=chosen.source.source_id,
        sentence_ids=tuple(s.sentence_id for s in chosen.touched),
        considerations=chosen.clear,
        arguably=chosen.maybe,
        about=about,
        arguable=arguable,
        reason=_upper_first(reason),
        start=chosen.place.start,
        end=chosen.place.end,
    )


@dataclass(frozen=True, eq=False)
class _Judged:
    """One place a quote lies in, with what its counting sentences bear on."""

    place: _Located
    touched: tuple[_Sentence, ...]
    clear: tuple[str, ...]
    maybe: tuple[str, ...]

    @property
    def source(self) -> Source:
        return self.place.index.source

    @classmethod
    def of(cls, place: _Located, names: dict[str, str]) -> _Judged:
        touched, counting = _quoted_sentences(place)
        order = list(names)
        clear = {c for s in counting for c in s.considerations if c in names}
        maybe = {c for s in counting for c in s.arguably if c in names} - clear
        return cls(place, tuple(touched), tuple(sorted(clear, key=order.index)), tuple(sorted(maybe, key=order.index)))


def _about_reason(chosen: _Judged, consideration: str, names: dict[str, str], about: bool, arguable: bool,
                  places: int, some_bear: bool) -> str:
    where = f"found in {chosen.source.short_name}"
    asked = names[consideration]
    if about and not arguable:
        return f"{where}, in a sentence about {asked}."
    if arguable:
        return f"{where}, in a sentence that bears on {asked} only arguably; accepted."
    if some_bear:
        return (f"{where}, but these words occur in {places} places and not every sentence they are in "
                f"is about {asked}; quote more of the sentence you mean.")
    if chosen.clear:
        return f"{where}, but its sentence is about {_names(chosen.clear, names)}, not {asked}."
    return f"{where}, but its sentence bears on none of the considerations, so not on {asked}."


def _not_found(query: _Query, problem: str | None, candidates: list[Source], asked: str | None,
               consideration: str | None) -> EvidenceCheck:
    empty = dict(sentence_ids=(), considerations=(), arguably=(), arguable=False)
    about = None if consideration is None else False
    if asked is not None:
        others = [s for s in load_sources().values() if s.source_id != asked]
        elsewhere, _ = _locate(query, others)
        if elsewhere is not None:
            other = elsewhere.index.source
            return EvidenceCheck(
                found=False, source=other.source_id, about=about,
                reason=(f"Found, but in {other.short_name}, not in {candidates[0].short_name}: "
                        "quote the article the question asks about."),
                closest_passage=None, **empty,
            )
    hint = _closest(query, candidates)
    where = candidates[0].short_name if asked is not None else "any of the articles"
    if problem:
        reason = f"Not accepted: {problem.rstrip('.')}."
    else:
        reason = (f"Not found word for word in {where}: copy the words exactly, in order, "
                  "from one paragraph (only case, spacing and punctuation may differ).")
    return EvidenceCheck(
        found=False, source=hint[0].source_id if hint else None, about=about, reason=reason,
        closest_passage=hint[1] if hint else None, **empty,
    )
