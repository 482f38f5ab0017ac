"""The factor model behind the weighing board, in plain Python.

A reader gives each consideration a weight (0–10) and a direction. Its
contribution to the *net pressure* on Pakistan is ``weight × direction value``
(``toward`` = +1, ``against`` = −1, ``uncertain`` and ``none`` = 0); the total
is the sum, and `verdict` turns the total into words. The weighing board's
JavaScript (``considerations/widgets/weighing_board.js``) computes exactly the
same thing in the browser; the tests drive the browser and compare.

Each article's own weights come from ``readings.csv`` through `WEIGHT_VALUE`
(main = 10, major = 7, minor = 3, background = 1, not discussed = 0).

    >>> from considerations.model import article_weights, article_directions, net_pressure, verdict
    >>> table = net_pressure(article_weights("iess-analysis"), article_directions("iess-analysis"))
    >>> verdict(table["contribution"].sum())
    'leans toward recognition'

The module also holds the small, hand-made mappings the widgets need and the
tables do not carry: which actor each consideration belongs to (`ACTORS`,
`CONSIDERATION_ACTOR`) and how the IESS's four periods of Pakistan's policy
treat the Afghan Taliban–TTP link (`POLICY_PERIOD_STANCE`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from considerations.data import load_claims, load_considerations, load_readings, load_timeline
from considerations.sources import load_sources, resolve_source
from considerations.student_data import require

#: How each direction pushes the total: toward recognition (+1), against (−1), neither (0).
DIRECTION_VALUE: dict[str, int] = {"toward": 1, "against": -1, "uncertain": 0, "none": 0}

#: Weight vocabulary of ``readings.csv`` on the 0–10 slider scale; "not discussed" is 0.
WEIGHT_VALUE: dict[str, int] = {"main": 10, "major": 7, "minor": 3, "background": 1, "not discussed": 0}

#: |total| up to this margin counts as balanced.
BALANCE_MARGIN = 2

#: Direction used where an article has no reading of a consideration.
NO_READING_DIRECTION = "none"


def source_labels() -> dict[str, str]:
    """Source id -> short label for badges ("IESS: toward (major)"), from sources.csv, in its order."""
    return {sid: source.label for sid, source in load_sources().items()}


def __getattr__(name: str):
    # `SOURCE_LABELS` was a hard-coded dict; it is now read from sources.csv (use `source_labels()`).
    if name == "SOURCE_LABELS":
        return source_labels()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: The actors (and forces) the actor map draws around Pakistan, in drawing order.
ACTORS: dict[str, str] = {
    "afghan_taliban": "The Afghan Taliban (Kabul)",
    "ttp": "The TTP",
    "russia": "Russia",
    "china": "China",
    "india": "India",
    "us_west_imf": "The US, the West and the IMF",
    "trade": "Trade partners and creditors",
    "refugees": "Afghan refugees and migrants",
}

#: Which actor each consideration is about.
CONSIDERATION_ACTOR: dict[str, str] = {
    "russian_recognition": "russia",
    "russia_axis": "russia",
    "bilateral_thaw": "afghan_taliban",
    "durand_line": "afghan_taliban",
    "brotherhood_2021": "afghan_taliban",
    "counterterrorism_ttp": "ttp",
    "economy": "trade",
    "china": "china",
    "india": "india",
    "us_west_imf": "us_west_imf",
    "refugees": "refugees",
}

#: The IESS's four periods: did Pakistan treat the Afghan Taliban and the TTP as
#: separate issues or as linked? (The module's reading of claims iess-19 … iess-30.)
POLICY_PERIOD_STANCE: dict[int, str] = {1: "separated", 2: "linked", 3: "linked", 4: "separated"}

#: What Pakistan did toward each party in each period (the module's words, for the diagram).
POLICY_PERIOD_ACTIONS: dict[int, dict[str, str]] = {
    1: {"taliban": "backs them", "ttp": "fights it as terrorists"},
    2: {"taliban": "asks them to restrain the TTP", "ttp": "talks, Kabul mediating"},
    3: {"taliban": "political and military pressure", "ttp": "political and military pressure"},
    4: {"taliban": "upgrades relations", "ttp": "a domestic problem"},
}

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


def source_id(source: str) -> str:
    """Canonical source id for a full id or one of the aliases in sources.csv (``"iess"``, ``"commentary"``)."""
    return resolve_source(source)


def consideration_ids() -> list[str]:
    """All consideration ids in teaching order."""
    return list(load_considerations()["consideration_id"])


def _readings_of(source: str) -> pd.DataFrame:
    readings = load_readings()
    mine = readings[readings["source_id"].astype(str) == source_id(source)]
    return mine.set_index(mine["consideration_id"].astype(str))


def article_weights(source_id: str) -> pd.Series:
    """Each consideration's weight (0–10) in one article, indexed by consideration id in teaching order.

    Considerations the article does not discuss get 0."""
    readings = _readings_of(source_id)
    require(readings, "weight", "an article's weights")
    ids = consideration_ids()
    values = [
        float(WEIGHT_VALUE[str(readings.at[cid, "weight"])]) if cid in readings.index else float(WEIGHT_VALUE["not discussed"])
        for cid in ids
    ]
    return pd.Series(values, index=pd.Index(ids, name="consideration_id"), name="weight", dtype=float)


def article_directions(source_id: str) -> pd.Series:
    """Each consideration's direction in one article (``none`` where it has no reading)."""
    readings = _readings_of(source_id)
    require(readings, "direction", "an article's directions")
    ids = consideration_ids()
    values = [str(readings.at[cid, "direction"]) if cid in readings.index else NO_READING_DIRECTION for cid in ids]
    return pd.Series(values, index=pd.Index(ids, name="consideration_id"), name="direction", dtype=object)


