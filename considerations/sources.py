"""The articles: metadata from data/sources.csv, bodies from data/sources/*.txt.

Everything the code knows about an article (its id, how the book names it, its short
label, the aliases a reader may type, its claims' id prefix) is a column of sources.csv,
so a new article is a new row there and a new body file, not a code change.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from considerations.paths import data_dir


@dataclass(frozen=True)
class Source:
    source_id: str
    title: str
    author: str
    outlet: str
    published: str
    url: str
    genre: str
    body: str
    short_name: str = ""  # how the book and feedback name it in running text ("the IESS analysis")
    label: str = ""  # short label for badges and legends ("IESS")
    aliases: tuple[str, ...] = ()  # other names a reader may use for it ("iess")
    claim_prefix: str = ""  # its claims are numbered claim_prefix-NN

    @property
    def display_name(self) -> str:
        """`short_name` with a capital first letter, to start a sentence or a line."""
        return self.short_name[:1].upper() + self.short_name[1:]


@lru_cache(maxsize=4)
def _load_sources(folder: str) -> dict[str, Source]:
    root = Path(folder)
    sources = {}
    with open(root / "sources.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            body_path = root / row["body_file"]
            if not body_path.is_file():
                raise FileNotFoundError(f"{root / 'sources.csv'}: source {row['source_id']!r}: body file {body_path} is missing")
            sources[row["source_id"]] = Source(
                source_id=row["source_id"],
                title=row["title"],
                author=row["author"],
                outlet=row["outlet"],
                published=row["published"],
                url=row["url"],
                genre=row["genre"],
                body=body_path.read_text(encoding="utf-8"),
                short_name=row.get("short_name") or row["source_id"],
                label=row.get("label") or row["source_id"],
                aliases=tuple(a for a in (row.get("aliases") or "").split(";") if a),
                claim_prefix=row.get("claim_prefix") or "",
            )
    return sources


def load_sources() -> dict[str, Source]:
    """Source id -> Source, in the order of data/sources.csv."""
    return _load_sources(str(data_dir()))


def resolve_source(name: str) -> str:
    """The source id for a source id, one of its `aliases` or its `label` (case-insensitive)."""
    wanted = name.strip().casefold()
    for source in load_sources().values():
        if wanted in {n.casefold() for n in (source.source_id, source.label, *source.aliases)}:
            return source.source_id
    raise ValueError(f"unknown source {name!r}; use one of {', '.join(load_sources())} or their aliases in sources.csv")
