"""Answer keys for `weighing_the_factors`, derived from data/ (instructors only).

Each function returns an `autograder.keys.Key`. The net pressures and the swing
factor are computed from readings.csv with the value mapping the notebook gives
the students (the same as the book's factor model, restated here on purpose so
the keys do not depend on it). The expected outcomes are a reading of the
articles' conclusions, written by hand with the claims they rest on.
"""

from autograder.keys import Key
from considerations import load_readings
from considerations.assignments import COMMENTARY, IESS, question

ASSIGNMENT = "weighing_the_factors"

# The mapping stated in the notebook (question 3).
DIRECTION_VALUE = {"toward": 1, "against": -1, "uncertain": 0, "none": 0}
WEIGHT_VALUE = {"main": 10, "major": 7, "minor": 3, "background": 1}


def _pressures(source_id: str) -> dict[str, int]:
    """Consideration -> direction value x weight value, for one article's readings."""
    readings = load_readings()
    mine = readings[readings["source_id"] == source_id]
    return {
        str(row.consideration_id): DIRECTION_VALUE[str(row.direction)] * WEIGHT_VALUE[str(row.weight)]
        for row in mine.itertuples()
    }


def _net(source_id: str) -> int:
    return sum(_pressures(source_id).values())


def q3_iess_net_pressure() -> Key:
    return Key(value=_net(IESS), cite=("iess-78", "iess-83"))


def q4_commentary_net_pressure() -> Key:
    return Key(value=_net(COMMENTARY), cite=("comm-23", "comm-39"))


def q5_swing_factor() -> Key:
    q = question(ASSIGNMENT, "q5_swing_factor")
    iess, comm = _pressures(IESS), _pressures(COMMENTARY)
    missing = [c for c in q.options if c not in iess or c not in comm]
    if missing:
        raise ValueError(f"options without a reading in both articles: {missing}")
    change = {c: comm[c] - iess[c] for c in q.options}
    ranked = sorted(change, key=lambda c: abs(change[c]), reverse=True)
    if abs(change[ranked[0]]) == abs(change[ranked[1]]):
        raise ValueError(f"tie for the largest change between {ranked[0]} and {ranked[1]}; revise the question")
    value = ranked[0]
    feedback = {
        c: ("Right: " if c == value else "Not the largest: ")
        + f"the IESS analysis's term for {c} is {iess[c]:+d}, the commentary's is {comm[c]:+d}, "
        f"so swapping it changes the net pressure by {change[c]:+d}."
        for c in q.options
    }
    readings = load_readings()
    rows = readings[readings["consideration_id"] == value]
    return Key(value=value, cite=tuple(ids[0] for ids in rows["claim_ids"]), option_feedback=feedback)


def q6_model_vs_article() -> Key:
    net = _net(IESS)
    readings = load_readings()
    intl = readings[(readings["consideration_id"] == "us_west_imf") & (readings["source_id"] == IESS)].iloc[0]
    if net > 0:
        if (str(intl["direction"]), str(intl["weight"])) != ("against", "main"):
            raise ValueError("the IESS reading of us_west_imf is no longer 'against'/'main'; revise option b")
        value = "b"
    else:
        value = "c"
    feedback = {
        "a": f"The IESS analysis expects Pakistan not to rush but to wait for a consensus, although the sum comes out at {net:+d}.",
        "b": "The additive model lets several pulls toward recognition add up past the one consideration the article calls "
        "Pakistan's main concern; in the article that concern sets the timing, whatever the sum.",
        "c": f"Compute it again: with these values the IESS analysis's net pressure is {net:+d}.",
        "d": "readings.csv codes a direction and a weight for every consideration the IESS analysis discusses; that is what the model sums.",
    }
    feedback = {k: ("Right. " if k == value else "Not quite. ") + v for k, v in feedback.items()}
    return Key(value=value, cite=("iess-83", "iess-85", "iess-78"), option_feedback=feedback)


def q7_expected_outcomes() -> Key:
    # Hand-written: no table has an "expected outcome" column; it is a reading of each conclusion.
    return Key(
        value={IESS: "wait_for_consensus", COMMENTARY: "not_recognise"},
        cite=("iess-85", "comm-33", "comm-39"),
    )


def q8_best_supported() -> Key:
    # Hand-written judgement on the two conclusions read together; the feedback gives the reasons.
    return Key(
        value="wait_for_consensus",
        cite=("iess-85", "comm-09", "comm-31", "comm-37"),
        option_feedback={
            "recognise_soon": "Not the best supported: both articles rule out a quick step. The IESS analysis says Pakistan should not rush; "
            "the commentary's officials say Islamabad is in no hurry.",
            "wait_for_consensus": "Best supported: the IESS analysis expects Pakistan to wait for a consensus or for other recognitions; the "
            "commentary's own evidence (Islamabad is in no hurry; Pakistan fears being sidelined if others follow Russia; an eventual "
            "'pragmatic' recognition is left open) fits waiting better than its headline does.",
            "not_recognise": "Defensible as the commentary's lean, but neither article rules recognition out: the IESS analysis expects it "
            "once others move, and the commentary leaves an eventual 'pragmatic' recognition open.",
        },
    )


KEYS = {
    "q3_iess_net_pressure": q3_iess_net_pressure,
    "q4_commentary_net_pressure": q4_commentary_net_pressure,
    "q5_swing_factor": q5_swing_factor,
    "q6_model_vs_article": q6_model_vs_article,
    "q7_expected_outcomes": q7_expected_outcomes,
    "q8_best_supported": q8_best_supported,
}
