"""Sphinx extension: every claim id shown in the book links to the sentence it quotes.

Chapters (their text and the Markdown their cells print) write a claim id as
inline code, `iess-48`; tables and figures that cells print as HTML write it as
plain text. When Sphinx resolves a page, each inline code whose text is exactly a
claim id in data/claims.csv, and each claim id in the text of printed HTML, becomes
`considerations.book.claim_link_html`:
a link to the sentence's anchor on the article's page, previewing the verbatim
quote on hover (title) and on tap or keyboard (a popover button). Doing it here,
rather than in each chapter, means no chapter can forget it and the chapters'
Markdown stays readable.
"""

from __future__ import annotations

import re

from docutils import nodes

from considerations.book import claim_link_html, known_claim_ids


_TAG = re.compile(r"(<[^>]*>)")
_WORD = re.compile(r"\b[a-z]+-\d+\b")


def _link_in_html(text: str, ids: set[str], link) -> str:
    """Claim ids in the text of raw HTML (tables a cell printed, figure captions) become links;
    not inside tags, links, scripts or styles."""
    out = []
    inside = 0  # depth of <a>, <script>, <style>
    for part in _TAG.split(text):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in ("a", "script", "style") and not part.endswith("/>"):
                inside += -1 if part.startswith("</") else 1
            out.append(part)
        elif inside or not _WORD.search(part):
            out.append(part)
        else:
            out.append(_WORD.sub(lambda m: link(m.group(0)) if m.group(0) in ids else m.group(0), part))
    return "".join(out)


def _link_claims(app, doctree, docname):
    ids = known_claim_ids()
    seen: dict[str, int] = {}

    def link(claim_id: str) -> str:
        seen[claim_id] = seen.get(claim_id, 0) + 1
        uid = f"quote-{claim_id}-{seen[claim_id]}"  # popover ids must be unique on the page
        return claim_link_html(claim_id, docname, uid=uid)

    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split() and _WORD.search(node.astext()):
            linked = _link_in_html(node.astext(), ids, link)
            if linked != node.astext():
                node.replace_self(nodes.raw("", linked, format="html"))
    for node in list(doctree.findall(nodes.literal)):
        claim_id = node.astext().strip()
        if claim_id not in ids or isinstance(node.parent, nodes.reference):
            continue
        node.replace_self(nodes.raw("", link(claim_id), format="html"))


def setup(app):
    app.connect("doctree-resolved", _link_claims)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
