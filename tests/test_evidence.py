"""verify_quote and check_evidence: the tolerances the contract allows, and nothing more."""

import csv
import re
import shutil
import time

import pytest
from helpers import ROOT
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from considerations import UnusableQuote, check_evidence, load_sources, verify_quote
from considerations.evidence import ELLIPSIS_RULE, MAX_QUOTE_CHARS, MIN_FRAGMENT_WORDS, NEGATIONS, normalise, words

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


@pytest.mark.parametrize("quote, source, article_text", [
    # inner quotation marks and the comma inside them dropped
    ("calling the Taliban their brothers", "brotherhood-commentary", "calling the Taliban their “brothers"),
    ('calling the Taliban their "brothers" and a narrative', "brotherhood-commentary",
     "calling the Taliban their “brothers,” and a narrative"),
    ("Pakistan's brotherhood with the Taliban", "brotherhood-commentary", "Pakistan’s “brotherhood” with the Taliban"),
    # a dash read as a space, a typo's stray full stop left out, the student's own quotation marks
    ("is still unclear even for Pakistan", "brotherhood-commentary", "is still unclear-even for Pakistan"),
    ("But what about Pakistan? In a world", "iess-analysis", "But .what about Pakistan? In a world"),
    ("“has reacted cautiously to this development”", "iess-analysis", "has reacted cautiously to this development"),
    # the dots of an abbreviation
    ("IMF bailout packages, US support, and investment", "brotherhood-commentary",
     "IMF bailout packages, U.S. support, and investment"),
])
def test_dropped_or_changed_punctuation_is_tolerated(quote, source, article_text):
    m = verify_quote(quote)
    assert m.found and m.source == source
    assert SOURCES[source].body[m.start : m.end] == article_text


@pytest.mark.parametrize("quote", [
    "calling the Taliban their brother",  # a changed word
    "calling the Taliban our brothers",
    "calling Taliban their brothers and",  # a dropped word
    "calling the Taliban their dear brothers",  # an added word
    "Pakistans brotherhood with the Taliban",  # not the article's word
    "Pakistan has reacted with caution to this development",  # paraphrase
])
def test_changed_added_dropped_words_and_paraphrase_are_refused(quote):
    assert not verify_quote(quote).found


def test_ellipsis_joins_substantial_fragments_in_order_within_a_paragraph():
    m = verify_quote("Pakistan, as one of the most influential countries … has reacted cautiously to this development")
    assert m.found and IESS[m.start : m.end].startswith("Pakistan, as one")
    assert IESS[m.start : m.end].endswith("development")
    assert verify_quote("...has reacted cautiously to this development...").found  # truncation marks
    # out of order
    assert not verify_quote("has reacted cautiously to this development ... Pakistan, as one of the most").found
    # words from two paragraphs of one article, with or without an ellipsis
    m = verify_quote("foreign ministry have clearly stated: “Islamabad is in no hurry.")
    assert not m.found and m.reason == "the words run over a paragraph break; quote from one paragraph"
    assert not verify_quote("Four years ago, when the Taliban raised its flag ... began calling the Taliban their “brothers,”").found
    # fragments from the two articles
    assert not verify_quote("Pakistan erupted in celebration and sweets ... has reacted cautiously to this development").found


@pytest.mark.parametrize("quote", [
    "The ... Taliban ... mark ... international",
    "Pakistan … has reacted cautiously to this development",
    "The official recognition of the ... Taliban and Afghanistan",
])
def test_ellipsis_around_isolated_words_is_refused_with_the_rule(quote):
    m = verify_quote(quote)
    assert not m.found
    assert f"fewer than {MIN_FRAGMENT_WORDS}" in m.reason and ELLIPSIS_RULE in m.reason
    result = check_evidence(quote)
    assert not result.found and ELLIPSIS_RULE in result.reason


