"""Answer keys for `regional_and_international`, derived from data/ (instructors only).

Each function returns an `autograder.keys.Key`. Directions come from
readings.csv (per article), the kinds of disagreement from readings.csv for the
considerations listed in disagreements.csv, the share from claims.csv joined with
considerations.csv. Multiple-choice feedback is written by hand and cites its
claims; where an option stands for a direction, the key picks it from the data.
"""

from autograder.keys import NOT_DISCUSSED, Key, reading_directions_key, reading_labels, sentences
from considerations import load_claims, load_considerations, load_disagreements, load_readings
from considerations.assignments import COMMENTARY, IESS, question

ASSIGNMENT = "regional_and_international"


def _reading(consideration_id: str, source_id: str):
    readings = load_readings()
    rows = readings[(readings["consideration_id"] == consideration_id) & (readings["source_id"] == source_id)]
    return None if rows.empty else rows.iloc[0]


def _directions(qid: str, source_id: str) -> Key:
    return reading_directions_key(question(ASSIGNMENT, qid).items, source_id)


def q1_iess_external() -> Key:
    return _directions("q1_iess_external", IESS)


def q2_commentary_external() -> Key:
    return _directions("q2_commentary_external", COMMENTARY)


def q3_china_restraint() -> Key:
    # Hand-written: why China's restraint matters is the article's argument, not a table cell.
    # The feedback's statement that only the IESS analysis reads China is checked against the data.
    if _reading("china", COMMENTARY) is not None or _reading("china", IESS) is None:
        raise ValueError("readings.csv now has other readings of China; revise q3_china_restraint's options")
    return Key(
        value="c",
        cite=("iess-58", "iess-59", "iess-60"),
        option_feedback={
            "c": "Right: China has even closer relations with the Taliban than Pakistan but has held back from recognition, partly "
            "out of regard for Pakistan's concerns; it presses Pakistan to settle its disputes with Kabul, not to recognise.",
            "a": "Not quite: accepting a Taliban ambassador's credentials is not recognition, and the IESS analysis says Beijing has not recognised.",
            "b": "Not quite: China works hard to settle Pakistan–Taliban disputes and is close to the Taliban.",
            "d": "Not quite: only the IESS analysis discusses China's pull; the commentary mentions China only in the 'China-Pakistan nexus' that Russia balances.",
        },
    )


# The options of q4 that stand for a direction of the IESS reading of India; option d gives
# the commentary's reason, not the IESS analysis's, and is never right.
_INDIA_OPTIONS = {"toward": "b", "against": "a", "none": "c"}


def q4_india_pull() -> Key:
    row = _reading("india", IESS)
    value = _INDIA_OPTIONS[str(row["direction"])]
    feedback = {
        "b": "Continued estrangement could push Afghanistan into India's orbit, the opposite of the 'strategic depth' Pakistan sought.",
        "a": "Reread what the IESS analysis fears India's gains in Kabul would cost Pakistan, and what it concludes Pakistan should do.",
        "c": "India is the IESS analysis's second regional player, with its own paragraph, not a footnote to China.",
        "d": "That India may tilt toward recognition is what 'some experts' say in the commentary; the IESS analysis's reason is the fear of losing Afghanistan to India's orbit.",
    }
    feedback = {k: ("Right. " if k == value else "Not quite. ") + v for k, v in feedback.items()}
    return Key(value=value, cite=("iess-62", "iess-64", "comm-30"), option_feedback=feedback)


def q8_disagreement_kinds() -> Key:
    """Kind of disagreement per consideration, from both articles' readings; where a reading accepts
    alternatives, every kind that some accepted pair of readings gives is accepted."""
    q = question(ASSIGNMENT, "q8_disagreement_kinds")
    listed = set(load_disagreements()["consideration_id"].astype(str))
    if not set(q.items) <= listed:
        raise ValueError(f"items not in disagreements.csv: {sorted(set(q.items) - listed)}")
    value, basis = {}, {}
    for cid in q.items:
        (iess, iess_basis), (comm, comm_basis) = reading_labels(cid, IESS), reading_labels(cid, COMMENTARY)
        kinds = []
        for a in iess:
            for b in comm:
                kind = ("one_article_silent" if NOT_DISCUSSED in (a, b)
                        else "same_direction" if a == b else "different_direction")
                if kind not in kinds:
                    kinds.append(kind)
        if len(kinds) == 3:
            raise ValueError(f"{cid}: the readings allow every kind of disagreement, so no answer is wrong; drop the item")
        value[cid] = kinds[0] if len(kinds) == 1 else tuple(kinds)
        basis[cid] = iess_basis + comm_basis
    readings = load_readings()
    economy = readings[readings["consideration_id"] == "economy"]["claim_ids"]
    return Key(value=value, cite=tuple(ids[0] for ids in economy), basis=basis)


