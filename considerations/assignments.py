"""The public question bank of the exercises: what each question asks and in what form.

`ASSIGNMENTS` maps an assignment (an nbgrader assignment under `exercises/source/`)
to its questions, in notebook order. Each question carries its form, its points,
the book chapter that teaches it and a one-line prompt; never its answer. The
answers are derived from `data/` by the instructor's keys (`exercises/keys/`),
which are not part of this package.

Items that a question lists (considerations, claims, timeline events) are ids
from `data/`, so the notebooks can show them from the tables.

Ordering items are listed alphabetically, never in the answer's order, and the
ids of items to order must not encode their position (claim ids do: `comm-NN`
follows the article's text, so passages are never ordered by claim id).

`OPTION_TEXTS` gives the wording of multiple-choice options (and of labels that need
one); `autograder assign` prints it under the prompt and the feedback refers to it.
"""

from __future__ import annotations

from considerations.questions import (
    Classification,
    Evidence,
    FreeText,
    MultipleChoice,
    Number,
    Ordering,
    Question,
    Weights,
)

IESS = "iess-analysis"
COMMENTARY = "brotherhood-commentary"

DIRECTIONS = ("toward", "against", "uncertain", "none")
# A reading question also asks whether the article discusses the consideration at all.
DIRECTION_LABELS = DIRECTIONS + ("not_discussed",)
VOICES = ("author", "named_official", "anonymous_official", "unnamed_analysts", "reported_event")
OUTCOMES = ("recognise_soon", "wait_for_consensus", "not_recognise")
OUTCOME_TEXTS = {
    "recognise_soon": "Pakistan recognises the Taliban government within the coming months, following Russia's lead "
    "before other neighbours do.",
    "wait_for_consensus": "Pakistan does not rush: it waits for a regional or international consensus, or for other "
    "states to recognise first.",
    "not_recognise": "Pakistan holds back from recognition for the foreseeable future: relations with Kabul are too "
    "strained for recognition to be on the table at all.",
}
LETTERS = ("a", "b", "c", "d")

ALL_CONSIDERATIONS = (
    "russian_recognition",
    "bilateral_thaw",
    "counterterrorism_ttp",
    "durand_line",
    "economy",
    "china",
    "india",
    "russia_axis",
    "us_west_imf",
    "refugees",
    "brotherhood_2021",
)

_DOMESTIC = ("counterterrorism_ttp", "durand_line", "economy", "refugees")
_EXTERNAL = ("russian_recognition", "china", "india", "russia_axis", "us_west_imf")
# Considerations both articles read (the comparisons of the capstone).
_SHARED = ("russian_recognition", "counterterrorism_ttp", "economy", "india", "russia_axis", "us_west_imf", "refugees")


