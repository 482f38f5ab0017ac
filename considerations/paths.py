"""Where the course data lives.

In a checkout (and an editable install) that is the repository's `data/`;
in an installed wheel it is the copy packaged as `considerations/_data`.
`CONSIDERATIONS_DATA` overrides both, e.g. for tests on a broken copy.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    override = os.environ.get("CONSIDERATIONS_DATA")
    if override:
        return Path(override)
    for candidate in (_PACKAGE.parent / "data", _PACKAGE / "_data"):
        if (candidate / "sources.csv").is_file():
            return candidate
    raise FileNotFoundError(
        "course data not found: expected data/sources.csv next to the considerations package "
        "(a checkout) or considerations/_data (an installed wheel); set CONSIDERATIONS_DATA to its folder"
    )


def _course_settings() -> dict:
    # A checkout has course.toml at its root; a wheel carries a copy as considerations/_course.toml.
    for candidate in (_PACKAGE.parent / "course.toml", _PACKAGE / "_course.toml"):
        try:
            mtime = candidate.stat().st_mtime_ns
        except OSError:
            continue
        return _parsed_settings(str(candidate), mtime)
    return {}


@lru_cache(maxsize=4)
def _parsed_settings(path: str, mtime_ns: int) -> dict:
    # Parsed once per version of the file: every check message asks for a chapter link.
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def book_url() -> str:
    """The published book's address without a trailing slash, or "" for a locally built book.

    The one setting behind every chapter link (notebooks, checks, feedback):
    COURSE_BOOK_URL overrides `[book] url` in course.toml.
    """
    url = os.environ.get("COURSE_BOOK_URL")
    if url is None:
        url = _course_settings().get("book", {}).get("url", "")
    return url.strip().rstrip("/")


def local_book_dir() -> Path:
    """Where `make book` puts the site in a checkout (links point here when no URL is set)."""
    return _PACKAGE.parent / "book" / "_build" / "html"


def chapter_url(chapter: str, anchor: str | None = None, *, relative_to: Path | None = None) -> str:
    """Link to a chapter (file stem in book/) and optionally an anchor in it.

    With a book URL: an absolute link. Without one: a path into the locally built book,
    relative to the folder `relative_to` (e.g. where a feedback file is written), else absolute.
    """
    fragment = f"#{anchor}" if anchor else ""
    base = book_url()
    if base:
        return f"{base}/{chapter}.html{fragment}"
    page = local_book_dir() / f"{chapter}.html"
    if relative_to is not None:
        return Path(os.path.relpath(page, Path(relative_to).resolve())).as_posix() + fragment
    return page.as_uri() + fragment
