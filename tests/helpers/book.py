"""The book's table of contents, for tests that walk its pages."""

from __future__ import annotations

from pathlib import Path

import yaml

BOOK = Path(__file__).resolve().parents[2] / "book"


def toc_pages() -> list[str]:
    """Every page `_toc.yml` lists (file stems), root first, in reading order."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    stack = list(toc.get("chapters", [])) + [c for p in toc.get("parts", []) for c in p.get("chapters", [])]
    while stack:
        entry = stack.pop(0)
        if "file" in entry:
            pages.append(entry["file"])
        stack[:0] = entry.get("sections", [])
    return pages
