"""Helpers the book's chapters call to present facts from data/ (never retyped in a chapter).

Each returns IPython Markdown, so in a `{code-cell}` tagged `remove-input` the reader
sees a quotation with its attribution, a small table or a reading, and the text
comes from one place: the claims table.

    quote("iess-23")                       # the verbatim quote, attributed
    quotes("iess-23", "comm-11")
    reading("economy", "iess-analysis")    # the article's reading, direction and weight
    disagreement("economy")                # where the two articles part ways

The annotated articles (one page per row of data/sources.csv, written by
`write_article_pages` before each build) give every sentence an anchor; every claim
id shown in a chapter links to the sentence its quote comes from (`claim_link_html`,
applied to the rendered chapters by book/_ext/claim_links.py).
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path, PurePosixPath

from IPython.display import Markdown

from considerations.data import (
    load_claims,
    load_considerations,
    load_disagreements,
    load_readings,
    load_source_table,
)
from considerations.paths import data_dir
from considerations.sentences import claim_sentences, load_sentences
from considerations.sources import load_sources

#: Where the article pages live, relative to book/ (a folder: the chapters' lint covers book/*.md only).
ARTICLES_DIR = "articles"


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


def disagreement_markdown(key: str) -> str:
    """Markdown for one disagreement (by `disagreement_id`), or for every disagreement filed under a
    consideration: each article's position in sources.csv order, then why they differ."""
    from considerations.data import load_disagreement_positions

    rows = load_disagreements()
    chosen = rows[rows.disagreement_id == key]
    if chosen.empty:
        chosen = rows[rows.consideration_id == key]
    if chosen.empty:
        return "The articles do not disagree on this consideration.\n"
    positions = load_disagreement_positions()
    sources = load_sources()
    order = {sid: n for n, sid in enumerate(sources)}
    parts = []
    for r in chosen.itertuples():
        mine = positions[positions.disagreement_id == r.disagreement_id]
        mine = mine.sort_values("source_id", key=lambda s: s.astype(str).map(order))
        heading = f"**{r.topic}**\n\n" if len(chosen) > 1 else ""
        said = "".join(f"**{sources[str(p.source_id)].display_name}:** {p.says}\n\n" for p in mine.itertuples())
        ids = ", ".join(f"`{c}`" for c in r.claim_ids)
        parts.append(f"{heading}{said}**Why they differ:** {r.why} (claims {ids})\n")
    return "\n".join(parts)


def disagreement(key: str) -> Markdown:
    """Where the articles part ways (from data/disagreements.csv and disagreement_positions.csv):
    `key` is a disagreement id, or a consideration id for all disagreements filed under it."""
    return Markdown(disagreement_markdown(key))


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


# --- the annotated articles ------------------------------------------------------


def article_page(source_id: str) -> str:
    """The article's page in the book, as a path without suffix relative to book/ (e.g. "articles/iess-analysis")."""
    if source_id not in load_sources():
        raise KeyError(f"no source {source_id!r} in data/sources.csv")
    return f"{ARTICLES_DIR}/{source_id}"


def _ids(value) -> list[str]:
    if isinstance(value, (list, tuple)):  # the evidence library's loader splits lists already
        return [str(v) for v in value if str(v) not in ("", "none")]
    if not isinstance(value, str) or value.strip() in ("", "none"):
        return []
    return [v.strip() for v in value.split(";") if v.strip()]


@lru_cache(maxsize=4)
def _sentences(folder: str) -> tuple[dict, ...]:
    rows = []
    for r in load_sentences().to_dict(orient="records"):
        rows.append(
            {
                "sentence_id": str(r["sentence_id"]),
                "source_id": str(r["source_id"]),
                "paragraph": int(r["paragraph"]),
                "kind": str(r["kind"]),
                "start": int(r["start"]),
                "end": int(r["end"]),
                "considerations": _ids(r.get("considerations")),
                "arguably": _ids(r.get("arguably")),
            }
        )
    return tuple(rows)