@pytest.mark.parametrize("quote, dropped", [
    ("Officials have stated, “We will … make any decision until the Taliban ensures", "not"),
    ("Even Pakistan’s own intelligence agencies now admit the Taliban is … taking concrete action against TTP", "not"),
    ("However, the bitter truth is this: The Taliban … seems interested in listening to Pakistan", "no"),
])
def test_ellipsis_that_drops_a_negation_is_refused_and_says_so(quote, dropped):
    m = verify_quote(quote)
    assert not m.found
    assert f"leaves out “{dropped}”" in m.reason
    result = check_evidence(quote, "counterterrorism_ttp")
    assert not result.found and result.about is False and f"“{dropped}”" in result.reason


@pytest.mark.parametrize("quote, cut", [
    ("taking concrete action against TTP", "not"),  # "...the Taliban is not taking concrete action against TTP"
    ("of these developments mean that Pakistan will overlook", "none"),
    ("to officially recognize the Durand Line", "refused"),
    ("make any decision until the Taliban ensures Pakistan’s interests", "not"),
])
def test_a_quote_that_cuts_off_the_negation_before_it_is_refused(quote, cut):
    m = verify_quote(quote)
    assert not m.found
    assert m.reason == (f"the article's “{cut}” comes right before these words and the quote leaves it out, "
                        f"which turns round what the article says; start the quote at “{cut}”.")
    assert verify_quote(f"{cut} {quote}").found


def test_ellipsis_that_drops_a_verb_of_refusing_is_refused():
    m = verify_quote("While the Taliban continues to … providing safe haven to terrorists")
    assert not m.found and "leaves out “deny”" in m.reason


def test_body_ellipses_need_no_substantial_fragments():
    # the article's own "silent… nervous…": a student's ellipsis here omits nothing
    assert verify_quote("that very Pakistan is silent… nervous… and quietly retreating").found
    assert verify_quote("that very Pakistan is silent... nervous... and quietly retreating").found
    assert verify_quote("that very Pakistan is silent nervous and quietly retreating").found


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


def test_not_found_gives_closest_sentence():
    m = verify_quote("Pakistan’s economy is in the hospital, heavily dependent on IMF bailout packages")
    assert not m.found
    assert m.source == "brotherhood-commentary"
    assert m.closest_passage.startswith("Pakistan’s economy is in the ICU") and m.closest_passage.endswith("nations.")
    assert 0 < m.similarity < 1


@pytest.mark.parametrize("text", ["", "   ", "three words only", "… … …", "a … b … c", None, 42, ["a", "list"]])
def test_unusable_input(text):
    with pytest.raises(UnusableQuote):
        verify_quote(text)
    with pytest.raises(UnusableQuote):
        check_evidence(text)


def test_unknown_source_and_consideration():
    with pytest.raises(UnusableQuote, match="unknown source.*known sources: brotherhood-commentary, iess-analysis"):
        verify_quote("has reacted cautiously to this development", source="bbc")
    with pytest.raises(UnusableQuote, match="unknown consideration id 'trade'; known considerations: russian_recognition"):
        check_evidence("has reacted cautiously to this development", "trade")
    for not_an_id in (["economy"], {"economy": 1}, 3):
        with pytest.raises(UnusableQuote, match="unknown consideration id"):
            check_evidence("has reacted cautiously to this development", not_an_id)
        with pytest.raises(UnusableQuote, match="unknown source id"):
            check_evidence("has reacted cautiously to this development", source=not_an_id)


# --- hostile input: every step linear, long input refused early -----------------------------

REAL = "has reacted cautiously to this development"


def _timed(function, *args):
    start = time.perf_counter()
    try:
        outcome = function(*args)
    except UnusableQuote as error:
        outcome = error
    return outcome, time.perf_counter() - start