def net_pressure(weights: Mapping[str, float], directions: Mapping[str, str]) -> pd.DataFrame:
    """Contribution of each consideration: ``weight × DIRECTION_VALUE[direction]``.

    `weights` and `directions` map consideration ids to a weight (0–10) and a
    direction (``toward``, ``against``, ``uncertain`` or ``none``). Rows follow the
    teaching order for known considerations, then any others in the order given;
    a consideration missing from `directions` counts as ``none``.

    Returns a DataFrame with columns ``consideration_id``, ``weight``,
    ``direction``, ``contribution``; the total net pressure is
    ``frame["contribution"].sum()`` (positive: toward recognition).
    """
    weights = dict(weights)
    directions = dict(directions)
    order = [c for c in consideration_ids() if c in weights]
    order += [c for c in weights if c not in order]
    rows = []
    for cid in order:
        weight = float(weights[cid])
        if not 0 <= weight <= 10:
            raise ValueError(f"weight of {cid!r} is {weight}; weights run from 0 to 10")
        direction = directions.get(cid, NO_READING_DIRECTION)
        if direction not in DIRECTION_VALUE:
            raise ValueError(f"direction of {cid!r} is {direction!r}; use one of {', '.join(DIRECTION_VALUE)}")
        rows.append(
            {
                "consideration_id": cid,
                "weight": weight,
                "direction": direction,
                "contribution": weight * DIRECTION_VALUE[direction] + 0.0,  # + 0.0: no -0.0
            }
        )
    return pd.DataFrame(rows, columns=["consideration_id", "weight", "direction", "contribution"])


def verdict(total: float) -> str:
    """``leans toward recognition``, ``leans against recognition`` or ``balanced`` (|total| ≤ BALANCE_MARGIN)."""
    if total > BALANCE_MARGIN:
        return "leans toward recognition"
    if total < -BALANCE_MARGIN:
        return "leans against recognition"
    return "balanced"


def policy_periods() -> pd.DataFrame:
    """The IESS's four periods of Pakistan's policy on the Taliban–TTP link, one row each.

    The article the periods come from is the timeline's ``policy_period_source``.

    Columns: ``period`` (1–4), ``name`` ("First period"), ``start_date``,
    ``start_basis`` (``date_basis`` of the timeline event that opens it),
    ``end_date`` (next period's start, empty for the current one), ``opening_event``,
    ``stance`` (``separated``/``linked``), ``span`` and ``span_claim_id`` (how the article
    bounds the period), ``policy`` (the module's paraphrases) and ``policy_claims``
    (list of dicts with ``claim_id``, ``claim``, ``quote``).
    """
    timeline = load_timeline()
    period_sources = set(timeline["policy_period_source"].dropna().astype(str))
    if len(period_sources) != 1:
        raise ValueError(f"timeline.csv's policy periods should come from one article, not {sorted(period_sources)}")
    claims = load_claims()
    require(claims, "period", "the policy periods")
    claims = claims[claims["source_id"].astype(str) == period_sources.pop()]
    opening = {int(row.policy_period): row for row in timeline.itertuples() if pd.notna(row.policy_period)}
    rows = []
    for number, stance in POLICY_PERIOD_STANCE.items():
        ordinal = _ORDINALS[number]
        in_period = claims[claims["period"].astype("string").fillna("").str.fullmatch(f"{ordinal} period")]
        in_period = in_period.sort_values("claim_id", key=lambda s: s.str.extract(r"(\d+)$")[0].astype(int))
        if in_period.empty:
            raise ValueError(f"claims.csv has no claim of the policy periods' article with period '{ordinal} period'")
        span, policy = in_period.iloc[0], in_period.iloc[1:]
        event = opening.get(number)
        following = opening.get(number + 1)
        rows.append(
            {
                "period": number,
                "name": f"{ordinal.capitalize()} period",
                "start_date": str(event.date) if event is not None and pd.notna(getattr(event, "date", None)) else "",
                "start_basis": str(event.date_basis) if event is not None else "",
                "end_date": str(following.date) if following is not None and pd.notna(getattr(following, "date", None)) else "",
                "end_basis": str(following.date_basis) if following is not None else "",
                "opening_event": str(event.event) if event is not None else "",
                "stance": stance,
                "span": str(span.claim),
                "span_quote": str(span.quote),
                "span_claim_id": str(span.claim_id),
                "policy": " ".join(str(c) for c in policy["claim"]),
                "policy_claims": [
                    {"claim_id": str(r.claim_id), "claim": str(r.claim), "quote": str(r.quote)} for r in policy.itertuples()
                ],
                "actions": dict(POLICY_PERIOD_ACTIONS[number]),
            }
        )
    return pd.DataFrame(rows)
