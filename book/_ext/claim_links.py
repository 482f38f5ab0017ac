"""Sphinx extension: every claim id shown in the book links to the sentence it quotes.

Chapters (their text and the Markdown their cells print) write a claim id as
inline code, `iess-48`. When Sphinx resolves a page, each inline code whose text
is exactly a claim id in data/claims.csv becomes `considerations.book.claim_link_html`:
a link to the sentence's anchor on the article's page, previewing the verbatim
quote on hover (title) and on tap or keyboard (a popover button). Doing it here,
rather than in each chapter, means no chapter can forget it and the chapters'
Markdown stays readable.
"""

from __future__ import annotations

from docutils import nodes

from considerations.book import claim_link_html, known_claim_ids


def _link_claims(app, doctree, docname):
    ids = known_claim_ids()
    seen: dict[str, int] = {}
    for node in list(doctree.findall(nodes.literal)):
        claim_id = node.astext().strip()
        if claim_id not in ids or isinstance(node.parent, nodes.reference):
            continue
        seen[claim_id] = seen.get(claim_id, 0) + 1
        uid = f"quote-{claim_id}-{seen[claim_id]}"  # popover ids must be unique on the page
        node.replace_self(nodes.raw("", claim_link_html(claim_id, docname, uid=uid), format="html"))


def setup(app):
    app.connect("doctree-resolved", _link_claims)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