@pytest.mark.parametrize("name, text, accepted", [
    ("a real quote then 100k spaces", REAL + " " * 100_000, True),
    ("100k spaces then a real quote", " " * 100_000 + REAL, True),
    ("a real quote then 100k dots", REAL + "." * 100_000, False),
    ("10k ellipses", "… " * 10_000 + REAL, False),
    ("10k ellipses between words", "has … " * 10_000, False),
    ("1 MB of one word", "Pakistan " * 115_000, False),
    ("4 MB of letters", "a" * 4_000_000, False),
    ("4 MB answer of spaces and a quote", REAL + " " * 4_000_000, False),
    ("the longest quote allowed, in no article", ("Pakistani " * 200)[:MAX_QUOTE_CHARS], False),
    ("a long ellipsis quote of real fragments", " … ".join([REAL] * 40), False),
])
def test_hostile_input_costs_little(name, text, accepted):
    for function in (verify_quote, check_evidence):
        outcome, seconds = _timed(function, text)
        print(f"{function.__name__}: {name}: {seconds * 1000:.1f} ms")
        assert seconds < 1.0, (name, seconds)
        if accepted:
            assert outcome.found, name
        else:
            assert isinstance(outcome, UnusableQuote) or not outcome.found, name
    if accepted is False and len(text) > 2 * MAX_QUOTE_CHARS:
        assert "too long to be a quote" in str(_timed(check_evidence, text)[0])


@pytest.mark.parametrize("text", ["Pakistan’s “brotherhood”—with… " * 10_000, "U.S.A." * 50_000, "a.b" * 100_000])
def test_words_of_long_text_are_linear(text):
    # words() is what the bodies go through (a quote never reaches it at this size): ~3 µs a character
    _, seconds = _timed(words, text)
    print(f"words() on {len(text):,} characters: {seconds:.2f} s")
    assert seconds < 5


def test_thousands_of_checks_are_fast():
    quotes = ["Pakistan’s economy is in the ICU, heavily dependent", "has reacted cautiously to this development",
              "Pakistan has reacted with caution to this development", "calling the Taliban their brothers"]
    check_evidence(quotes[0], "economy")  # warm the caches
    start = time.perf_counter()
    for i in range(2000):
        check_evidence(quotes[i % 4], "economy", source="brotherhood-commentary")
    seconds = time.perf_counter() - start
    print(f"2000 check_evidence calls: {seconds:.2f} s")
    assert seconds < 10


# --- sentence level, on a data folder whose annotation the test controls --------------------

ANNOTATION = {
    # sentence: (considerations, arguably)
    "iess-analysis-s004": ("russian_recognition", ""),
    "iess-analysis-s005": ("russian_recognition;bilateral_thaw", ""),
    "iess-analysis-s073": ("durand_line", ""),
    "iess-analysis-s074": ("economy", ""),
    "brotherhood-commentary-s023": ("economy;us_west_imf", ""),
    "brotherhood-commentary-s024": ("economy", "us_west_imf"),
    "brotherhood-commentary-s006": ("brotherhood_2021;russian_recognition", ""),
    "brotherhood-commentary-s003": ("brotherhood_2021", ""),
    "brotherhood-commentary-s004": ("brotherhood_2021", ""),
}


