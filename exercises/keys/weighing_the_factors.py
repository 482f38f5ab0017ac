"""Answer keys for `weighing_the_factors`, derived from data/ (instructors only).

Each function returns an `autograder.keys.Key`. The net pressures and the swing
factor are computed from readings.csv with the value mappings the notebook gives
the students (read from the outline's `model_values` cell; they differ from the
book's factor model, so the book's totals are not the answers). The expected outcomes are a reading of the
articles' conclusions, written by hand with the claims they rest on.
"""

from pathlib import Path

from autograder.keys import Key, sentences
from considerations import load_readings
from considerations.assignments import COMMENTARY, IESS, question
from considerations.questions import sentences_of_claims

ASSIGNMENT = "weighing_the_factors"



def _model_values() -> tuple[dict, dict]:
    """The value mappings exactly as the notebook defines them (its `model_values` cell, in the outline)."""
    outline = (Path(__file__).resolve().parent.parent / "outlines" / f"{ASSIGNMENT}.md").read_text(encoding="utf-8")
    code = outline.split("<!-- code: model_values -->", 1)[1].split("<!--", 1)[0]
    values: dict = {}
    exec(code, values)  # two dict literals written by the instructor
    return values["DIRECTION_VALUE"], values["WEIGHT_VALUE"]


DIRECTION_VALUE, WEIGHT_VALUE = _model_values()


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
            raise ValueError("the IESS reading of us_west_imf is no longer 'against'/'main'; revise option a")
        value = "a"
    else:
        value = "c"
    feedback = {
        "b": "Reread the IESS analysis's conclusion: does it expect Pakistan to recognise soon?",
        "a": "The additive model lets several pulls toward recognition add up past the one consideration the article calls "
        "Pakistan's main concern; in the article that concern sets the timing, whatever the sum.",
        "c": "Compute the IESS analysis's net pressure again with the values of question 3.",
        "d": "readings.csv codes a direction and a weight for every consideration the IESS analysis discusses; that is what the model sums.",
    }
    feedback = {k: ("Right. " if k == value else "Not quite. ") + v for k, v in feedback.items()}
    return Key(value=value, cite=("iess-83", "iess-85", "iess-78"), option_feedback=feedback)


def q7_expected_outcomes() -> Key:
    # Hand-written: no table has an "expected outcome" column; it is a reading of each conclusion.
    return Key(
        value={IESS: "wait_for_consensus", COMMENTARY: "not_recognise"},
        cite=("iess-85", "comm-33", "comm-39"),
        basis={IESS: tuple(sentences_of_claims(["iess-84", "iess-85"])),
               COMMENTARY: tuple(sentences_of_claims(["comm-32", "comm-33", "comm-41"]))},
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
            "not_recognise": "Weak as a reading of both articles together: it is at most the commentary's lean, and neither article rules "
            "recognition out; the IESS analysis expects it once others move, and the commentary leaves an eventual 'pragmatic' "
            "recognition open.",
        },
    )



# The passages the evidence question asks for, part by part: a reading of the text, checked to exist.

def q9_outcome_evidence() -> Key:
    washington = sentences(IESS, 68)  # following Moscow without Washington's stance
    isolation = sentences(COMMENTARY, 22, 39)  # isolation on the international stage
    lenders = sentences(COMMENTARY, 23, 25)  # dependence on the IMF, the US and Europe (review E2)
    return Key(value=(washington, isolation, lenders), cite=("iess-73", "comm-21", "comm-22"))


KEYS = {
    "q9_outcome_evidence": q9_outcome_evidence,
    "q3_iess_net_pressure": q3_iess_net_pressure,
    "q4_commentary_net_pressure": q4_commentary_net_pressure,
    "q5_swing_factor": q5_swing_factor,
    "q6_model_vs_article": q6_model_vs_article,
    "q7_expected_outcomes": q7_expected_outcomes,
    "q8_best_supported": q8_best_supported,
}