def sentences() -> tuple[dict, ...]:
    """Every sentence and heading of every article (data/sentences.csv) as dicts, in order."""
    return _sentences(str(data_dir()))


def claim_anchor(claim_id: str) -> tuple[str, str]:
    """(article page, sentence id) where the claim's quote starts."""
    row = _claim(claim_id)
    return article_page(str(row["source_id"])), claim_sentences()[claim_id][0]


def claim_href(claim_id: str, from_page: str = "") -> str:
    """A relative link from the page `from_page` (path relative to book/, e.g. "economy") to the claim's sentence."""
    page, sentence_id = claim_anchor(claim_id)
    here = PurePosixPath(from_page).parent
    target = PurePosixPath(f"{page}.html")
    up = "../" * len([p for p in here.parts if p not in ("", ".")])
    return f"{up}{target}#{sentence_id}"


def _quote_preview(claim_id: str) -> str:
    row = _claim(claim_id)
    source = load_sources()[str(row["source_id"])]
    return f"“{row['quote']}” ({source.short_name})"


def claim_link_html(claim_id: str, from_page: str = "", uid: str | None = None) -> str:
    """A claim id as a link to its sentence, previewing the verbatim quote: on hover (title), and on
    tap or keyboard through a button that opens a popover (the HTML popover attribute: no script)."""
    href = html.escape(claim_href(claim_id, from_page), quote=True)
    preview = _quote_preview(claim_id)
    popover_id = html.escape(uid or f"quote-{claim_id}", quote=True)
    cid = html.escape(claim_id)
    return (
        f'<span class="claim-ref">'
        f'<a class="claim-link reference internal" href="{href}" title="{html.escape(preview, quote=True)}">'
        f'<code class="docutils literal notranslate"><span class="pre">{cid}</span></code></a>'
        f'<button type="button" class="claim-peek" popovertarget="{popover_id}" '
        f'aria-label="Show the quote of claim {cid}">“”</button>'
        f'<span class="claim-popover" id="{popover_id}" popover>{html.escape(preview)} '
        f'<a href="{href}">Read it in the article</a></span></span>'
    )


def known_claim_ids() -> set[str]:
    return set(load_claims()["claim_id"])


def _paragraph_html(source_id: str, body: str, rows: list[dict], claims_on: dict[str, list[str]],
                    claim_rows: dict[str, dict], chapters: dict[str, str], anchored: set[str]) -> str:
    parts = []
    for s in rows:
        text = html.escape(body[s["start"]:s["end"]])
        claims = claims_on.get(s["sentence_id"], [])
        chips = []
        for c in claims:
            claim = claim_rows[c]
            chapter = chapters.get(str(claim["consideration_id"]), "")
            anchor = "" if c in anchored else f' id="{html.escape(c)}"'
            anchored.add(c)
            title = html.escape(f"{c}: {claim['claim']}", quote=True)
            href = f"../{chapter}.html" if chapter else f"#{s['sentence_id']}"
            chips.append(f'<a class="claim-chip"{anchor} href="{html.escape(href)}" title="{title}">{html.escape(c)}</a>')
        attrs = (
            f'id="{s["sentence_id"]}" class="article-sentence" '
            f'data-considerations="{" ".join(s["considerations"])}" data-arguably="{" ".join(s["arguably"])}" '
            f'data-claims="{" ".join(claims)}"'
        )
        chip_html = f' <span class="claim-chips" aria-label="claims resting on this sentence">{"".join(chips)}</span>' if chips else ""
        parts.append(f"<span {attrs}>{text}{chip_html}</span>")
    return '<p class="article-paragraph">' + " ".join(parts) + "</p>"


