"""The two articles: metadata from data/sources.csv, bodies from data/sources/*.txt."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

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

    @property
    def short_name(self) -> str:
        """How the book and feedback name the article in running text."""
        return SHORT_NAMES.get(self.source_id, self.source_id)


SHORT_NAMES = {
    "iess-analysis": "the IESS analysis",
    "brotherhood-commentary": "the “Brotherhood” commentary",
}


@lru_cache(maxsize=4)
def _load_sources(folder: str) -> dict[str, Source]:
    from pathlib import Path

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
            )
    return sources


def load_sources() -> dict[str, Source]:
    """Source id -> Source, in the order of data/sources.csv."""
    return _load_sources(str(data_dir()))