# Model answers that the key's value cannot give (computations, quotes, written answers). `autograder assign`
# writes them into the source notebook; answers to the other questions are written from the key itself.
SOLUTIONS = {
    'q1_weights': """\
q1_weights = {
    "russian_recognition": 4,
    "bilateral_thaw": 5,
    "counterterrorism_ttp": 8,
    "durand_line": 2,
    "economy": 7,
    "china": 6,
    "india": 5,
    "russia_axis": 2,
    "us_west_imf": 9,
    "refugees": 5,
    "brotherhood_2021": 3,
}
""",
    'q2_weights_justified': """\
My heaviest weights are the US/West/IMF constraint (9) and counterterrorism and the TTP (8). The first is the one
consideration both articles read the same way: the IESS analysis calls international considerations Pakistan's "main
concern" (iess-83), and the commentary warns that recognition "could isolate Pakistan on the international stage"
(comm-21). The TTP weighs heavily because both articles put it first at home (iess-75, comm-11), even though they
disagree on which way it pushes.

My lightest are the Durand Line (2) and Russia's alternative axis (2). The IESS analysis itself gives the Durand Line
only "some, albeit limited, impact" (iess-77), and the axis is a frame some analysts put on Russia's move (iess-67),
not something Pakistan must act on.

I weigh the economy (7) like both articles ("major"), but I give the refugees more (5) than the IESS analysis's
"background", because the commentary shows the expulsions deepening the rift and drawing the UN's condemnation
(comm-19). These numbers say how much each consideration matters, not which way it pushes: the economy weighs 7
whether, with the IESS analysis, it pushes toward recognition or, with the commentary, against it.""",
    'q3_iess_net_pressure': """\
readings = module_coding
pressure = readings["direction"].map(DIRECTION_VALUE) * readings["weight"].map(WEIGHT_VALUE)
q3_iess_net_pressure = int(pressure[readings["source_id"] == "iess-analysis"].sum())
""",
    'q4_commentary_net_pressure': """\
readings = module_coding
pressure = readings["direction"].map(DIRECTION_VALUE) * readings["weight"].map(WEIGHT_VALUE)
q4_commentary_net_pressure = int(pressure[readings["source_id"] == "brotherhood-commentary"].sum())
""",
    'q5_swing_factor': """\
readings = module_coding.copy()
readings["pressure"] = readings["direction"].map(DIRECTION_VALUE) * readings["weight"].map(WEIGHT_VALUE)
table = readings.pivot(index="consideration_id", columns="source_id", values="pressure").dropna()
change = (table["brotherhood-commentary"] - table["iess-analysis"]).abs()
q5_swing_factor = str(change.idxmax())
""",
    'q10_recommendation': """\
My recommendation is that Pakistan should not recognise the Taliban government now, and my prediction is that it
will wait: for a regional or international consensus, or for several other states to follow Russia first.

The strongest case for recognising soon is the IESS analysis's own. Relations improved in 2025, with both ministers in
Kabul and security and economic agreements signed (iess-08, iess-10); Islamabad now treats the TTP as a domestic
problem (iess-27); and trade with China and Central Asia makes staying out costly, so economic factors could be "a
strong driver" toward quicker recognition (iess-55, iess-78). With the book's values these readings add up to a
positive net pressure of +7. But the same article says Pakistan's main concern lies elsewhere, in its international
balance: following Moscow without regard for Washington would bring heavy political costs (iess-73, iess-83), so
Pakistan "should not rush" (iess-84). The commentary points the same way in harsher words: recognition "could
isolate Pakistan on the international stage" (comm-21), and anonymous officials say nothing will be decided until the
Taliban protect Pakistan's interests (comm-33).

The additive model hides this. It lets three pulls toward recognition outweigh one constraint, but the international
constraint works like a condition: until it eases, the sum does not decide anything. Swapping a single reading, the
economy, moves the IESS total by 14 points, which shows how fragile such a sum is.

The sources matter too. The IESS analysis is a signed think-tank piece of September 2025 that names the Foreign Office
spokesperson; the commentary is unsigned and undated, rests on anonymous officials and frames caution as collapse
("economic suicide", the "brotherhood"). I rely on the analysis for Pakistan's position, and on the commentary for the
rift that makes a quick step unlikely, above all the TTP and the expulsions of Afghan refugees (comm-11, comm-18).
If several states in the region follow Russia, I would expect Pakistan to follow them rather than lead.""",
}
