"""Helpers the book's chapters call to present facts from data/ (never retyped in a chapter).

Each returns IPython Markdown, so in a `{code-cell}` tagged `remove-input` the reader
sees a quotation with its attribution, a small table or a reading, and the text
comes from one place: the claims table.

    quote("iess-23")                       # the verbatim quote, attributed
    quotes("iess-23", "comm-11")
    reading("economy", "iess-analysis")    # the article's reading, direction and weight
    disagreement("economy")                # where the two articles part ways
"""

from __future__ import annotations

from IPython.display import Markdown

from considerations.data import load_claims, load_considerations, load_disagreements, load_readings
from considerations.sources import load_sources


class UnknownClaim(KeyError):
    pass


def _claim(claim_id: str):
    claims = load_claims().set_index("claim_id")
    if claim_id not in claims.index:
        raise UnknownClaim(f"no claim {claim_id!r} in data/claims.csv")
    return claims.loc[claim_id]


def _attribution(claim_id: str, source_id: str) -> str:
    source = load_sources()[source_id]
    return f"{source.short_name[0].upper()}{source.short_name[1:]}, claim `{claim_id}`"


def quote_markdown(claim_id: str, with_claim: bool = False) -> str:
    row = _claim(claim_id)
    text = f"> {row['quote']}\n>\n> — {_attribution(claim_id, str(row['source_id']))}\n"
    if with_claim:
        text += f"\n*In short:* {row['claim']}\n"
    return text


def quote(claim_id: str, with_claim: bool = False) -> Markdown:
    """The claim's verbatim quote as a block quotation, attributed to its article and claim id."""
    return Markdown(quote_markdown(claim_id, with_claim))


def quotes(*claim_ids: str, with_claim: bool = False) -> Markdown:
    return Markdown("\n".join(quote_markdown(c, with_claim) for c in claim_ids))


def claim_text(claim_id: str) -> Markdown:
    """The module's paraphrase of a claim, with its id."""
    row = _claim(claim_id)
    return Markdown(f"{row['claim']} (`{claim_id}`)")


def reading_markdown(consideration_id: str, source_id: str) -> str:
    readings = load_readings()
    row = readings[(readings.consideration_id == consideration_id) & (readings.source_id == source_id)]
    source = load_sources()[source_id]
    if row.empty:
        return f"**{source.short_name[0].upper()}{source.short_name[1:]}** does not discuss this consideration.\n"
    r = row.iloc[0]
    ids = ", ".join(f"`{c}`" for c in r["claim_ids"])
    return (f"**{source.short_name[0].upper()}{source.short_name[1:]}** — direction: *{r['direction']}*, "
            f"weight: *{r['weight']}*. {r['reading']} (claims {ids})\n")


def reading(consideration_id: str, source_id: str) -> Markdown:
    """An article's reading of a consideration: direction, weight, summary, supporting claims."""
    return Markdown(reading_markdown(consideration_id, source_id))


def readings(consideration_id: str) -> Markdown:
    """Both articles' readings of a consideration, one paragraph each."""
    return Markdown("\n".join(reading_markdown(consideration_id, s) for s in load_sources()))


def disagreement(consideration_id: str) -> Markdown:
    """Where the two articles part ways on a consideration (from data/disagreements.csv)."""
    rows = load_disagreements()
    row = rows[rows.consideration_id == consideration_id]
    if row.empty:
        return Markdown("The two articles do not disagree on this consideration.\n")
    r = row.iloc[0]
    ids = ", ".join(f"`{c}`" for c in r["claim_ids"])
    return Markdown(
        f"**The IESS analysis:** {r['iess_says']}\n\n**The commentary:** {r['commentary_says']}\n\n"
        f"**Why they differ:** {r['why']} (claims {ids})\n"
    )


def consideration_question(consideration_id: str) -> Markdown:
    table = load_considerations().set_index("consideration_id")
    return Markdown(f"*{table.loc[consideration_id, 'question']}*")


def claims_table(consideration_id: str, source_id: str | None = None) -> Markdown:
    """A compact table of the claims on one consideration: id, article, claim, direction, voice."""
    claims = load_claims()
    subset = claims[claims.consideration_id == consideration_id]
    if source_id:
        subset = subset[subset.source_id == source_id]
    names = {s: v.short_name for s, v in load_sources().items()}
    lines = ["| claim | article | in short | direction | voice |", "|---|---|---|---|---|"]
    for row in subset.itertuples():
        direction = row.direction if isinstance(row.direction, str) else "—"
        lines.append(f"| `{row.claim_id}` | {names[str(row.source_id)]} | {row.claim} | {direction} | {row.voice} |")
    return Markdown("\n".join(lines) + "\n")
