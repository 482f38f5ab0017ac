"""Make student-controlled text safe for the places an instructor looks.

Nothing a student writes may execute where an instructor looks (issue 9, class 1):

- `sanitise_notebook(nb)`: the autograded notebook that formgrader renders in the
  instructor's browser, with the instructor's Jupyter session. nbconvert renders a
  Markdown cell's raw HTML as is (and `[x](javascript:...)` links too) and a raw cell
  without a MIME type as raw HTML, so every Markdown and raw cell is rendered here and
  put through nh3 (an allow-list HTML sanitiser: Rust's ammonia, which parses HTML like
  a browser does, instead of a regular expression that a crafted tag slips past). Rich
  outputs (HTML, JavaScript, SVG, widgets, Markdown, LaTeX, images) are replaced by
  their plain text; attachments are dropped; metadata is reduced to what nbgrader
  needs, each value type-checked; odd cell ids are regenerated.
- `csv_safe(value)`: a CSV cell a spreadsheet shows as text, never as a formula.
- `terminal_safe(text)`: one line for a terminal, without escape sequences.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from functools import lru_cache

import nh3

# Tags a written answer may use: ammonia's defaults without images and image maps (a
# student's <img src="https://..."> would make the instructor's browser fetch it) and
# without anything that runs, loads or submits (script, style, iframe, object, embed,
# form, svg, math, link, meta are simply not on the list).
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"img", "map", "area"}
# No per-tag attribute beyond ammonia's defaults (no style, no on*, no id or class that
# could collide with formgrader's own elements).
ALLOWED_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in ALLOWED_TAGS}
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # no javascript:, data:, vbscript:, file:

MAX_MARKDOWN_CHARS = 50_000  # rendering is superlinear (190k of "<div>" took 22 s, outside any budget): longer text is shown escaped
MAX_OUTPUT_CHARS = 20_000
MAX_SOURCE_CHARS = 2_000_000
_CELL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # nbformat 4.5's rule
_GRADE_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_TAG = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

# What nbgrader reads from a cell's metadata (nbgrader's schema 3) and the types it expects.
_NBGRADER_KEYS = {"grade": bool, "solution": bool, "locked": bool, "task": bool, "points": (int, float),
                  "grade_id": str, "schema_version": int, "cell_type": str, "checksum": str}


def clean_html(fragment: str) -> str:
    """An HTML fragment with only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},  # drop their text too, not only the tags
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _formgrader_renderer():
    # The renderer formgrader itself uses (nbconvert's markdown2html_mistune: mistune with nbconvert's
    # math parsers, plugins and IPythonRenderer), so a cell means what the instructor would see; imported
    # without nbconvert's package start-up, which this one module does not need.
    from autograder.lazy_imports import import_deferring_packages

    return import_deferring_packages("nbconvert.filters.markdown_mistune",
                                     ("nbconvert", "nbconvert.filters", "nbconvert.preprocessors")).markdown2html_mistune


def _markdown_to_html(text: str) -> str:
    try:
        render = _formgrader_renderer()
    except ImportError:  # a grader without nbconvert: show the text as text
        return f"<pre>{html.escape(text)}</pre>"
    return render(text)


def _as_single_html_block(fragment: str) -> str:
    # The result is stored as the Markdown cell's source and rendered as Markdown again by
    # formgrader. One line inside a <div> is one HTML block that Markdown passes through
    # unchanged: a blank line would end the block and let the rest be parsed as Markdown
    # (where link syntax could come back to life). A newline character reference is the same
    # whitespace (or the same line break inside <pre>).
    return "<div>" + fragment.replace("\r", "").replace("\n", "&#10;") + "</div>"


MAX_CACHED_CHARS = 10_000  # the instructor's cells (about 2,000 at most); long answers are not kept


def sanitise_markdown(text: str) -> str:
    """Student Markdown (with any raw HTML in it) as safe HTML that renders the same.

    Short texts are cached: every submission repeats the instructor's cells (about 60 ms of rendering
    per notebook otherwise, on the grading coordinator's one thread). Long ones are not: 4,096 cached
    answers of megabytes each would hold gigabytes in the coordinator for the whole run."""
    if len(text) > MAX_MARKDOWN_CHARS:
        shown = html.escape(text[:MAX_MARKDOWN_CHARS])
        return _as_single_html_block(f"<pre>{shown}</pre><p>[{len(text) - MAX_MARKDOWN_CHARS} more characters not shown]</p>")
    if len(text) <= MAX_CACHED_CHARS:
        return _render_cached(text)
    return _render(text)


def _render(text: str) -> str:
    return _as_single_html_block(clean_html(_markdown_to_html(text)))


_render_cached = lru_cache(maxsize=4096)(_render)


def _text(value, limit: int) -> str:
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        return value[:limit] + f"\n[{len(value) - limit} more characters not shown]"
    return value


def _output(out) -> dict | None:
    """One output as plain text (nbconvert escapes text/plain); rich MIME types are dropped."""
    if not isinstance(out, dict):
        return None
    kind = out.get("output_type")
    if kind == "stream":
        name = out.get("name") if out.get("name") in ("stdout", "stderr") else "stdout"
        return {"output_type": "stream", "name": name, "text": _text(out.get("text"), MAX_OUTPUT_CHARS)}
    if kind == "error":
        trace = out.get("traceback")
        trace = [_text(t, MAX_OUTPUT_CHARS) for t in trace[:200]] if isinstance(trace, list) else []
        return {"output_type": "error", "ename": _text(out.get("ename"), 200),
                "evalue": _text(out.get("evalue"), MAX_OUTPUT_CHARS), "traceback": trace}
    if kind in ("execute_result", "display_data"):
        data = out.get("data") if isinstance(out.get("data"), dict) else {}
        plain = _text(data.get("text/plain"), MAX_OUTPUT_CHARS)
        dropped = sorted(k for k in data if k != "text/plain" and isinstance(k, str))
        if dropped:
            note = f"[{', '.join(dropped)[:200]} output not shown by the grader]"
            plain = f"{plain}\n{note}" if plain else note
        result = {"output_type": kind, "data": {"text/plain": plain}, "metadata": {}}
        if kind == "execute_result":
            count = out.get("execution_count")
            result["execution_count"] = count if type(count) is int else None
        return result
    return None  # unknown output types are not shown at all


