"""Answer keys for `reading_the_sources`, derived from data/ (instructors only).

Each function returns an `autograder.keys.Key`. Values come from the course
tables through the `considerations` loaders; only the multiple-choice feedback is
written by hand (and cites the claims it rests on). Evidence and free-text
questions have no key: evidence is checked against the article text, free text
is graded by hand.
"""

from autograder.keys import NOT_DISCUSSED, Key, reading_labels, sentences
from considerations import load_claims, load_readings, load_timeline
from considerations.assignments import COMMENTARY, IESS, question
from considerations.questions import sentences_of_claims

ASSIGNMENT = "reading_the_sources"


def _claims():
    return load_claims().set_index("claim_id")


def q1_coverage() -> Key:
    """Which article discusses each item: from readings.csv, accepting every combination its readings
    allow (an article whose reading also accepts `not_discussed` may be left out)."""
    q = question(ASSIGNMENT, "q1_coverage")
    value, basis, cite = {}, {}, []
    for cid in q.items:
        says = {}
        for sid in (IESS, COMMENTARY):
            labels, sentences = reading_labels(cid, sid)
            says[sid] = [d for d, ok in ((True, labels[0] != NOT_DISCUSSED), (False, NOT_DISCUSSED in labels)) if ok]
            basis[cid] = basis.get(cid, ()) + sentences
        accepted = []
        for iess in says[IESS]:
            for comm in says[COMMENTARY]:
                label = "both" if iess and comm else IESS if iess else COMMENTARY if comm else None
                if label and label not in accepted:
                    accepted.append(label)
        if not accepted:
            raise ValueError(f"no article reads {cid!r} in readings.csv; change the question's items")
        value[cid] = accepted[0] if len(accepted) == 1 else tuple(accepted)
        readings = load_readings()
        cite += [ids[0] for ids in readings[readings["consideration_id"] == cid]["claim_ids"]][:1]
    return Key(value=value, cite=tuple(cite), basis=basis)


def q2_voice() -> Key:
    q = question(ASSIGNMENT, "q2_voice")
    claims = _claims()
    # Feedback on a wrong voice points to the passage itself and the sentence before it, where a speaker is
    # often named.
    basis = {}
    for cid in q.items:
        own = sentences_of_claims([cid])
        number = int(own[0].rsplit("-s", 1)[1])
        before = [f"{own[0].rsplit('-s', 1)[0]}-s{number - 1:03d}"] if number > 1 else []
        basis[cid] = tuple(before + own)
    return Key(value={cid: str(claims.at[cid, "voice"]) for cid in q.items}, cite=tuple(q.items[:4]), basis=basis)


# The voices a reader cannot identify (q3 counts them among q2's passages).
UNIDENTIFIED = ("anonymous_official", "unnamed_analysts")


def q3_anonymous_count() -> Key:
    """A count the student makes from their own reading (question 2's voices), not from a shipped column."""
    voices = q2_voice().value
    chosen = [cid for cid, voice in voices.items() if voice in UNIDENTIFIED]
    return Key(value=len(chosen), cite=tuple(chosen[:3]), tolerance=0)


def q4_official_line() -> Key:
    claims = load_claims()
    named = claims[claims["voice"] == "named_official"]
    anonymous = claims[claims["voice"] == "anonymous_official"]
    named_in = {str(s) for s in named["source_id"]}
    anonymous_in = {str(s) for s in anonymous["source_id"]}
    # Each option stands for one pattern of sourcing in claims.csv.
    if named_in == {IESS, COMMENTARY}:
        value = "d"
    elif named_in == {IESS} and COMMENTARY in anonymous_in:
        value = "c"
    elif named_in == {COMMENTARY} and IESS in anonymous_in:
        value = "b"
    elif not named_in:
        value = "a"
    else:
        raise ValueError(f"the sourcing in claims.csv fits no option (named: {named_in}, anonymous: {anonymous_in})")
    # Feedback on a weak option says why it is weak, never which option is right.
    feedback = {
        "a": "Both articles attribute Pakistan's position to someone, named or not: look for 'spokesperson', "
        "'sources' and 'officials'.",
        "b": "Look again at who the commentary's official voices are: does it ever give one of them a name?",
        "c": "The IESS analysis quotes the Foreign Office spokesperson, Shafqat Ali Khan; the commentary's "
        "'sources in Pakistan's foreign ministry' and 'officials' are never named, so its official voices "
        "cannot be checked against a person.",
        "d": "Only one of the two articles names the official whose words it reports.",
    }
    feedback = {k: ("Right. " if k == value else "Not quite. ") + v for k, v in feedback.items()}
    cite = tuple(named["claim_id"][:1]) + tuple(anonymous["claim_id"][:1])
    return Key(value=value, cite=cite, option_feedback=feedback)