def article_markdown(source_id: str) -> str:
    """The MyST page of one article: its full text, every sentence anchored by its sentence id and
    marked with its considerations and claims, under a control that highlights a consideration."""
    source = load_sources()[source_id]
    table = load_considerations().sort_values("sort_order")
    chapters = dict(zip(table["consideration_id"], table["chapter"]))
    claim_rows = {r["claim_id"]: r for r in load_claims().to_dict(orient="records")}
    claims_on: dict[str, list[str]] = {}
    for claim_id, sids in claim_sentences().items():
        if claim_rows[claim_id]["source_id"] == source_id:
            for sid in sids:
                claims_on.setdefault(sid, []).append(claim_id)
    rows = [s for s in sentences() if s["source_id"] == source_id]
    meta = [f"**{label}:** {value}" for label, value in (
        ("Author", source.author), ("Published by", source.outlet), ("Date", source.published),
        ("Genre", source.genre),
    ) if value]
    if source.url:
        meta.append(f"**Original address:** <{source.url}>")
    options = "\n".join(
        f'<option value="{html.escape(r.consideration_id)}">{html.escape(str(r.name))}</option>' for r in table.itertuples()
    )
    control_id = f"highlight-{source_id}"
    body_file = load_source_table().set_index("source_id").loc[source_id, "body_file"]
    lines = [
        f"# {source.title}",
        "",
        f"The full text of {source.short_name}, as the module uses it (`data/{body_file}` in the course data). "
        "Each sentence has its own address, so a claim in any chapter links to the sentence it quotes. "
        "Pick a consideration to highlight the sentences that bear on it; the small ids after a sentence are "
        "the module's claims that rest on it (select one to open the chapter that discusses it).",
        "",
        "; ".join(meta) + ".",
        "",
        "```{raw} html",
        f'<form class="article-highlighter" data-article="{source_id}">',
        f'<label for="{control_id}">Highlight the sentences bearing on</label> ',
        f'<select id="{control_id}" name="consideration"><option value="">(no consideration)</option>',
        options,
        "</select>",
        '<p class="article-highlight-status" role="status" aria-live="polite"></p>',
        '<p class="article-legend"><span class="article-sentence is-on">bears on it</span> '
        '<span class="article-sentence is-arguable">bears on it only arguably</span> '
        '<span class="claim-chip">claim id</span> a claim resting on the sentence</p>',
        "</form>",
        "```",
        "",
    ]
    by_paragraph: dict[int, list[dict]] = {}
    for s in rows:
        by_paragraph.setdefault(s["paragraph"], []).append(s)
    anchored: set[str] = set()
    for number in sorted(by_paragraph):
        group = by_paragraph[number]
        if all(s["kind"] == "heading" for s in group):
            heading = " ".join(source.body[s["start"]:s["end"]] for s in group)
            # A MyST target gives the section the heading's sentence id as an anchor.
            lines += [f"({group[0]['sentence_id']})=", f"## {heading}", ""]
        else:
            lines += [_paragraph_html(source_id, source.body, group, claims_on, claim_rows, chapters, anchored), ""]
    notes = load_source_table().set_index("source_id").loc[source_id, "capture_notes"]
    if isinstance(notes, str) and notes.strip():
        lines += ["## About this copy", "", notes, ""]
    return "\n".join(lines)


def write_article_pages(book_dir: Path | str) -> list[Path]:
    """Write one page per article of data/sources.csv into book/articles/ (listed in the TOC by a glob),
    removing pages of articles that are no longer in the data. Unchanged pages are not rewritten."""
    folder = Path(book_dir) / ARTICLES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("# generated by considerations.book.write_article_pages\n*\n", encoding="utf-8")
    written = []
    for source_id in load_sources():
        path = folder / f"{source_id}.md"
        text = article_markdown(source_id)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in folder.glob("*.md"):
        if stale not in written:
            stale.unlink()
    return written


if __name__ == "__main__":
    import sys

    for page in write_article_pages(sys.argv[1] if len(sys.argv) > 1 else "book"):
        print(page)
