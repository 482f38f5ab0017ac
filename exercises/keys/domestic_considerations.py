"""Answer keys for `domestic_considerations`, derived from data/ (instructors only).

Each function returns an `autograder.keys.Key`. The directions come from
readings.csv (per article), the order from timeline.csv; the evidence questions name
the sentences that answer each part (a reading of the text, checked to exist).
Multiple-choice feedback is written by hand and cites its claims.
"""


from autograder.keys import Key, reading_directions_key, sentences
from considerations import load_readings, load_timeline
from considerations.assignments import COMMENTARY, IESS, question

ASSIGNMENT = "domestic_considerations"


def _directions(qid: str, source_id: str) -> Key:
    return reading_directions_key(question(ASSIGNMENT, qid).items, source_id)


def q1_iess_domestic() -> Key:
    return _directions("q1_iess_domestic", IESS)


def q2_commentary_domestic() -> Key:
    return _directions("q2_commentary_domestic", COMMENTARY)


def q3_ttp_timeline() -> Key:
    q = question(ASSIGNMENT, "q3_ttp_timeline")
    timeline = load_timeline()  # sorted by sequence
    order = [e for e in timeline["event_id"] if e in q.items]
    cite = []
    for ids in timeline[timeline["event_id"].isin(q.items)]["claim_ids"]:
        cite += [c for c in ids if c.startswith("iess-") and c not in cite][:1]
    return Key(value=order, cite=tuple(cite))


def q6_border_measures() -> Key:
    # Hand-written: the purpose the IESS gives for the measures is a reading of one passage.
    return Key(
        value="d",
        cite=("iess-40", "iess-44", "iess-38", "comm-18"),
        option_feedback={
            "a": "Not quite: the IESS analysis calls such a trade inconceivable, and says Islamabad has moved away from pressing Afghan governments.",
            "d": "Right: since the Taliban will not accept the line, Pakistan works on it from its own side (FATA, the expulsions, the fence) "
            "to make the line a real border and give the tribal areas' Pashtuns a separate identity.",
            "b": "Not quite: that is the commentary's reading of the expulsions, not the IESS analysis's, which does not tie them to the TTP.",
            "c": "Not quite: the IESS analysis concludes that there is no deep link at present between the border and recognition.",
        },
    )


# Each option of q6 stands for one direction of the IESS reading of the Durand Line.
_DURAND_OPTIONS = {"toward": "c", "against": "d", "uncertain": "a", "none": "b"}


def q7_durand_link() -> Key:
    readings = load_readings()
    row = readings[(readings["consideration_id"] == "durand_line") & (readings["source_id"] == IESS)].iloc[0]
    value = _DURAND_OPTIONS[str(row["direction"])]
    feedback = {
        "c": "The trade is exactly what the article rules out: the Taliban's Pashtun-centred rule makes it inconceivable.",
        "d": "The article does not make recognition wait for the border; it says Pakistan now deals with the line in practice.",
        "a": "The article does reach a view of the link between the border and recognition; reread its conclusion.",
        "b": "Pakistan has turned from pressing Kabul to securing the border itself, so the article sees only a loose link and a limited effect.",
    }
    feedback = {k: ("Right. " if k == value else "Not quite. ") + v for k, v in feedback.items()}
    return Key(value=value, cite=("iess-45", "iess-77", "iess-38"), option_feedback=feedback)


# The passages each evidence question asks for, part by part: a reading of the text, checked to exist.

def q4_period_policies() -> Key:
    helped = sentences(IESS, 23, 24)  # second period: the Taliban's help to restrain the TTP; talks mediated by Kabul
    pressed = sentences(IESS, 26)  # third period: political and military pressure on both
    separated = sentences(IESS, 27, 28)  # fourth period: the Afghan Taliban apart from the TTP, a domestic issue
    return Key(value=(helped, pressed, separated), cite=("iess-23", "iess-26", "iess-27"))


