"""Sphinx extension: an A–Z of the terms on the pages named in `az_jump_pages` (the glossary).

The glossary groups its terms by theme (definition lists under headings), which is how
one learns them but not how one looks a word up. This gives every term an anchor
(`#term-durand-line`) and puts, before the first list, a row of letters and under it
the terms in alphabetical order, each a link to its definition. Built from the page
itself, so a new entry in the glossary is in the A–Z with no other edit.
"""

from __future__ import annotations

import html
import unicodedata

from docutils import nodes


def _letter(text: str) -> str:
    for ch in unicodedata.normalize("NFKD", text):
        if ch.isalnum():
            return ch.upper() if ch.isalpha() else "#"
    return "#"


def _jumps(app, doctree, docname):
    if docname not in app.config.az_jump_pages:
        return
    terms = list(doctree.findall(nodes.term))
    if not terms:
        return
    entries = []
    used: set[str] = set()
    for term in terms:
        text = term.astext().strip()
        anchor = "term-" + (nodes.make_id(text) or "entry")
        while anchor in used:
            anchor += "-2"
        used.add(anchor)
        term["ids"].append(anchor)
        entries.append((_letter(text), text, anchor))
    by_letter: dict[str, list[tuple[str, str]]] = {}
    for letter, text, anchor in sorted(entries, key=lambda e: (e[0], e[1].casefold())):
        by_letter.setdefault(letter, []).append((text, anchor))
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + (["#"] if "#" in by_letter else [])
    bar = "".join(
        f'<a href="#az-{c}">{c}</a>' if c in by_letter else f'<span class="az-empty" aria-hidden="true">{c}</span>'
        for c in letters
    )
    index = "".join(
        f'<dt id="az-{c}">{c}</dt><dd><ul>'
        + "".join(f'<li><a href="#{a}">{html.escape(t)}</a></li>' for t, a in by_letter[c])
        + "</ul></dd>"
        for c in letters
        if c in by_letter
    )
    block = (
        '<nav class="az-jumps" aria-label="Terms from A to Z">'
        f'<p class="az-letters">{bar}</p><dl class="az-index">{index}</dl></nav>'
    )
    first = next(iter(doctree.findall(nodes.definition_list)))
    first.parent.insert(first.parent.index(first), nodes.raw("", block, format="html"))


def setup(app):
    app.add_config_value("az_jump_pages", [], "html")
    app.connect("doctree-resolved", _jumps)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


