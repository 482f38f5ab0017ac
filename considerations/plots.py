"""Static matplotlib charts for the chapters, with their text alternatives.

Each function returns an `AccessibleFigure`: in the book (and in JupyterLab) it
displays as ``<figure><img alt="…"><figcaption>…</figcaption></figure>``, so the
chart carries its alt text and a caption that says what it shows. The
matplotlib figure itself is ``.figure`` if you want to change it.

    from considerations.plots import plot_claims_by_direction, plot_readings_matrix
    plot_claims_by_direction("economy")
    plot_readings_matrix()

Colours match the widgets (toward blue, against red, uncertain purple,
neither grey), and every bar or cell is also labelled in text.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib.patches
from matplotlib.figure import Figure

from considerations import model
from considerations.data import load_claims, load_considerations, load_readings

COLOURS = {
    "toward": "#1f5fbf",
    "against": "#c0392b",
    "uncertain": "#7b52ab",
    "none": "#7d838c",
    "context": "#7d838c",
    "not discussed": "#ffffff",
}
LIGHT = {"toward": "#e8f0fe", "against": "#fdecea", "uncertain": "#f1eafa", "none": "#eceff1", "not discussed": "#ffffff"}
TEXT = {"toward": "#174ea6", "against": "#a8231b", "uncertain": "#5e3591", "none": "#3c4043", "not discussed": "#3c4043"}
DIRECTION_LABEL = {"toward": "toward", "against": "against", "uncertain": "uncertain", "none": "not linked", "": "context"}


@dataclass
class AccessibleFigure:
    """A matplotlib figure with alt text and a caption; displays as an HTML <figure>."""

    figure: Figure
    alt: str
    caption: str

    def png(self, dpi: int = 110) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
        return buffer.getvalue()

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png()).decode("ascii")
        return (
            '<figure class="cw-plot" style="margin:0.5rem 0 1rem">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}" '
            'style="max-width:100%;height:auto">'
            # No colour here: the book's stylesheet gives the caption the theme's muted text colour,
            # readable in light and dark mode (a fixed dark grey vanished on the dark background).
            f'<figcaption style="font-size:0.9em">{html.escape(self.caption)}</figcaption>'
            "</figure>"
        )

    def _repr_png_(self) -> bytes:
        return self.png()

    def __repr__(self) -> str:
        return f"<AccessibleFigure: {self.caption}>"


def _subplots(figsize: tuple[float, float]):
    # A pyplot-free Figure: nothing global changes and nothing is shown twice
    # (the only display is AccessibleFigure's, which carries the alt text).
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def _finish(fig: Figure, alt: str, caption: str) -> AccessibleFigure:
    return AccessibleFigure(fig, alt, caption)


def claims_by_direction(consideration_id: str | None = None):
    """Counts of claims per article and direction (``""`` = context), as a DataFrame."""
    claims = load_claims()
    if consideration_id is not None:
        known = set(load_considerations()["consideration_id"])
        if consideration_id not in known:
            raise ValueError(f"unknown consideration {consideration_id!r}; known: {sorted(known)}")
        claims = claims[claims["consideration_id"].astype(str) == consideration_id]
    claims = claims.assign(
        direction=claims["direction"].astype("string").fillna(""), source_id=claims["source_id"].astype(str)
    )
    table = (
        claims.groupby(["source_id", "direction"]).size().unstack(fill_value=0)
        .reindex(index=list(model.SOURCE_LABELS), columns=["toward", "against", "uncertain", ""], fill_value=0)
    )
    return table


def plot_claims_by_direction(consideration_id: str | None = None) -> AccessibleFigure:
    """Bar chart: how many claims of each article push toward, against, are uncertain, or are context.

    ``consideration_id=None`` counts all claims."""
    table = claims_by_direction(consideration_id)
    names = dict(zip(load_considerations()["consideration_id"], load_considerations()["name"]))
    topic = names[consideration_id] if consideration_id else "all considerations"
    directions = list(table.columns)
    fig, ax = _subplots((7, 2.8))
    height = 0.38
    for i, source in enumerate(table.index):
        counts = [int(table.loc[source, d]) for d in directions]
        ys = [j + (i - 0.5) * height for j in range(len(directions))]
        bars = ax.barh(
            ys,
            counts,
            height=height * 0.95,
            color=[COLOURS[d or "context"] for d in directions],
            hatch="" if i == 0 else "//",
            edgecolor="white" if i == 0 else "#1a1a1a",
            label=model.SOURCE_LABELS[source],
        )
        for bar, count in zip(bars, counts):
            ax.text(bar.get_width() + 0.15, bar.get_y() + bar.get_height() / 2,
                    f"{model.SOURCE_LABELS[source]} {count}", va="center", fontsize=8.5, color="#1a1a1a")
    ax.set_yticks(range(len(directions)), [DIRECTION_LABEL[d] for d in directions])
    ax.invert_yaxis()
    ax.set_xlabel("number of claims")
    ax.set_title(f"Claims per direction: {topic}", fontsize=11, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max(1, int(table.values.max())) * 1.35)
    handles = [
        matplotlib.patches.Patch(facecolor="#7d838c", edgecolor="white", label=model.SOURCE_LABELS[table.index[0]]),
        matplotlib.patches.Patch(facecolor="#7d838c", edgecolor="#1a1a1a", hatch="//", label=model.SOURCE_LABELS[table.index[1]]),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=8.5, frameon=False)
    parts = [
        f"{model.SOURCE_LABELS[s]}: "
        + ", ".join(f"{int(table.loc[s, d])} {DIRECTION_LABEL[d]}" for d in directions)
        for s in table.index
    ]
    alt = f"Bar chart of the claims about {topic}, per direction and article. " + "; ".join(parts) + "."
    caption = (
        f"Claims about {topic} by direction (IESS plain bars, Commentary hatched). "
        "'context' claims report facts that push neither way. " + "; ".join(parts) + "."
    )
    return _finish(fig, alt, caption)


def readings_matrix():
    """Consideration × article table of ``direction (weight)``, ``not discussed`` where absent."""
    import pandas as pd

    considerations = load_considerations()
    readings = load_readings()
    cells = {(str(r.consideration_id), str(r.source_id)): (str(r.direction), str(r.weight)) for r in readings.itertuples()}
    rows = []
    for c in considerations.itertuples():
        row = {"consideration_id": str(c.consideration_id), "name": str(c.name)}
        for sid, label in model.SOURCE_LABELS.items():
            direction, weight = cells.get((str(c.consideration_id), sid), ("not discussed", "not discussed"))
            row[f"{label} direction"] = direction
            row[f"{label} weight"] = weight
        rows.append(row)
    return pd.DataFrame(rows)


def plot_readings_matrix() -> AccessibleFigure:
    """Grid: for each consideration (rows) and article (columns), the direction and weight of its reading."""
    matrix = readings_matrix()
    labels = list(model.SOURCE_LABELS.values())
    n = len(matrix)
    fig, ax = _subplots((7.2, 0.42 * n + 1.0))
    for i, row in enumerate(matrix.to_dict(orient="records")):
        for j, label in enumerate(labels):
            direction = row[f"{label} direction"]
            weight = row[f"{label} weight"]
            ax.add_patch(
                matplotlib.patches.FancyBboxPatch(
                    (j + 0.04, i + 0.1), 0.92, 0.8, boxstyle="round,pad=0,rounding_size=0.12",
                    facecolor=LIGHT[direction], edgecolor=COLOURS[direction] if direction != "not discussed" else "#9aa0a6",
                    linewidth=1.2, linestyle="-" if direction != "not discussed" else ":",
                )
            )
            text = "not discussed" if direction == "not discussed" else f"{DIRECTION_LABEL[direction]} ({weight})"
            ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=9, color=TEXT[direction])
    ax.set_xlim(0, len(labels))
    ax.set_ylim(n, 0)
    ax.set_xticks([j + 0.5 for j in range(len(labels))], labels)
    ax.xaxis.tick_top()
    ax.set_yticks([i + 0.5 for i in range(n)], list(matrix["name"]))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    parts = []
    for row in matrix.to_dict(orient="records"):
        cells = []
        for label in labels:
            d, w = row[f"{label} direction"], row[f"{label} weight"]
            cells.append(f"{label} not discussed" if d == "not discussed" else f"{label} {DIRECTION_LABEL[d]} ({w})")
        parts.append(f"{row['name']}: " + ", ".join(cells))
    alt = "Grid of each article's reading of each consideration (direction and weight). " + "; ".join(parts) + "."
    caption = (
        "How each article reads each consideration: direction (toward or against recognition, uncertain, "
        "not linked) and weight (main, major, minor, background). Empty cells: the article does not discuss it."
    )
    return _finish(fig, alt, caption)


def plot_net_pressure(weights: Mapping[str, float], directions: Mapping[str, str], title: str = "Net pressure") -> AccessibleFigure:
    """Diverging bars of `considerations.model.net_pressure` (the weighing board's chart, static)."""
    table = model.net_pressure(weights, directions)
    names = dict(zip(load_considerations()["consideration_id"], load_considerations()["name"]))
    total = float(table["contribution"].sum())
    fig, ax = _subplots((7.2, 0.36 * len(table) + 1.2))
    colours = [COLOURS["toward"] if v > 0 else COLOURS["against"] if v < 0 else COLOURS["none"] for v in table["contribution"]]
    ax.barh(range(len(table)), table["contribution"], color=colours)
    for i, v in enumerate(table["contribution"]):
        ax.text(v + (0.2 if v >= 0 else -0.2), i, f"{v:+g}" if v else "0", va="center",
                ha="left" if v >= 0 else "right", fontsize=8.5)
    ax.set_yticks(range(len(table)), [names.get(c, c) for c in table["consideration_id"]])
    ax.invert_yaxis()
    ax.axvline(0, color="#3c4043", linewidth=1)
    ax.set_xlim(-11.5, 11.5)
    ax.set_xlabel("contribution: ← against recognition   toward recognition →")
    ax.set_title(f"{title}: total {total:+g}, {model.verdict(total)}", fontsize=11, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    parts = [
        f"{names.get(r.consideration_id, r.consideration_id)} {r.contribution:+g}" if r.contribution
        else f"{names.get(r.consideration_id, r.consideration_id)} 0"
        for r in table.itertuples()
    ]
    alt = f"Bar chart of each consideration's contribution to the net pressure. {'; '.join(parts)}. Total {total:+g}: {model.verdict(total)}."
    caption = f"{title}: weight × direction for each consideration; total {total:+g} ({model.verdict(total)})."
    return _finish(fig, alt, caption)