ASSIGNMENTS: dict[str, list[Question]] = {
    "reading_the_sources": [
        Classification(
            # Which article covers what is public (the book's annotated articles show it): a warm-up worth little.
            "q1_coverage", 1, "the_sources",
            "Which article discusses each consideration: the IESS analysis, the commentary, or both?",
            items=("bilateral_thaw", "durand_line", "china", "india", "refugees", "brotherhood_2021"),
            labels=(IESS, COMMENTARY, "both"),
        ),
        Classification(
            "q2_voice", 4, "the_sources",
            "Who is speaking in each passage: the author, a named official, anonymous officials, unnamed analysts, or a reported event?",
            items=("iess-04", "iess-32", "iess-41", "iess-86", "comm-09", "comm-14", "comm-23", "comm-27"),
            labels=VOICES,
        ),
        Number(
            "q3_anonymous_count", 2, "the_sources",
            "With pandas, from your answer to question 2: how many of the passages rest on voices a reader cannot identify?",
        ),
        MultipleChoice(
            "q4_official_line", 2, "comparing_the_articles",
            "How does each article source Pakistan's official line on recognition?",
            options=LETTERS,
        ),
        MultipleChoice(
            "q5_loaded_language", 2, "the_sources",
            "What is the commentary's 'in the ICU' / 'economic suicide' language doing?",
            options=LETTERS,
        ),
        Evidence(
            "q6_brotherhood_evidence", 2, "refugees_and_brotherhood",
            "Quote the commentary's 'brotherhood' frame: one passage on 2021, one on what has become of it.",
            consideration_id="brotherhood_2021", source_id=COMMENTARY, min_quotes=2,
        ),
        Ordering(
            "q7_timeline", 3, "timeline",
            "Put six events that the articles report, or that date them, in time order.",
            items=(
                "celebration_in_pakistan",
                "iess_published",
                "pakistan_cautious_response",
                "russia_recognises_taliban",
                "taliban_take_kabul",
                "trilateral_meeting",
            ),
        ),
        Evidence(
            "q8_caution_evidence", 3, "the_trigger",
            "Pakistan's response to Russia's recognition in the IESS analysis: its own words, and the author's reading.",
            consideration_id="russian_recognition", source_id=IESS, min_quotes=2,
        ),
        FreeText(
            "q9_which_witness", 4, "comparing_the_articles",
            "Which article is the better witness to Pakistan's official position, and what does each one's framing add or hide?",
            min_words=120,
            rubric=(
                "1 point: compares who speaks for Pakistan's government in each article (named or not, officials or 'sources') and says what that means for checking the claims.",
                "1 point: uses genre and date: a signed think-tank analysis of 9 September 2025 against an unsigned, undated news commentary written soon after Russia's recognition.",
                "1 point: names at least one loaded or framing phrase (e.g. 'in the ICU', 'economic suicide', 'brotherhood', 'backtracks') and says what it does to the reader.",
                "1 point: reaches a judgement with reasons, and says what the other article still contributes (e.g. the human cost of the expulsions, or the TTP grievance).",
            ),
        ),
    ],
    "domestic_considerations": [
        Classification(
            "q1_iess_domestic", 3, "comparing_the_articles",
            "Which way does the IESS analysis say each domestic consideration pushes Pakistan?",
            items=_DOMESTIC, labels=DIRECTION_LABELS,
        ),
        Classification(
            "q2_commentary_domestic", 3, "comparing_the_articles",
            "Which way does the commentary say each domestic consideration pushes Pakistan?",
            items=_DOMESTIC, labels=DIRECTION_LABELS,
        ),
        Ordering(
            "q3_ttp_timeline", 3, "counterterrorism",
            "Put six events of the Taliban–TTP story in time order, using the IESS analysis's four periods as the frame.",
            items=(
                "imran_khan_falls",
                "islamabad_ttp_talks",
                "ministers_visit_kabul",
                "taliban_first_regime_falls",
                "taliban_take_kabul",
                "ttp_formed",
            ),
        ),
        Evidence(
            "q4_period_policies", 3, "counterterrorism",
            "Quote the IESS analysis on Pakistan's approach in the second, third and fourth periods of its Taliban–TTP policy.",
            consideration_id="counterterrorism_ttp", source_id=IESS, min_quotes=3,
        ),
        Evidence(
            "q5_ttp_balance", 2, "counterterrorism",
            "Quote the IESS analysis on how much the TTP weighs, and on why it need not block recognition.",
            consideration_id="counterterrorism_ttp", source_id=IESS, min_quotes=2,
        ),
        MultipleChoice(
            "q6_border_measures", 2, "durand_line",
            "Why, according to the IESS analysis, did Pakistan end FATA's autonomy, expel Afghan migrants and fence the border?",
            options=LETTERS,
        ),
        MultipleChoice(
            "q7_durand_link", 2, "durand_line",
            "Where does the IESS analysis leave the Durand Line as a factor in recognition?",
            options=LETTERS,
        ),
        Evidence(
            "q8_economy_evidence_iess", 3, "economy",
            "Quote the IESS analysis on which way the economy pushes, and on what changed Pakistan's approach.",
            consideration_id="economy", source_id=IESS, min_quotes=2,
        ),
        Evidence(
            "q9_economy_evidence_commentary", 3, "economy",
            "Quote the commentary's verdict on the economy and the heading that names the pressures behind the U-turn.",
            consideration_id="economy", source_id=COMMENTARY, min_quotes=2,
        ),
        FreeText(
            "q10_ttp_puzzle", 4, "counterterrorism",
            "How can the TTP be Pakistan's foremost domestic concern and yet not block recognition? Contrast the commentary's reading.",
            min_words=150,
            rubric=(
                "1 point: explains, with the four periods, how Pakistan's current approach changes what the TTP means for recognition.",
                "1 point: explains why the TTP still weighs so heavily on Pakistan, and what that means for the direction of the IESS analysis's overall reading.",
                "1 point: contrasts the commentary's reading of the TTP, with evidence, and relates the difference to sourcing or date.",
                "1 point: uses the expulsions of Afghan refugees as a test case: how does each article explain them, and which reading do they fit?",
            ),
        ),
    ],
    "regional_and_international": [
        Classification(
            "q1_iess_external", 3, "regional_players",
            "Which way does the IESS analysis say each regional or international consideration pushes Pakistan?",
            items=_EXTERNAL, labels=DIRECTION_LABELS,
        ),
        Classification(
            "q2_commentary_external", 3, "regional_players",
            "Which way does the commentary say each regional or international consideration pushes Pakistan?",
            items=_EXTERNAL, labels=DIRECTION_LABELS,
        ),
        MultipleChoice(
            "q3_china_restraint", 2, "regional_players",
            "China is closer to the Taliban than Pakistan is, yet has not recognised them: what does that mean for Pakistan?",
            options=LETTERS,
        ),
        MultipleChoice(
            "q4_india_pull", 2, "regional_players",
            "Which way does the IESS analysis say India's growing ties with Kabul push Pakistan, and why?",
            options=LETTERS,
        ),
        MultipleChoice(
            "q5_russia_motive", 2, "international_order",
            "Both articles cite unnamed analysts on why Russia recognised the Taliban: how do the explanations differ?",
            options=LETTERS,
        ),
        Evidence(
            "q6_russia_axis_evidence", 2, "international_order",
            "Quote the IESS analysis's analysts on the larger effort Russia's recognition belongs to, and on what it means for Afghanistan.",
            consideration_id="russia_axis", source_id=IESS, min_quotes=2,
        ),
        Evidence(
            "q7_us_constraint_evidence", 3, "international_order",
            "Quote the IESS analysis on what following Moscow would cost, and on what could lower that cost.",
            consideration_id="us_west_imf", source_id=IESS, min_quotes=2,
        ),
        Classification(
            "q8_disagreement_kinds", 1, "comparing_the_articles",
            "For each consideration in disagreements.csv: do the articles, as you read them, give different directions, the same direction, or is one of them silent?",
            # russia_axis is left out: the readings a careful reader can defend give every kind.
            items=("russian_recognition", "bilateral_thaw", "counterterrorism_ttp", "economy", "refugees", "us_west_imf"),
            labels=("different_direction", "same_direction", "one_article_silent"),
        ),
        Number(
            # A computation on the shipped tables: any program does it, so it is worth little.
            "q9_external_share", 0.5, "international_order",
            "With pandas: what share of the IESS analysis's claims bear on regional or international considerations?",
        ),
        FreeText(
            "q10_between_two_orders", 4, "international_order",
            "Pakistan between the emerging order and the old one: how do China, India, Russia and the US/IMF pull, and why wait?",
            min_words=150,
            rubric=(
                "1 point: describes China's pull on Pakistan and what China's own stance on recognition means for Pakistan's choice.",
                "1 point: explains India's pull and the reason the IESS analysis gives for it.",
                "1 point: explains the constraint of the US, the West and the IMF and what the IESS analysis expects Pakistan to do about timing, with at least one quote or claim id.",
                "1 point: says, with an example, where the commentary adds to or departs from this picture, and why (genre, sourcing or framing).",
            ),
        ),
    ],
    "weighing_the_factors": [
        Weights(
            "q1_weights", 0.5, "weighing_it_all",
            "Your own weights: how much should each consideration count in Pakistan's decision (0 to 10)?",
            items=ALL_CONSIDERATIONS,
        ),
        FreeText(
            "q2_weights_justified", 4, "weighing_it_all",
            "Justify your heaviest and lightest weights with evidence.",
            min_words=120,
            rubric=(
                "1 point: names your two heaviest and two lightest considerations and gives a reason for each.",
                "1 point: grounds each reason in the articles: a claim id or a short quote for each.",
                "1 point: says where your weights differ from an article's (the weight column of the module's coding) and why.",
                "1 point: keeps weight (how much a consideration matters) apart from direction (which way it pushes).",
            ),
        ),
        # The computations run on the module's coding, which the notebook prints: any program does them, so
        # they are worth little; the points are in reading the articles' conclusions and evidence.
        Number(
            "q3_iess_net_pressure", 1, "weighing_it_all",
            "With pandas: the IESS analysis's net pressure toward recognition under the given direction and weight values.",
        ),
        Number(
            "q4_commentary_net_pressure", 0.5, "weighing_it_all",
            "With pandas: the commentary's net pressure toward recognition under the same values.",
        ),
        MultipleChoice(
            "q5_swing_factor", 0.5, "comparing_the_articles",
            "If the IESS analysis took over the commentary's reading of one consideration, which would move its net pressure most?",
            options=_SHARED,
        ),
        MultipleChoice(
            "q6_model_vs_article", 3, "weighing_it_all",
            "What explains the gap between the IESS analysis's net pressure and its own conclusion?",
            options=LETTERS,
        ),
        Classification(
            # Two items, three labels, and the commentary's outlook accepts two: a guess does well, so it is worth little.
            "q7_expected_outcomes", 1.5, "comparing_the_articles",
            "What outcome does each article expect for Pakistan in the coming months?",
            items=(IESS, COMMENTARY), labels=OUTCOMES,
        ),
        MultipleChoice(
            "q8_best_supported", 3, "weighing_it_all",
            "Read together, which outcome does the evidence of both articles best support?",
            options=OUTCOMES,
        ),
        Evidence(
            "q9_outcome_evidence", 4, "international_order",
            "Three quotes on Pakistan's international constraints: Washington, isolation, the lenders.",
            consideration_id="us_west_imf", source_id=None, min_quotes=3,
        ),
        FreeText(
            "q10_recommendation", 6, "weighing_it_all",
            "Should Pakistan recognise the Taliban government now? A short recommendation weighed on the evidence.",
            min_words=250,
            rubric=(
                "2 points: a clear recommendation and prediction that follows from your weighing, and that answers the strongest consideration against it.",
                "2 points: evidence from both articles (at least three claims or quotes), each attributed correctly, with its voice (named official, anonymous officials, analysts, author) taken into account.",
                "1 point: says what the additive model of Part 2 gets right and wrong, or how sensitive its result is to the weights.",
                "1 point: accounts for the sources themselves: genre, date and framing.",
            ),
        ),
    ],
}


