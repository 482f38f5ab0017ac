"""Lint the book's chapters (MyST Markdown notebooks) and the exercise notebooks.

Each one must have: exactly one H1, no heading that skips a level (H1 → H3),
a kernelspec, and a "Learning objectives" section.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from helpers import ROOT
from helpers.book import toc_pages

BOOK = ROOT / "book"
EXERCISES = ROOT / "exercises" / "source"
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
_md = MarkdownIt("commonmark")


def _chapters() -> list[Path]:
    listed = [BOOK / f"{name}.md" for name in toc_pages()]
    others = [p for p in sorted(BOOK.glob("*.md")) if p not in listed and p.name.lower() != "readme.md"]
    return listed + others


def _exercises() -> list[Path]:
    return sorted(p for p in EXERCISES.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts) if EXERCISES.is_dir() else []


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of every Markdown heading, ignoring code fences and directives."""
    tokens = _md.parse(markdown)
    out = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            out.append((int(token.tag[1]), tokens[i + 1].content.strip()))
    return out


def problems_in(heads: list[tuple[int, str]], kernelspec: dict | None) -> list[str]:
    problems = []
    h1 = [text for level, text in heads if level == 1]
    if len(h1) != 1:
        problems.append(f"expected exactly one H1 (# Title), found {len(h1)}: {h1}")
    previous = 0
    for level, text in heads:
        if level > previous + 1:
            problems.append(f"heading level jumps from H{previous} to H{level} at {text!r}")
        previous = level
    if not any(re.fullmatch(r"learning objectives\W*", text, re.I) for level, text in heads if level >= 2):
        problems.append("no 'Learning objectives' section (## Learning objectives)")
    if not kernelspec or not kernelspec.get("name"):
        problems.append("no kernelspec (name: python3) in the notebook metadata / front matter")
    elif kernelspec.get("name") != "python3":
        problems.append(f"kernelspec name is {kernelspec.get('name')!r}, expected 'python3'")
    return problems


def lint_markdown_notebook(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        return ["no YAML front matter (jupytext header with a kernelspec)"]
    meta = yaml.safe_load(match.group(1)) or {}
    body = text[match.end():]
    problems = problems_in(headings(body), meta.get("kernelspec"))
    if "jupytext" not in meta:
        problems.append("front matter has no jupytext section")
    return problems


def lint_ipynb(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = "\n\n".join(
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "markdown"
    )
    return problems_in(headings(markdown), nb.get("metadata", {}).get("kernelspec"))


@pytest.mark.parametrize("path", _chapters(), ids=lambda p: p.name)
def test_chapter(path):
    assert path.is_file(), f"{path.relative_to(ROOT)} is listed in book/_toc.yml but does not exist"
    problems = lint_markdown_notebook(path)
    assert not problems, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", _exercises(), ids=lambda p: p.name)
def test_exercise(path):
    problems = lint_ipynb(path)
    assert not problems, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


def test_linter_catches_problems():
    assert problems_in([(1, "T"), (3, "x"), (2, "Learning objectives")], {"name": "python3"}) == [
        "heading level jumps from H1 to H3 at 'x'"
    ]
    assert "no 'Learning objectives' section" in " ".join(problems_in([(1, "T"), (2, "Goals")], {"name": "python3"}))
    assert "exactly one H1" in " ".join(problems_in([(1, "A"), (1, "B"), (2, "Learning objectives")], {"name": "python3"}))
    assert "no kernelspec" in " ".join(problems_in([(1, "A"), (2, "Learning objectives")], None))
    # headings inside code fences are not headings
    assert headings("# Title\n\n```python\n# comment\n```\n\n## Learning objectives\n") == [
        (1, "Title"),
        (2, "Learning objectives"),
    ]
