"""The book's interactive widgets (anywidget).

Each widget is a Python class whose data come from ``data/`` through the
library's loaders and travel to the browser as traitlets (lists of dicts). All
interaction — sliders, filters, steppers, redraws — happens in the widget's
front-end ES module (``considerations/widgets/<name>.js``), so the widgets work
on the book's static pages without a kernel and, unchanged, in JupyterLab.
The reader's choices are written back to synced traitlets (``weights``,
``filters``, ``period``…) so that, with a live kernel, Python can read them.

Every ES module is self-contained apart from ``_shared.js`` (small DOM/SVG
helpers), which is prepended to it here; ``widgets.css`` styles all of them.
No module imports anything: plain DOM and SVG only.

    from considerations.widgets import WeighingBoard
    WeighingBoard()                       # sliders start at 5, directions at the IESS reading
    WeighingBoard(source="commentary")    # start from the commentary's weights and directions
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

import anywidget
import pandas as pd
import traitlets as t

from considerations import model
from considerations.data import (
    VOICES,
    load_claims,
    load_considerations,
    load_disagreement_positions,
    load_disagreements,
    load_readings,
    load_timeline,
)
from considerations.paths import book_url
from considerations.sources import load_sources
from considerations.student_data import StudentDataError

ASSETS = Path(__file__).resolve().parent / "widgets"

__all__ = [
    "ActorMap",
    "ClaimsExplorer",
    "PolicyPeriodStepper",
    "ReadingsComparison",
    "TimelineExplorer",
    "WeighingBoard",
]


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _esm(name: str) -> str:
    return f"// ---- _shared.js ----\n{_asset('_shared.js')}\n// ---- {name} ----\n{_asset(name)}"


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


def _sources() -> list[dict]:
    return [
        {"id": sid, "label": source.label, "name": source.short_name} for sid, source in load_sources().items()
    ]


def _considerations(ids: Iterable[str] | None = None) -> list[dict]:
    frame = load_considerations()
    known = list(frame["consideration_id"])
    if ids is not None:
        ids = list(ids)
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(f"unknown consideration id(s) {unknown}; known: {known}")
        frame = frame[frame["consideration_id"].isin(ids)]
    return [
        {
            "id": str(r.consideration_id),
            "name": str(r.name),
            "group": str(r.group),
            "question": str(r.question),
            "chapter": str(r.chapter),
        }
        for r in frame.itertuples()
    ]


def claim_href(claim_id: str) -> str:
    """Where a widget links a claim id: its sentence on the book's article page (relative to a
    chapter of the book, or absolute when the book's address is set)."""
    from considerations.book import claim_href as relative_href

    base = book_url()
    href = relative_href(claim_id)
    return f"{base}/{href}" if base else href


def _claim_dict(row, names: dict[str, str]) -> dict:
    source = str(row.source_id)
    return {
        "claim_id": str(row.claim_id),
        "href": claim_href(str(row.claim_id)),
        "source_id": source,
        "source_label": model.SOURCE_LABELS.get(source, source),
        "source_name": load_sources()[source].short_name,
        "consideration_id": str(row.consideration_id),
        "consideration_name": names.get(str(row.consideration_id), str(row.consideration_id)),
        "claim": _text(getattr(row, "claim", None)),  # the module's paraphrase: not in the student copy
        "quote": str(row.quote),
        # The student copy of the data has no direction, voice or period (they are exercises): shown empty.
        "direction": _text(getattr(row, "direction", None)),
        "voice": _text(getattr(row, "voice", None)),
        "period": _text(getattr(row, "period", None)),
    }


def _claims_by_id() -> dict[str, dict]:
    names = {c["id"]: c["name"] for c in _considerations()}
    return {str(r.claim_id): _claim_dict(r, names) for r in load_claims().itertuples()}


def _reading_dicts() -> list[dict]:
    names = {c["id"]: c["name"] for c in _considerations()}
    out = []
    for r in load_readings().itertuples():
        source = str(r.source_id)
        out.append(
            {
                "consideration_id": str(r.consideration_id),
                "consideration_name": names.get(str(r.consideration_id), str(r.consideration_id)),
                "source_id": source,
                "source_label": model.SOURCE_LABELS.get(source, source),
                # The student copy of the data has no readings' coding (it is an exercise): shown empty.
                "direction": _text(getattr(r, "direction", None)),
                "weight": _text(getattr(r, "weight", None)),
                "weight_value": model.WEIGHT_VALUE.get(_text(getattr(r, "weight", None)), 0),
                "reading": _text(getattr(r, "reading", None)),
                "claim_ids": list(getattr(r, "claim_ids", ())),
            }
        )
    return out