def q5_loaded_language() -> Key:
    # Hand-written: what a phrase *does* is a reading, not a fact in the tables. The
    # feedback's statements about who speaks are checked against the data.
    claims = _claims()
    for cid in ("comm-22", "comm-23"):
        if claims.at[cid, "voice"] != "author":
            raise ValueError(f"{cid} is no longer the author's voice; revise q5_loaded_language's feedback")
    if claims.at["comm-25", "voice"] != "anonymous_official":
        raise ValueError("comm-25 is no longer an anonymous official; revise q5_loaded_language's feedback")
    return Key(
        value="a",
        cite=("comm-22", "comm-23", "comm-25"),
        option_feedback={
            "b": "Not quite: the commentary gives no figures and cites no IMF assessment; 'in the ICU' is the author's own metaphor.",
            "a": "Right: 'in the ICU' and 'economic suicide' are the author's metaphors of illness and death. "
            "They turn a dependence on lenders into a verdict that recognition would be fatal, with no figures behind it.",
            "c": "Not quite: both phrases are the author's. The officials' words come later and are milder: "
            "economic security matters more to them than supporting the Taliban.",
            "d": "Not quite: that is close to the IESS analysis's reading of the economy. The commentary says the opposite.",
        },
    )


def q7_timeline() -> Key:
    q = question(ASSIGNMENT, "q7_timeline")
    timeline = load_timeline()  # sorted by sequence
    order = [e for e in timeline["event_id"] if e in q.items]
    cite = []
    for ids in timeline[timeline["event_id"].isin(q.items)]["claim_ids"]:
        cite += [c for c in ids if c not in cite][:1]
    return Key(value=order, cite=tuple(cite[:4]))



# The passages each evidence question asks for, part by part: a reading of the text, checked to exist.

def q6_brotherhood_evidence() -> Key:
    then = sentences(COMMENTARY, 1, 2, 3, 6, 10)  # the celebration and the "brothers" of 2021
    now = sentences(COMMENTARY, 4, 6, 10, 30, 34, 35, 37, 41, 42)  # silence, distance, collapse
    return Key(value=(then, now), cite=("comm-01", "comm-03", "comm-39"))


def q8_caution_evidence() -> Key:
    official = sentences(IESS, 5, 8, 79)  # what the spokesperson said, what Pakistan announced
    interpreted = sentences(IESS, 4, 6)  # the author's "reacted cautiously", "carried the implication"
    return Key(value=(official, interpreted), cite=("iess-04", "iess-06", "iess-03"))


KEYS = {
    "q6_brotherhood_evidence": q6_brotherhood_evidence,
    "q8_caution_evidence": q8_caution_evidence,
    "q1_coverage": q1_coverage,
    "q2_voice": q2_voice,
    "q3_anonymous_count": q3_anonymous_count,
    "q4_official_line": q4_official_line,
    "q5_loaded_language": q5_loaded_language,
    "q7_timeline": q7_timeline,
}


# Model answers that the key's value cannot give (computations, quotes, written answers). `autograder assign`
# writes them into the source notebook; answers to the other questions are written from the key itself.
SOLUTIONS = {
    'q3_anonymous_count': """\
voices = pd.Series(q2_voice)
q3_anonymous_count = int(voices.isin(["anonymous_official", "unnamed_analysts"]).sum())
""",
    'q6_brotherhood_evidence': """\
q6_brotherhood_evidence = [
    "Several hardline leaders in Pakistan began calling the Taliban their “brothers,”",
    "Pakistan’s “brotherhood” with the Taliban is on the verge of collapse",
]
""",
    'q8_caution_evidence': """\
q8_caution_evidence = [
    "has reacted cautiously to this development",
    "Pakistan has announced that the issue of officially recognizing the Taliban government is under review and assessment",
]
""",
    'q9_which_witness': """\
For Pakistan's official position the IESS analysis is the better witness. It names its source: Shafqat Ali Khan, the
Foreign Office spokesperson, who called Russia's recognition a matter between two independent states (iess-04), and
it reports that recognition is "under review and assessment" (iess-06). A named spokesperson's words can be checked
against the Foreign Office's own record. The analysis is signed, dated 9 September 2025 and published by a think tank
(an Iranian institute, which has a perspective of its own), and it keeps what Pakistan said apart from the author's
interpretation.

The commentary is unsigned and undated. Its official voices are "sources in Pakistan's foreign ministry", "officials"
and "intelligence agencies" (comm-09, comm-33, comm-14), none named: five of its claims rest on anonymous officials.
Its framing does work that its evidence does not: the headline says Islamabad "backtracks", the economy is "in the
ICU" and recognition would be "economic suicide" (comm-22, comm-23), and the "brotherhood" frame turns caution into a
story of betrayal and collapse.

Still, the commentary adds what the analysis leaves out: the human cost of the expulsions, condemned by rights groups
and the UN (comm-19), and the TTP grievance as Pakistan's officials voice it. I would take Pakistan's position from
the IESS analysis, and read the commentary as a record of the mood and of what the analysis's strategic frame hides.""",
}