OPTION_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    # The right option is never the longest and sits in different places (tests/test_lookup_resistance.py).
    "reading_the_sources": {
        "q4_official_line": {
            "a": "Neither article attributes Pakistan's position to anyone: both state it as the author's own view.",
            "b": "The commentary names the spokesperson and quotes him at length; the IESS analysis relies on unnamed "
            "sources in the ministry.",
            "c": "The IESS analysis names the Foreign Office spokesperson; the commentary relies on unnamed ministry "
            "sources and officials.",
            "d": "Both articles quote Pakistan's Foreign Office spokesperson by name.",
        },
        "q5_loaded_language": {
            "a": "It uses metaphors of illness and death that make recognition sound fatal; its only support is "
            "Pakistan's dependence on its lenders.",
            "b": "It reports an assessment of Pakistan's economy by the IMF, with the figures of the bailout packages "
            "and of the debt that Pakistan still has to repay.",
            "c": "It quotes Pakistani officials' own words about the economy, as the foreign ministry's sources gave "
            "them to the commentary's author.",
            "d": "It argues that trade with Afghanistan makes recognition attractive for Pakistan.",
        },
    },
    "domestic_considerations": {
        "q6_border_measures": {
            "a": "To press Kabul into formally accepting the Durand Line in exchange for Pakistan's recognition of the "
            "Taliban government, as earlier governments in Islamabad had tried to do.",
            "b": "To retaliate against the Taliban for sheltering the TTP.",
            "c": "To prepare the ground for recognising the Taliban government soon, by settling the border question "
            "on the ground before the diplomatic step.",
            "d": "To make the Durand Line a real border on the ground and give the tribal areas' Pashtuns an identity "
            "of their own, since the Taliban will not accept the line.",
        },
        "q7_durand_link": {
            "a": "An open question that the article weighs both ways, giving arguments for and against a link, "
            "without reaching a view of its own.",
            "b": "Now only loosely tied to recognition: Pakistan secures the border itself, so the dispute has at most "
            "a limited effect.",
            "c": "A reason to recognise soon: recognition can be traded for Kabul's acceptance of the line, which the "
            "Taliban would value more than any other concession Pakistan could offer.",
            "d": "A reason to hold recognition back until Kabul accepts the line.",
        },
    },
    "regional_and_international": {
        "q3_china_restraint": {
            "a": "China has already recognised the Taliban, so Pakistan's main partner has shown the way.",
            "b": "China opposes any engagement with the Taliban and wants Pakistan to isolate Kabul until the "
            "Taliban change course on terrorism and on the rights of women and minorities.",
            "c": "China holds back partly out of regard for Pakistan's concerns: no precedent to follow, only "
            "encouragement to settle disputes and engage.",
            "d": "Both articles say that China is pushing Pakistan to recognise the Taliban government, so that the "
            "two partners can invest in Afghanistan together.",
        },
        "q4_india_pull": {
            "a": "Against recognition: India's growing ties with Kabul show that the Taliban cannot be trusted and "
            "will play Pakistan and India off against each other.",
            "b": "Toward recognition or at least closer ties: staying estranged could push Afghanistan into India's "
            "orbit and undo Pakistan's 'strategic depth'.",
            "c": "Neither way: the article mentions India only as China's rival.",
            "d": "Toward recognition, because India is about to recognise the Taliban itself, and Pakistan cannot "
            "afford to be the last of Afghanistan's neighbours to do so.",
        },
        "q5_russia_motive": {
            "a": "Both say Russia acted only to fight the Islamic State's Khorasan branch (ISKP).",
            "b": "The IESS analysis says Russia wants to balance China; the commentary says Russia is building an "
            "anti-Western bloc together with China, Iran and the Central Asian states.",
            "c": "Only the commentary explains Russia's motives; the IESS analysis quotes the Kremlin's own statement "
            "on the recognition and adds no explanation of its own, from analysts or anyone else.",
            "d": "The IESS analysis's analysts see part of an anti-Western axis; the commentary's see practical aims: "
            "a foothold against terrorism, a counterweight to China and Pakistan.",
        },
    },
    "weighing_the_factors": {
        "q6_model_vs_article": {
            "a": "The sum lets several pulls toward recognition outweigh one constraint that the article treats as "
            "deciding the timing: an additive model cannot express a condition.",
            "b": "There is no gap: the IESS analysis expects Pakistan to recognise the Taliban soon, as the sum says, "
            "once the next round of ministers' visits to Kabul has taken place.",
            "c": "Nothing needs explaining: with these values the IESS analysis's net pressure is negative, as its "
            "conclusion is.",
            "d": "The IESS analysis gives no directions or weights, so the model cannot say anything about it, and "
            "the values used in question 3 come from the commentary instead.",
        },
        "q7_expected_outcomes": OUTCOME_TEXTS,  # the labels' meaning, shown with the prompt
        "q8_best_supported": OUTCOME_TEXTS,
    },
}


def question(assignment: str, qid: str) -> Question:
    """One question of the bank, by assignment and question id."""
    for q in ASSIGNMENTS[assignment]:
        if q.qid == qid:
            return q
    raise KeyError(f"{assignment!r} has no question {qid!r}; its questions are {[q.qid for q in ASSIGNMENTS[assignment]]}")


def total_points(assignment: str) -> float:
    return float(sum(q.points for q in ASSIGNMENTS[assignment]))