class _CourseWidget(anywidget.AnyWidget):
    """Shared plumbing: the stylesheet and the shared helpers."""

    _css = t.Unicode(_asset("widgets.css")).tag(sync=True)
    sources = t.List(t.Dict(), help="the two articles: id, label (IESS/Commentary), name").tag(sync=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("sources", _sources())
        super().__init__(**kwargs)


class WeighingBoard(_CourseWidget):
    """The factor-weighing board.

    One slider (0–10) and one direction select per consideration, a live
    net-pressure bar chart, the total and its verdict, each article's reading as
    badges, and buttons that load each article's weights (and directions).

    ``source``: ``None`` starts every slider at 5 with the IESS directions;
    ``"iess"``/``"iess-analysis"`` or ``"commentary"``/``"brotherhood-commentary"``
    starts from that article's weights and directions.

    ``board.weights`` and ``board.directions`` follow the reader's choices;
    ``board.table()`` is `considerations.model.net_pressure` of them.
    """

    _esm = t.Unicode(_esm("weighing_board.js")).tag(sync=True)
    considerations = t.List(t.Dict()).tag(sync=True)
    readings = t.List(t.Dict()).tag(sync=True)
    presets = t.Dict(help="source id -> {label, weights, directions}").tag(sync=True)
    direction_value = t.Dict().tag(sync=True)
    balance_margin = t.Float(model.BALANCE_MARGIN).tag(sync=True)
    weights = t.Dict(help="consideration id -> weight 0–10 (the reader's)").tag(sync=True)
    directions = t.Dict(help="consideration id -> toward/against/uncertain/none (the reader's)").tag(sync=True)

    def __init__(self, source: str | None = None, **kwargs):
        considerations = _considerations()
        try:
            presets = {
                sid: {
                    "label": model.SOURCE_LABELS[sid],
                    "weights": {k: float(v) for k, v in model.article_weights(sid).items()},
                    "directions": dict(model.article_directions(sid).items()),
                }
                for sid in model.SOURCE_LABELS
            }
        except StudentDataError as error:
            # The student copy has no readings' coding: the board starts neutral, for the reader's own.
            warnings.warn(f"WeighingBoard without the articles' presets: {error}", stacklevel=2)
            presets = {}
            if source is not None:
                raise
        if source is None:
            weights = {c["id"]: 5.0 for c in considerations}
            directions = (dict(next(iter(presets.values()))["directions"]) if presets
                          else {c["id"]: model.NO_READING_DIRECTION for c in considerations})
        else:
            sid = model.source_id(source)
            weights = dict(presets[sid]["weights"])
            directions = dict(presets[sid]["directions"])
        super().__init__(
            considerations=considerations,
            readings=_reading_dicts(),
            presets=presets,
            direction_value=dict(model.DIRECTION_VALUE),
            weights=weights,
            directions=directions,
            **kwargs,
        )

    def load(self, source: str) -> None:
        """Set sliders and directions from one article's readings (as the buttons do)."""
        sid = model.source_id(source)
        if sid not in self.presets:
            model.article_directions(sid)  # raises StudentDataError, which says why
        self.weights = dict(self.presets[sid]["weights"])
        self.directions = dict(self.presets[sid]["directions"])

    def table(self) -> pd.DataFrame:
        """The current contributions, from `considerations.model.net_pressure`."""
        return model.net_pressure(self.weights, self.directions)

    @property
    def total(self) -> float:
        return float(self.table()["contribution"].sum())

    @property
    def verdict(self) -> str:
        return model.verdict(self.total)


class ClaimsExplorer(_CourseWidget):
    """Filterable list of claims: consideration, article, direction, voice and a text search.

    ``consideration_ids`` restricts the explorer to those considerations;
    ``source_id`` preselects an article (the reader can change it).
    ``explorer.filters`` holds the current filters.
    """

    _esm = t.Unicode(_esm("claims_explorer.js")).tag(sync=True)
    claims = t.List(t.Dict()).tag(sync=True)
    considerations = t.List(t.Dict()).tag(sync=True)
    voices = t.List(t.Unicode()).tag(sync=True)
    filters = t.Dict(help="consideration, source, direction, voice, text ('' = all)").tag(sync=True)

    def __init__(self, consideration_ids: Iterable[str] | str | None = None, source_id: str | None = None, **kwargs):
        if isinstance(consideration_ids, str):
            consideration_ids = [consideration_ids]
        considerations = _considerations(consideration_ids)
        wanted = {c["id"] for c in considerations}
        names = {c["id"]: c["name"] for c in considerations}
        claims = [_claim_dict(r, names) for r in load_claims().itertuples() if str(r.consideration_id) in wanted]
        filters = {"consideration": "", "source": "", "direction": "", "voice": "", "text": ""}
        if source_id is not None:
            filters["source"] = model.source_id(source_id)
        if len(considerations) == 1:
            filters["consideration"] = considerations[0]["id"]
        super().__init__(claims=claims, considerations=considerations, voices=list(VOICES), filters=filters, **kwargs)

    def matching(self) -> pd.DataFrame:
        """The claims the current filters select, as a DataFrame (the same rule as the browser)."""
        f = self.filters
        rows = []
        for c in self.claims:
            if f.get("consideration") and c["consideration_id"] != f["consideration"]:
                continue
            if f.get("source") and c["source_id"] != f["source"]:
                continue
            if f.get("direction"):
                want = "" if f["direction"] == "context" else f["direction"]
                if c["direction"] != want:
                    continue
            if f.get("voice") and c["voice"] != f["voice"]:
                continue
            text = (f.get("text") or "").strip().casefold()
            if text and text not in " ".join([c["claim"], c["quote"], c["claim_id"]]).casefold():
                continue
            rows.append(c)
        return pd.DataFrame(rows, columns=list(self.claims[0]) if self.claims else None)


class TimelineExplorer(_CourseWidget):
    """The timeline on an SVG axis; select an event (click, Enter or Space) to see its details and quotes."""

    _esm = t.Unicode(_esm("timeline_explorer.js")).tag(sync=True)
    events = t.List(t.Dict()).tag(sync=True)
    selected = t.Unicode("").tag(sync=True)
    only_policy_periods = t.Bool(False).tag(sync=True)

    def __init__(self, **kwargs):
        claims = _claims_by_id()
        events = []
        for r in load_timeline().itertuples():
            events.append(
                {
                    "event_id": str(r.event_id),
                    # The student copy has neither sequence nor date (ordering events is an exercise).
                    "sequence": int(r.sequence) if pd.notna(getattr(r, "sequence", None)) else None,
                    "event": str(r.event),
                    "when_in_article": _text(r.when_in_article),
                    "date": _text(getattr(r, "date", None)),
                    "date_basis": str(r.date_basis),
                    "policy_period": int(r.policy_period) if pd.notna(r.policy_period) else None,
                    "claims": [claims[c] for c in r.claim_ids if c in claims],
                }
            )
        kwargs.setdefault("selected", events[0]["event_id"] if events else "")
        super().__init__(events=events, **kwargs)


class PolicyPeriodStepper(_CourseWidget):
    """Steps through the IESS's four periods of Pakistan's policy on the Afghan Taliban–TTP link."""

    _esm = t.Unicode(_esm("policy_period_stepper.js")).tag(sync=True)
    periods = t.List(t.Dict()).tag(sync=True)
    period = t.Int(1, help="the period shown, 1–4").tag(sync=True)

    def __init__(self, period: int = 1, **kwargs):
        try:
            periods = model.policy_periods().to_dict(orient="records")
        except StudentDataError as error:
            warnings.warn(f"PolicyPeriodStepper has nothing to show: {error}", stacklevel=2)
            periods = []
        for p in periods:
            p["period"] = int(p["period"])
            p["span_href"] = claim_href(str(p["span_claim_id"]))
            for c in p["policy_claims"]:
                c["href"] = claim_href(str(c["claim_id"]))
        super().__init__(periods=periods, period=period, **kwargs)

    @t.validate("period")
    def _valid_period(self, proposal):
        value = int(proposal["value"])
        if not 1 <= value <= max(len(self.periods), 1):
            raise t.TraitError(f"period must be between 1 and {len(self.periods)}")
        return value


def actor_pulls() -> pd.DataFrame:
    """For each actor and article: which way the article's readings of that actor's considerations pull.

    ``net`` = Σ weight × direction value over the actor's considerations; ``direction``
    is ``toward``/``against`` by its sign, else ``uncertain`` if any reading is
    uncertain, else ``none``; ``strength`` = Σ weights. No row where an article says
    nothing about the actor.
    """
    readings = _reading_dicts()
    rows = []
    for actor in model.ACTORS:
        cids = [c for c, a in model.CONSIDERATION_ACTOR.items() if a == actor]
        for sid in model.SOURCE_LABELS:
            mine = [r for r in readings if r["source_id"] == sid and r["consideration_id"] in cids]
            if not mine:
                continue
            net = sum(r["weight_value"] * model.DIRECTION_VALUE.get(r["direction"], 0) for r in mine)
            if net > 0:
                direction = "toward"
            elif net < 0:
                direction = "against"
            elif any(r["direction"] == "uncertain" for r in mine):
                direction = "uncertain"
            else:
                direction = "none"
            rows.append(
                {
                    "actor": actor,
                    "source_id": sid,
                    "net": float(net),
                    "strength": float(sum(r["weight_value"] for r in mine)),
                    "direction": direction,
                }
            )
    return pd.DataFrame(rows, columns=["actor", "source_id", "net", "strength", "direction"])


class ActorMap(_CourseWidget):
    """Actors drawn around Pakistan, arrows coloured by which way each pulls Pakistan per article.

    ``source_id``: ``None`` shows both articles; ``"iess"`` or ``"commentary"`` starts on one.
    Select an actor to see the readings and the supporting claims.
    """

    _esm = t.Unicode(_esm("actor_map.js")).tag(sync=True)
    actors = t.List(t.Dict()).tag(sync=True)
    view = t.Unicode("both", help="iess-analysis, brotherhood-commentary or both").tag(sync=True)
    selected = t.Unicode("").tag(sync=True)

    def __init__(self, source_id: str | None = None, **kwargs):
        claims = _claims_by_id()
        readings = _reading_dicts()
        pulls = actor_pulls()
        considerations = {c["id"]: c for c in _considerations()}
        actors = []
        for actor, label in model.ACTORS.items():
            cids = [c for c in considerations if model.CONSIDERATION_ACTOR.get(c) == actor]
            mine = [r for r in readings if r["consideration_id"] in cids]
            claim_ids = [cid for r in mine for cid in r["claim_ids"]]
            actors.append(
                {
                    "id": actor,
                    "label": label,
                    "considerations": [{"id": c, "name": considerations[c]["name"]} for c in cids],
                    "readings": mine,
                    "pulls": pulls[pulls["actor"] == actor].drop(columns="actor").to_dict(orient="records"),
                    "claims": [claims[c] for c in dict.fromkeys(claim_ids) if c in claims],
                }
            )
        view = "both" if source_id in (None, "both") else model.source_id(source_id)
        super().__init__(actors=actors, view=view, **kwargs)


class ReadingsComparison(_CourseWidget):
    """Side-by-side cards: each article's reading of each consideration, disagreements highlighted."""

    _esm = t.Unicode(_esm("readings_comparison.js")).tag(sync=True)
    cards = t.List(t.Dict()).tag(sync=True)
    claim_hrefs = t.Dict(help="claim id -> link to its sentence on the book's article page").tag(sync=True)
    only_disagreements = t.Bool(False).tag(sync=True)

    def __init__(self, consideration_ids: Iterable[str] | str | None = None, **kwargs):
        if isinstance(consideration_ids, str):
            consideration_ids = [consideration_ids]
        readings = _reading_dicts()
        labels = model.source_labels()
        positions = load_disagreement_positions()
        disagreements: dict[str, list[dict]] = {}
        for r in load_disagreements().itertuples():
            mine = positions[positions["disagreement_id"].astype(str) == str(r.disagreement_id)]
            disagreements.setdefault(str(r.consideration_id), []).append(
                {
                    "topic": str(r.topic),
                    "positions": [
                        {"source_id": str(p.source_id), "label": labels[str(p.source_id)], "says": str(p.says)}
                        for p in mine.itertuples()
                    ],
                    "why": str(r.why),
                    "claim_ids": list(r.claim_ids),
                }
            )
        cards = []
        for c in _considerations(consideration_ids):
            by_source = {r["source_id"]: r for r in readings if r["consideration_id"] == c["id"]}
            d = disagreements.get(c["id"])
            cards.append(
                {
                    **c,
                    "readings": [
                        by_source.get(sid)
                        or {
                            "source_id": sid,
                            "source_label": label,
                            "direction": "",
                            "weight": "not discussed",
                            "weight_value": 0,
                            "reading": "",
                            "claim_ids": [],
                        }
                        for sid, label in labels.items()
                    ],
                    "disagreement": d or None,  # list of {topic, positions, why, claim_ids}
                }
            )
        cited = {cid for card in cards for r in card["readings"] for cid in r["claim_ids"]}
        cited |= {cid for card in cards for d in card["disagreement"] or [] for cid in d["claim_ids"]}
        kwargs.setdefault("claim_hrefs", {cid: claim_href(cid) for cid in sorted(cited)})
        super().__init__(cards=cards, **kwargs)
