"""Sphinx extension: every chapter that is a notebook can be downloaded as one (.ipynb).

The chapters are MyST Markdown notebooks (jupytext headers); JupyterLab opens an .ipynb
without extra packages, a student's install has no jupytext. At the end of an HTML
build each notebook chapter is converted with myst-nb's own reader (no outputs: the
student runs it with the course library installed) into <site>/notebooks/<chapter>.ipynb,
and each such chapter gets a link to it under its title, and in the theme's download menu.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
from myst_nb.core.read import read_myst_markdown_notebook

FOLDER = "notebooks"


def _is_notebook(app, docname: str) -> bool:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".md" or not path.is_file():
        return False
    head = path.read_text(encoding="utf-8")[:600]
    return head.startswith("---") and "kernelspec:" in head


def _notebook_name(docname: str) -> str:
    return f"{FOLDER}/{docname.replace('/', '-')}.ipynb"


def _link(app, pagename, templatename, context, doctree):
    if doctree is None or not _is_notebook(app, pagename):
        return
    depth = pagename.count("/")
    href = "../" * depth + _notebook_name(pagename)
    link = (
        f'<p class="notebook-download"><a href="{html.escape(href)}" download>'
        "Download this chapter as a notebook (.ipynb)</a> to run its code in JupyterLab "
        "(with the course library installed, see the Introduction).</p>"
    )
    body = context.get("body", "")
    end = body.find("</h1>")
    if end != -1:
        context["body"] = body[: end + 5] + link + body[end + 5 :]
    context["course_notebook"] = href


def _write(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    for docname in sorted(app.env.found_docs):
        if not _is_notebook(app, docname):
            continue
        source = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
        notebook = read_myst_markdown_notebook(source)
        # The text-notebook header only matters to jupytext; the .ipynb keeps the kernel.
        notebook.metadata.pop("jupytext", None)
        nbformat.validate(notebook)
        nbformat.write(notebook, out / Path(_notebook_name(docname)).name)


def setup(app):
    app.connect("html-page-context", _link)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