def q5_ttp_balance() -> Key:
    weighs = sentences(IESS, 72)  # the conclusion: Islamabad's foremost concern, "permanent sources of concern"
    # TTP a domestic issue; recognition "regardless of TTP's situation"; the conclusion: resolve the issues
    # internally, an approach that "may create a favorable ground" for recognition
    regardless = sentences(IESS, 28, 30, 75, 76)
    return Key(value=(weighs, regardless), cite=("iess-75", "iess-30"))


def q8_economy_evidence_iess() -> Key:
    direction = sentences(IESS, 74, 49)  # "a strong driver pushing Pakistan toward quicker recognition"
    change = sentences(IESS, 46, 75)  # the Taliban's diversification, falling behind; the turn to a "carrot policy"
    return Key(value=(direction, change), cite=("iess-78", "iess-50"))


def q9_economy_evidence_commentary() -> Key:
    verdict = sentences(COMMENTARY, 24)  # "tantamount to economic suicide"
    heading = sentences(COMMENTARY, 21)  # "IMF, U.S., and Global Pressure: Major Factors Behind the U-turn"
    return Key(value=(verdict, heading), cite=("comm-23", "comm-22"))


KEYS = {
    "q8_economy_evidence_iess": q8_economy_evidence_iess,
    "q9_economy_evidence_commentary": q9_economy_evidence_commentary,
    "q1_iess_domestic": q1_iess_domestic,
    "q2_commentary_domestic": q2_commentary_domestic,
    "q3_ttp_timeline": q3_ttp_timeline,
    "q4_period_policies": q4_period_policies,
    "q5_ttp_balance": q5_ttp_balance,
    "q6_border_measures": q6_border_measures,
    "q7_durand_link": q7_durand_link,
}


# Model answers that the key's value cannot give (computations, quotes, written answers). `autograder assign`
# writes them into the source notebook; answers to the other questions are written from the key itself.
SOLUTIONS = {
    'q4_period_policies': """\
q4_period_policies = [
    "with the aim of seeking the Taliban’s help to restrain and stop this terrorist group",
    "this time with a simultaneous political and military pressure on both",
    "Islamabad has once again shifted its approach toward separating the Afghan Taliban from TTP",
]
""",
    'q5_ttp_balance': """\
q5_ttp_balance = [
    "counterterrorism issues—especially combating TTP—are Islamabad’s foremost concern",
    "the official recognition of the Taliban may not seem far-fetched, regardless of TTP’s situation in Pakistan",
]
""",
    'q10_ttp_puzzle': """\
The IESS analysis holds two things at once. Counterterrorism, above all the TTP, is "Islamabad's foremost concern" at
home (iess-75), and Pakistan keeps calling the terrorist bases in Afghanistan "permanent sources of concern"
(iess-76); the TTP's long ties with the Afghan Taliban make the issue far more complex for Pakistan than ISKP is for
Russia (iess-15, iess-17). But Pakistan's policy has moved through four periods, and in the current one Islamabad
again separates the Afghan Taliban from the TTP, treating the TTP as a domestic problem while relations with Kabul are
raised (iess-27, iess-28). If that holds, recognition "may not seem far-fetched, regardless of TTP's situation"
(iess-30). The concern does not go away: it is moved out of the recognition question. Because the article also says
it is unclear whether better relations will reach recognition (iess-29), and half of its directional claims on the
TTP push each way, the reading is uncertain rather than toward.

The commentary calls the same issue "the real root of the problem" (comm-11): the Taliban shelter TTP fighters, and
Pakistan's own intelligence agencies, unnamed, admit the Taliban do nothing concrete against them (comm-14). It does
not report the 2025 shift, perhaps because it was written earlier in the summer, perhaps because its story of a
collapsing brotherhood has no room for it.

The expulsions are a test. The IESS analysis lists them among the steps that make the Durand Line a real border
(iess-42, iess-44); the commentary calls them retaliation over the TTP (comm-18). If they are retaliation, the TTP
still drives Pakistan's policy toward Kabul, which fits the commentary; if they are border-building, they fit the
IESS picture of problems handled at home. The articles give no independent evidence to settle it.""",
}