def q5_russia_motive() -> Key:
    # Hand-written: comparing two explanations is a reading. Both rest on unnamed analysts (checked).
    claims = load_claims().set_index("claim_id")
    cite = ("iess-67", "iess-68", "comm-27", "comm-28")
    if any(claims.at[c, "voice"] != "unnamed_analysts" for c in cite):
        raise ValueError("the Russia-motive claims are no longer all unnamed analysts; revise q5_russia_motive")
    return Key(
        value="d",
        cite=cite,
        option_feedback={
            "d": "Right: in the IESS analysis, Russia's step belongs to an alternative, anti-Western axis in which China is Russia's partner; "
            "in the commentary it is practical positioning, including a counterweight to the China–Pakistan nexus.",
            "a": "Not quite: both mention counterterrorism, but both add more than that; reread each article's analysts.",
            "b": "Not quite: reread whom each article's analysts place on Russia's side, and whom Russia is said to balance.",
            "c": "Not quite: the IESS analysis cites 'some analysts', not the Kremlin, and gives the longer explanation of the two.",
        },
    )


def q9_external_share() -> Key:
    claims = load_claims()
    groups = load_considerations()[["consideration_id", "group"]]
    mine = claims[claims["source_id"] == IESS].merge(groups, on="consideration_id")
    external = mine["group"].isin(["regional", "international"])
    return Key(
        value=float(external.sum() / len(mine)),
        cite=("iess-56", "iess-83"),
        tolerance=0.005,  # the question asks for two decimals
    )



# The passages each evidence question asks for, part by part: a reading of the text, checked to exist.

def q6_russia_axis_evidence() -> Key:
    effort = sentences(IESS, 62)  # "a much larger strategic effort to create an alternative axis of states"
    afghanistan = sentences(IESS, 64)  # the bloc integrates the Taliban, removing Afghanistan from Western influence
    return Key(value=(effort, afghanistan), cite=("iess-67", "iess-69"))


def q7_us_constraint_evidence() -> Key:
    cost = sentences(IESS, 68)  # "would likely carry heavy political consequences"
    remedy = sentences(IESS, 69, 78)  # other recognitions or a consensus; waiting for them
    return Key(value=(cost, remedy), cite=("iess-73", "iess-74"))


KEYS = {
    "q6_russia_axis_evidence": q6_russia_axis_evidence,
    "q7_us_constraint_evidence": q7_us_constraint_evidence,
    "q1_iess_external": q1_iess_external,
    "q2_commentary_external": q2_commentary_external,
    "q3_china_restraint": q3_china_restraint,
    "q4_india_pull": q4_india_pull,
    "q5_russia_motive": q5_russia_motive,
    "q8_disagreement_kinds": q8_disagreement_kinds,
    "q9_external_share": q9_external_share,
}


# Model answers that the key's value cannot give (computations, quotes, written answers). `autograder assign`
# writes them into the source notebook; answers to the other questions are written from the key itself.
SOLUTIONS = {
    'q6_russia_axis_evidence': """\
q6_russia_axis_evidence = [
    "a much larger strategic effort to create an alternative axis of states",
    "thereby removing Afghanistan from the political sphere of U.S. and Western influence",
]
""",
    'q7_us_constraint_evidence': """\
q7_us_constraint_evidence = [
    "any move to follow Moscow in recognizing the Taliban—without considering Washington’s stance—would likely carry heavy political consequences for Islamabad",
    "Islamabad will likely wait for an international or regional consensus",
]
""",
    'q9_external_share': """\
claims_table = load_claims()
groups = load_considerations()[["consideration_id", "group"]]
iess_claims = claims_table[claims_table["source_id"] == "iess-analysis"].merge(groups, on="consideration_id")
q9_external_share = round(float(iess_claims["group"].isin(["regional", "international"]).mean()), 2)
""",
    'q10_between_two_orders': """\
Pakistan depends on both orders: on China economically and on US and Western aid (iess-71, iess-72). China is its main
partner and works to settle Pakistan–Taliban disputes; it is even closer to the Taliban, the first state to accept a
Taliban ambassador's credentials, yet it has not recognised them, partly out of regard for Pakistan (iess-58 to
iess-60). So China pulls Pakistan toward engagement without giving it a precedent to follow. India pulls in another
way: Islamabad fears that staying estranged from the Taliban would push Afghanistan into India's orbit and undo the
"strategic depth" it invested in (iess-62, iess-64), which argues for closer ties. Russia's recognition, read by some
analysts as part of an anti-Western axis (iess-67), is an invitation Pakistan cannot take up alone: following Moscow
"without considering Washington's stance" would carry heavy political costs (iess-73). That is why the IESS analysis
expects Islamabad to "wait for an international or regional consensus—or at least recognition of the Taliban by
several other countries" (iess-85).

The commentary agrees on the constraint but states it more starkly: recognition "could isolate Pakistan on the
international stage" and would be "economic suicide" given Pakistan's dependence on the IMF, the US and Europe
(comm-21, comm-23). Its analysts see Russia balancing the China–Pakistan nexus (comm-28) rather than building a bloc
with China, and it barely mentions India. The difference comes from genre and framing: a think tank reasoning about
world order, against a news commentary that dramatises Pakistan's retreat and rests on anonymous officials.""",
}