@pytest.fixture
def annotated(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    path = copy / "sentences.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["considerations"], row["arguably"] = ANNOTATION.get(row["sentence_id"], ("none", ""))
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("CONSIDERATIONS_DATA", str(copy))
    return copy


def test_quote_counts_for_what_its_own_sentence_bears_on(annotated):
    result = check_evidence("Pakistan’s economy is in the ICU, heavily dependent on IMF bailout packages", "economy")
    assert result.found and result.about and not result.arguable
    assert result.sentence_ids == ("brotherhood-commentary-s023",)
    assert result.considerations == ("economy", "us_west_imf")
    assert result.reason == "Found in the “Brotherhood” commentary, in a sentence about The economy."


def test_same_paragraph_is_not_enough(annotated):
    # s073 (the Durand Line) sits in the paragraph with s074 (the economy)
    result = check_evidence("The Durand Line issue may also have some, albeit limited, impact.", "economy")
    assert result.found and result.about is False
    assert result.considerations == ("durand_line",)
    assert result.reason == ("Found in the IESS analysis, but its sentence is about The Durand Line, "
                             "not The economy.")


def test_keyword_is_not_enough(annotated):
    # "economic" in the quote, but the sentence bears on nothing (annotated none here)
    result = check_evidence("Economic factors in Pakistan’s recognition of the Taliban are complex", "economy")
    assert result.found and result.about is False and result.considerations == ()
    assert "bears on none of the considerations, so not on The economy" in result.reason


def test_arguable_sentence_is_accepted_and_flagged(annotated):
    result = check_evidence("recognizing a regime like the Taliban’s could be tantamount to economic suicide", "us_west_imf")
    assert result.found and result.about and result.arguable
    assert result.arguably == ("us_west_imf",) and result.considerations == ("economy",)
    assert "only arguably" in result.reason


def test_quote_in_the_other_article_is_named(annotated):
    result = check_evidence("Pakistan’s economy is in the ICU, heavily dependent", "economy", source="iess-analysis")
    assert not result.found and result.about is False and result.source == "brotherhood-commentary"
    assert result.reason.startswith("Found, but in the “Brotherhood” commentary, not in the IESS analysis")


def test_not_found_names_the_closest_sentence(annotated):
    result = check_evidence("Pakistan’s economy is in intensive care, heavily dependent", "economy",
                            source="brotherhood-commentary")
    assert not result.found and result.about is False
    assert result.reason.startswith("Not found word for word in the “Brotherhood” commentary")
    assert result.closest_passage.startswith("Pakistan’s economy is in the ICU")


def test_spanning_quote_counts_where_it_quotes_four_words(annotated):
    # s073 (the Durand Line) and s074 (the economy) follow each other in one paragraph
    both = "some, albeit limited, impact. Meanwhile, economic factors could serve"
    result = check_evidence(both, "durand_line")
    assert result.sentence_ids == ("iess-analysis-s073", "iess-analysis-s074")
    assert result.considerations == ("durand_line", "economy") and result.about
    # only three words of s073: only s074 counts
    tail = "albeit limited, impact. Meanwhile, economic factors could serve"
    result = check_evidence(tail, "durand_line")
    assert result.sentence_ids == ("iess-analysis-s073", "iess-analysis-s074")
    assert result.considerations == ("economy",) and result.about is False


def test_no_consideration_asked_reports_what_the_sentence_bears_on(annotated):
    result = check_evidence("calling the Taliban their brothers")
    assert result.found and result.about is None and result.considerations == ("brotherhood_2021",)
    assert result.reason == "Found in the “Brotherhood” commentary, in a sentence that bears on The 2021 “brotherhood”."
    as_json = result.to_dict()
    assert as_json["sentence_ids"] == ["brotherhood-commentary-s003"] and as_json["about"] is None


def test_words_in_several_sentences_count_only_when_all_bear_on_it(annotated):
    # "considerations regarding the official recognition of the Taliban" is in s010 and s051
    generic = "considerations regarding the official recognition of the Taliban"
    path = annotated / "sentences.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["sentence_id"] == "iess-analysis-s010":
            row["considerations"] = "bilateral_thaw"
        if row["sentence_id"] == "iess-analysis-s051":
            row["considerations"] = "bilateral_thaw;russia_axis"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert check_evidence(generic, "bilateral_thaw").about is True
    result = check_evidence(generic, "russia_axis")
    assert result.found and result.about is False and result.sentence_ids == ("iess-analysis-s010",)
    assert "these words occur in 2 places and not every sentence they are in is about" in result.reason
    longer = "Pakistan’s considerations regarding the official recognition of the Taliban relates"
    assert check_evidence(longer, "russia_axis").about is True


def test_ellipsis_quote_counts_only_its_quoted_sentences(annotated):
    # fragments from s003 and s004 of one paragraph; the omitted text is not quoted
    quote = "Several hardline leaders in Pakistan … that very Pakistan is silent"
    result = check_evidence(quote, "brotherhood_2021")
    assert result.found and result.about
    assert result.sentence_ids == ("brotherhood-commentary-s003", "brotherhood-commentary-s004")


# --- properties -------------------------------------------------------------------

_TOKEN = re.compile(r"\S+")
_DASHES = ["-", "\u2013", "\u2014", " - ", " \u2014 "]
_APOS = ["'", "\u2019", "\u2018"]
_DQUOTES = ['"', "\u201c", "\u201d", ""]
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
    assume(sum(len(re.findall(r"\w+", t.group())) > 0 for t in tokens[i : j + 1]) >= 4)
    before = words(para[: tokens[i].start()])
    assume(not before or before[-1].text not in NEGATIONS)  # a quote may not cut off a "not" (tested above)
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
            out.append(draw(st.sampled_from(_DQUOTES)))  # inner quotation marks changed or dropped
        elif ch in ",;:":
            out.append(draw(st.sampled_from([ch, ""])))
        elif ch.isalpha():
            out.append(ch.upper() if draw(st.booleans()) else ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def _words_of(text):
    return [w.text for w in words(text)]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_property_perturbed_run_is_found_at_its_words(data):
    sid, start, end = data.draw(runs())
    body = SOURCES[sid].body
    run = body[start:end]
    quote = perturb(data.draw, run)
    m = verify_quote(quote)
    assert m.found, (sid, run, quote)
    assert _words_of(SOURCES[m.source].body[m.start : m.end]) == _words_of(run)
    if m.source == sid:
        first, last = words(run)[0], words(run)[-1]
        assert m.start <= start + first.start  # the leftmost occurrence
        if " ".join(_words_of(body)).count(" ".join(_words_of(run))) == 1:
            assert (m.start, m.end) == (start + first.start, start + last.end)
    assert verify_quote(quote, source=sid).found


def _one_word_replaced(data):
    """(the article, a run of it, that run with one word replaced by a word of neither article, perturbed)."""
    sid, start, end = data.draw(runs())
    run = SOURCES[sid].body[start:end]
    w = data.draw(st.sampled_from(list(re.finditer(r"[A-Za-z]+", run))))
    changed = run[: w.start()] + data.draw(st.sampled_from(_FOREIGN_WORDS)) + run[w.end() :]
    return sid, run, perturb(data.draw, changed)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_property_run_with_one_word_replaced_is_not_found(data):
    _, run, quote = _one_word_replaced(data)
    assert not verify_quote(quote).found, (run, quote)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_property_any_text_is_either_unusable_or_answered(text):
    try:
        result = check_evidence(text)
    except UnusableQuote as error:
        assert str(error)
        return
    assert result.reason and (result.found or result.about is None)


def test_normalise_maps_folded_characters_back():
    folded, where = normalise("  ẞtraße – “Kabul”\n")
    assert folded == "sstrasse-\"kabul\""
    assert len(where) == len(folded) and where[0] == 2


# --- agreement with the hand-judged cases (tests/cases/evidence_judgements.csv) -----------------

TRAPS = {"keyword_trap", "same_paragraph_trap"}


def _verdict(case) -> tuple[str, str]:
    try:
        result = check_evidence(case["quote"], case["consideration_id"] or None, case["source_id"] or None)
    except UnusableQuote as error:
        return "reject", f"unusable: {error}"
    return ("accept" if result.found and result.about is not False else "reject"), result.reason


def test_agreement_with_judged_cases():
    with open(ROOT / "tests" / "cases" / "evidence_judgements.csv", encoding="utf-8", newline="") as f:
        cases = list(csv.DictReader(f))
    assert len(cases) >= 100
    disagreements = []
    for case in cases:
        verdict, reason = _verdict(case)
        if verdict != case["expected"]:
            disagreements.append(f"{case['kind']}: expected {case['expected']}, got {verdict}: "
                                 f"{case['quote'][:80]!r} ({case['consideration_id']}): {reason}")
    agreement = 1 - len(disagreements) / len(cases)
    print(f"agreement with {len(cases)} judged cases: {agreement:.1%}")
    trap_accepted = [d for d in disagreements if d.split(":")[0] in TRAPS and "got accept" in d]
    assert not trap_accepted, "\n".join(trap_accepted)
    assert agreement >= 0.95, "\n".join(disagreements)


@pytest.mark.parametrize("quote, consideration, accepted", [
    # the issue's examples of paragraph-level judging gone wrong, on the real annotation
    ("The Durand Line issue may also have some, albeit limited, impact.", "economy", False),
    ("The Durand Line issue may also have some, albeit limited, impact.", "counterterrorism_ttp", False),
    ("The Durand Line issue may also have some, albeit limited, impact.", "durand_line", True),
    ("Pakistan's economy is in the ICU, heavily dependent on IMF bailout packages, U.S. support, "
     "and investment from European nations.", "us_west_imf", True),
    ("The same Pakistan that once rushed to embrace the Taliban is now hesitant", "brotherhood_2021", True),
])
def test_issue_examples_on_the_real_annotation(quote, consideration, accepted):
    result = check_evidence(quote, consideration)
    assert result.found and result.about is accepted, result.reason


# --- the closest-passage hint and the kept checks ------------------------------------------------


def _closest_by_every_passage(quote_text, candidates):
    """The hint as first written: every passage aligned in full, the first best one wins."""
    from rapidfuzz import fuzz

    from considerations.evidence import HINT_WORDS, _folded_passage, _passages, _prepare

    quote = " ".join(_prepare(quote_text).words[:HINT_WORDS])
    choices = [(s, p) for s in candidates for p in _passages(s)]
    scores = [fuzz.partial_ratio(quote, _folded_passage(p)) * min(1.0, len(_folded_passage(p)) / len(quote))
              for _, p in choices]
    best = max(range(len(scores)), key=scores.__getitem__)
    return choices[best][0], choices[best][1], round(scores[best] / 100, 3)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_property_pruned_hint_is_the_best_passage(data):
    from considerations.evidence import _closest, _prepare

    sid, _, quote = _one_word_replaced(data)
    try:
        query = _prepare(quote)
    except UnusableQuote:
        return
    for candidates in ([SOURCES[sid]], list(SOURCES.values())):
        assert _closest(query, candidates) == _closest_by_every_passage(quote, candidates)


def test_a_repeated_check_is_the_same_and_not_redone():
    from considerations.evidence import _checked

    quote = "Pakistan has reacted with caution to this development"  # not found: the costly hint
    first = check_evidence(quote, "economy", source="iess-analysis")
    before = _checked.cache_info().hits
    again = check_evidence("  " + quote.replace(" ", " \n ") + "  ", "economy", source="iess-analysis")
    assert again == first and _checked.cache_info().hits == before + 1  # whitespace does not matter
    assert check_evidence(quote, None, source="iess-analysis").about is None  # what is asked is in the key
    with pytest.raises(UnusableQuote, match="unknown source"):
        check_evidence(quote, "economy", source=["iess-analysis"])  # not a plain key: checked, not cached
    with pytest.raises(UnusableQuote, match="has 3 word"):
        check_evidence("three short words", "economy")


_FOLD_TRICKY = " \t\n\u00a0\u2003\u3000\u2028-\u2013\u2014\u2212ab\u00df\u1e9e\u0130\u0131'\u2019\"\u201cX.\u20261\u0345\u03a3\u03c2\ufb00"


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(alphabet=_FOLD_TRICKY, max_size=60)))
def test_property_normalise_by_runs_is_the_character_by_character_fold(text):
    from considerations.evidence import _normalise_each

    assert normalise(text) == _normalise_each(text)