def _nbgrader_meta(meta) -> dict:
    if not isinstance(meta, dict):
        return {}
    kept = {}
    for key, kind in _NBGRADER_KEYS.items():
        value = meta.get(key)
        if value is None or (kind is not bool and type(value) is bool):
            continue
        if kind is bool and type(value) is not bool:
            continue
        if not isinstance(value, kind):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            continue  # json.dumps would write NaN or Infinity, which nbformat and formgrader cannot read
        if key == "grade_id" and not _GRADE_ID.match(value):
            continue
        if isinstance(value, str) and key != "grade_id":
            value = value[:200]
        kept[key] = value
    return kept


def _cell_metadata(meta) -> dict:
    if not isinstance(meta, dict):
        return {}
    kept: dict = {}
    nbgrader = _nbgrader_meta(meta.get("nbgrader"))
    if nbgrader:
        kept["nbgrader"] = nbgrader
    for key in ("editable", "deletable"):
        if type(meta.get(key)) is bool:
            kept[key] = meta[key]
    tags = meta.get("tags")
    if isinstance(tags, list):
        kept["tags"] = [t for t in tags if isinstance(t, str) and _TAG.match(t)][:20]
    return kept


def _notebook_metadata(meta) -> dict:
    if not isinstance(meta, dict):
        return {}
    kept = {}
    for key, fields in (("kernelspec", ("name", "display_name", "language")),
                        ("language_info", ("name", "version", "file_extension", "mimetype"))):
        value = meta.get(key)
        if isinstance(value, dict):
            kept[key] = {f: html.escape(value[f][:100]) for f in fields if isinstance(value.get(f), str)}
    return kept


def sanitise_notebook(nb: dict) -> dict:
    """A copy of the notebook that is safe to render in formgrader (or open in JupyterLab).

    Never raises on a malformed notebook: what cannot be read is left out.
    """
    cells_in = nb.get("cells") if isinstance(nb, dict) else None
    cells = []
    used_ids: set[str] = set()
    for index, cell in enumerate(cells_in if isinstance(cells_in, list) else []):
        if not isinstance(cell, dict):
            continue
        kind = cell.get("cell_type")
        source = _text(cell.get("source"), MAX_SOURCE_CHARS)
        meta = _cell_metadata(cell.get("metadata"))
        if kind == "code":
            outputs = cell.get("outputs")
            count = cell.get("execution_count")
            clean = {"cell_type": "code", "metadata": meta, "source": source,
                     "outputs": [o for o in map(_output, outputs if isinstance(outputs, list) else []) if o],
                     "execution_count": count if type(count) is int else None}
        elif kind == "markdown":
            clean = {"cell_type": "markdown", "metadata": meta, "source": sanitise_markdown(source)}
        else:
            # A raw cell without a MIME type is pasted into nbconvert's HTML as is: clean it as
            # HTML and drop the MIME type (a renamed or unknown cell type becomes such a raw cell).
            clean = {"cell_type": "raw", "metadata": meta, "source": clean_html(source)}
        cell_id = cell.get("id")
        if not (isinstance(cell_id, str) and _CELL_ID.match(cell_id)) or cell_id in used_ids:
            cell_id = f"cell-{index}"
            while cell_id in used_ids:
                cell_id += "x"
        used_ids.add(cell_id)
        clean["id"] = cell_id
        cells.append(clean)
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": _notebook_metadata(nb.get("metadata") if isinstance(nb, dict) else None),
            "cells": cells}


# --- CSV and terminal ---------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_CSV_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def csv_safe(value) -> str:
    """The value as CSV text that a spreadsheet shows as text: a cell that starts with
    = + - @ tab or a line break (OWASP's list) gets a leading apostrophe."""
    text = "" if value is None else str(value)
    # Control characters (ESC, BEL: a terminal `cat`ing the file, or `export --to -`, would obey their
    # sequences) and bidi overrides (text that reads differently than it is) shown as visible escapes.
    text = _CSV_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    # Leading spaces do not stop LibreOffice or Excel from reading " =1+1" as a formula.
    if text.lstrip(" ").startswith(_FORMULA_START):
        return "'" + text
    return text


def terminal_safe(text, limit: int = 200) -> str:
    """One line for a terminal: control, format and escape characters (ESC sequences, CR
    that overwrites the line, bidi overrides) shown as visible escapes; cut at `limit`
    characters with an ellipsis."""
    text = "" if text is None else str(text)
    out = []
    length = 0
    for ch in text[: limit * 2 + 1]:
        if ch in ("\n", "\t"):
            piece = " "
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            piece = ch.encode("unicode_escape").decode("ascii")
        else:
            piece = ch
        out.append(piece)
        length += len(piece)
        if length > limit:
            break
    result = "".join(out)
    if len(result) > limit or len(text) > limit * 2 + 1:
        return result[: max(limit - 1, 0)] + "…"
    return result
