"""Student text made safe for formgrader, the CSV and the terminal (autograder.sanitise).

Every payload carries the marker PWNED; the checks parse the HTML the way a browser
would (html.parser) and fail if the marker reaches a script, a style, an event handler
or a script URL, or if a tag outside the allow-list survives. The rendering tests go
through nbconvert's HTML exporter, which is what formgrader renders notebooks with.
"""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.sanitise import ALLOWED_TAGS, csv_safe, sanitise_markdown, sanitise_notebook, terminal_safe

HOSTILE_MARKDOWN = [
    "An answer <img src=x onerror=\"window.PWNED=1\"> with an event handler",
    "<script>window.PWNED=1</script> plain script",
    "<SCRIPT SRC=//evil.example/PWNED.js></SCRIPT>",
    "[click me](javascript:window.PWNED=1) and [again](JaVaScRiPt&#58;PWNED())",
    "<a href=\"  javascript:PWNED()\">spaced</a> <a href=\"data:text/html,<script>PWNED()</script>\">data</a>",
    "<svg onload=\"PWNED()\"><circle r=5 /></svg>",
    "<svg><script>PWNED()</script></svg>",
    "<iframe srcdoc=\"<script>parent.PWNED=1</script>\"></iframe>",
    "<object data=\"PWNED.swf\"></object><embed src=\"PWNED.swf\">",
    "<form action=\"/api/contents/PWNED\" method=post><input name=x value=PWNED><button>go</button></form>",
    "<p style=\"background:url(javascript:PWNED())\">css</p><div style=\"width:expression(PWNED())\">x</div>",
    "<style>body{background:url(javascript:PWNED())}</style>",
    "<details open ontoggle=\"PWNED()\"><summary>s</summary></details>",
    "<math><mi xlink:href=\"javascript:PWNED()\">x</mi></math>",
    "<a href=\"vbscript:PWNED()\">vb</a> <a href=\"file:///etc/PWNED\">file</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:PWNED()\"><link rel=stylesheet href=PWNED.css>",
    "<body onload=PWNED()><div onmouseover='PWNED()'>hover</div>",
    "text\n\n    indented code [l](javascript:PWNED())\n\n    more code\n\nafter",
    "<!-- <script>PWNED()</script> --> comment",
    "<<script>script>PWNED()<</script>/script>",
    "<img src=`x`onerror=PWNED()>",
    "<a href=\"&#106;avascript:PWNED()\">entity</a>",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "cite", "background", "poster"}


class Inspector(HTMLParser):
    """Collects what a browser would treat as active content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.problems: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("script", "style"):
            self._in.append(tag)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name == "style" and "PWNED" in value:
                self.problems.append(f"style attribute {value!r}")
            if name in URL_ATTRIBUTES:
                scheme = value.strip().lower().split(":", 1)[0] if ":" in value else ""
                if scheme in ("javascript", "data", "vbscript", "file"):
                    self.problems.append(f"{name}={value!r} on <{tag}>")
            if name == "srcdoc":
                self.problems.append(f"srcdoc on <{tag}>")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in and "PWNED" in data:
            self.problems.append(f"PWNED inside <{self._in[-1]}>")


def inspect(fragment: str) -> Inspector:
    parser = Inspector()
    parser.feed(fragment)
    parser.close()
    return parser


def assert_inert(fragment: str, allowed=ALLOWED_TAGS | {"div"}):
    found = inspect(fragment)
    assert not found.problems, (found.problems, fragment)
    assert set(found.tags) <= allowed, (set(found.tags) - allowed, fragment)


@pytest.mark.parametrize("payload", HOSTILE_MARKDOWN)
def test_hostile_markdown_becomes_inert_html(payload):
    clean = sanitise_markdown(payload)
    assert_inert(clean)
    # formgrader renders the stored source as Markdown again: that must not revive anything.
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert_inert(markdown2html_mistune(clean))


def test_the_inspector_catches_what_it_should():
    # The checks above can fail: unsanitised payloads trip them.
    assert inspect(HOSTILE_MARKDOWN[0]).problems
    assert inspect("<a href='javascript:PWNED()'>x</a>").problems
    assert inspect("<script>PWNED()</script>").problems
    assert not inspect(sanitise_markdown(HOSTILE_MARKDOWN[0])).problems


def test_ordinary_markdown_survives_readably():
    text = ("The commentary says **brotherhood** is *collapsing*.\n\n"
            "- first point\n- second point with [the article](https://example.org/a)\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n> a quoted line\n\nMaths: $x^2 < y$ stays for MathJax.")
    clean = sanitise_markdown(text)
    for piece in ("<strong>brotherhood</strong>", "<em>collapsing</em>", "<li>first point</li>", "<table>",
                  "<blockquote>", 'href="https://example.org/a"', "$x^2 &lt; y$"):
        assert piece in clean, (piece, clean)
    assert "\n" not in clean  # one HTML block, which Markdown passes through unchanged


def test_huge_markdown_is_shown_as_text_without_rendering_cost():
    clean = sanitise_markdown("<script>PWNED()</script>" + "x" * 300_000)
    assert_inert(clean)
    assert "more characters not shown" in clean


def hostile_notebook() -> dict:
    widget_view = {"application/vnd.jupyter.widget-view+json": {"model_id": "PWNED", "version_major": 2,
                                                                 "version_minor": 0}}
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "<img src=x onerror=PWNED()>", "language": "python"},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {"PWNED": {}}}},
            "trusted": True, "signature": "sha256:PWNED",
        },
        "cells": [
            {"cell_type": "markdown", "id": "ok-id", "metadata": {
                "nbgrader": {"grade": True, "solution": True, "locked": False, "points": 4,
                             "grade_id": "q9_essay", "schema_version": 3},
                "jupyter": {"source_hidden": True}, "trusted": True},
             "source": HOSTILE_MARKDOWN[0], "attachments": {"x.png": {"image/png": "PWNED"}}},
            {"cell_type": "markdown", "id": "\"><script>PWNED()</script>", "metadata": {
                "nbgrader": {"grade_id": "\"><img src=x onerror=PWNED()>", "points": "PWNED", "grade": "yes"}},
             "source": ["<iframe srcdoc=\"<script>PWNED()</script>\">", "</iframe>"]},
            {"cell_type": "code", "id": "ok-id", "execution_count": "PWNED", "metadata": {"tags": ["ok", "<b>PWNED</b>"]},
             "source": "print('<script>PWNED()</script>')",
             "outputs": [
                 {"output_type": "display_data", "metadata": {}, "data": {
                     "text/html": "<script>PWNED()</script>", "text/plain": "<IPython.core.display.HTML object>"}},
                 {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {
                     "application/javascript": "PWNED()", "image/svg+xml": "<svg onload=PWNED()></svg>",
                     "text/markdown": "[x](javascript:PWNED())", "text/latex": "\\href{javascript:PWNED()}{x}"}},
                 {"output_type": "display_data", "metadata": {}, "data": {**widget_view, "text/plain": "Button()"}},
                 {"output_type": "stream", "name": "stdout", "text": ["<script>PWNED()</script>\n"]},
                 {"output_type": "error", "ename": "X", "evalue": "<img src=x onerror=PWNED()>",
                  "traceback": ["<script>PWNED()</script>"]},
                 {"output_type": "something-new", "data": {"text/html": "<script>PWNED()</script>"}},
                 "not even a dict",
             ]},
            {"cell_type": "raw", "metadata": {"raw_mimetype": "text/html", "format": "text/html"},
             "source": "<script>PWNED()</script><b>bold</b>"},
            {"cell_type": "heading", "metadata": {}, "source": "<svg onload=PWNED()>"},
            "not a cell",
        ],
    }


def test_hostile_notebook_is_reduced_to_what_nbgrader_needs():
    nb = hostile_notebook()
    original = copy.deepcopy(nb)
    clean = sanitise_notebook(nb)
    assert nb == original  # the input is not modified
    nbformat.validate(nbformat.from_dict(clean))  # still a valid notebook for nbgrader and formgrader
    assert clean["metadata"] == {"kernelspec": {"name": "python3", "language": "python",
                                                "display_name": "&lt;img src=x onerror=PWNED()&gt;"}}
    cells = clean["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "markdown", "code", "raw", "raw"]
    essay, forged, code, raw, heading = cells
    assert essay["metadata"] == {"nbgrader": {"grade": True, "solution": True, "locked": False, "points": 4,
                                              "grade_id": "q9_essay", "schema_version": 3}}
    assert "attachments" not in essay
    assert forged["metadata"] == {}  # a forged grade id, a string for points, "yes" for a bool: dropped
    ids = [c["id"] for c in cells]
    assert len(set(ids)) == len(ids) and all(i.replace("-", "").replace("_", "").isalnum() for i in ids)
    assert code["execution_count"] is None and code["metadata"] == {"tags": ["ok"]}
    assert code["source"] == "print('<script>PWNED()</script>')"  # code is shown as code (escaped by nbconvert)
    kinds = [o["output_type"] for o in code["outputs"]]
    assert kinds == ["display_data", "execute_result", "display_data", "stream", "error"]
    for out in code["outputs"]:
        if "data" in out:
            assert set(out["data"]) == {"text/plain"}, out
    assert "not shown by the grader" in code["outputs"][1]["data"]["text/plain"]
    assert raw["metadata"] == {} and "<script" not in raw["source"] and "<b>bold</b>" in raw["source"]
    assert "onload" not in heading["source"]
    assert "PWNED" not in json.dumps(code["outputs"][2])  # the widget's model id is gone with the view


def test_rendered_like_formgrader_no_student_script_survives():
    """The whole notebook through nbconvert's HTML exporter (formgrader's renderer): the page has
    nbconvert's own scripts, but no payload reaches a script, a handler or a script URL."""
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter(template_name="lab").from_notebook_node(
        nbformat.from_dict(sanitise_notebook(hostile_notebook())))
    found = inspect(page)
    assert not found.problems, found.problems
    for tag in ("iframe", "object", "embed", "form", "svg"):
        assert tag not in found.tags
    # Without sanitising, the same page is hostile: the check can fail.
    raw_page, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.from_dict(
        {**hostile_notebook(), "cells": [c for c in hostile_notebook()["cells"][:1]]}))
    assert inspect(raw_page).problems


def test_malformed_notebooks_never_raise():
    for nb in ({}, {"cells": None}, {"cells": [None, 1, "x"]}, {"cells": [{"cell_type": "code", "outputs": 5}]},
               {"metadata": [], "cells": [{"cell_type": "markdown", "source": 12, "metadata": "x"}]}, []):
        clean = sanitise_notebook(nb)
        nbformat.validate(nbformat.from_dict(clean))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(HOSTILE_MARKDOWN + ["<", ">", "\"", "'", "=", "`", "&#", "javascript:", "\n\n",
                                                    "    ", "[", "](", ")", "<a href=", "<img src=", " on", "load="]),
                max_size=12).map("".join) | st.text(max_size=200))
def test_any_markdown_comes_out_inert(text):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    clean = sanitise_markdown(text)
    assert_inert(clean)
    assert_inert(markdown2html_mistune(clean))


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    (" =1+1", "' =1+1"), ("bob", "bob"), ("a=b", "a=b"), (None, ""), (3, "3"),
])
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_terminal_safe():
    assert terminal_safe("plain") == "plain"
    shown = terminal_safe("a\x1b[2J\x1b]0;title\x07b\rc\u202ed\x00e\nf")
    assert "\x1b" not in shown and "\r" not in shown and "\u202e" not in shown and "\x00" not in shown
    assert "\\x1b" in shown and shown.endswith("e f")
    long = terminal_safe("x" * 1000, limit=50)
    assert len(long) == 50 and long.endswith("…")
    assert len(terminal_safe("\x1b" * 1000, limit=50)) == 50
    assert terminal_safe(None) == ""


_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(HOSTILE_MARKDOWN),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=15,
)
_CELL = st.fixed_dictionaries({}, optional={
    "cell_type": st.sampled_from(["code", "markdown", "raw", "heading"]) | _ANY,
    "id": st.text(max_size=70) | _ANY, "source": st.sampled_from(HOSTILE_MARKDOWN) | st.lists(st.text(max_size=20)) | _ANY,
    "metadata": st.fixed_dictionaries({}, optional={"nbgrader": _ANY, "tags": _ANY, "editable": _ANY}) | _ANY,
    "outputs": st.lists(st.fixed_dictionaries({}, optional={
        "output_type": st.sampled_from(["stream", "error", "display_data", "execute_result"]) | _ANY,
        "data": st.dictionaries(st.sampled_from(["text/html", "text/plain", "application/javascript"]), _ANY) | _ANY,
        "text": _ANY, "traceback": _ANY, "name": _ANY, "execution_count": _ANY}), max_size=3) | _ANY,
    "execution_count": _ANY, "attachments": _ANY,
})


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional={"cells": st.lists(_CELL, max_size=5) | _ANY, "metadata": _ANY,
                                           "nbformat": _ANY}) | _ANY)
def test_any_notebook_json_sanitises_to_a_valid_inert_notebook(nb):
    from nbconvert import HTMLExporter

    clean = sanitise_notebook(nb)
    node = nbformat.from_dict(clean)
    nbformat.validate(node)
    for cell in clean["cells"]:
        if cell["cell_type"] != "code":
            assert_inert(cell["source"])
    if any(c["cell_type"] != "code" or c.get("outputs") for c in clean["cells"]):
        page, _ = HTMLExporter(template_name="lab").from_notebook_node(node)
        assert "PWNED" not in "".join(inspect(page).problems)


# Rendered in fresh interpreters: this process has nbconvert imported in full already.
_RENDER_SAMPLES = ["# Heading *one*\n\ntext $x^2$ and $$y$$\n\n\\begin{align}a\\end{align}",
                   "```python\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |", "[x](javascript:alert(1)) <b>raw</b>",
                   "![img](data:image/png;base64,AAAA)\n\n- one\n- two\n\n> quote", *HOSTILE_MARKDOWN]
_RENDER_SCRIPT = """
import json, sys
samples = json.loads(sys.stdin.read())
if sys.argv[1] == "full":
    from nbconvert.filters.markdown_mistune import markdown2html_mistune as render
else:
    from autograder.sanitise import _markdown_to_html as render
out = [render(s) for s in samples]
heavy = [m for m in ("nbconvert.exporters", "nbformat", "jsonschema") if m in sys.modules]
print(json.dumps({"out": out, "heavy": heavy}))
"""


def _render_elsewhere(mode: str) -> dict:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _RENDER_SCRIPT, mode], input=json.dumps(_RENDER_SAMPLES),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def test_renderer_is_formgraders_without_nbconverts_start_up():
    light, full = _render_elsewhere("light"), _render_elsewhere("full")
    assert light["out"] == full["out"]  # the same renderer, byte for byte
    assert light["heavy"] == []  # nbconvert's exporters and nbformat's validator were never loaded
    assert "nbconvert.exporters" in full["heavy"]  # (the check above can fail)


def test_deferred_packages_still_work_in_full():
    import subprocess
    import sys

    script = ("import sys; from autograder import sanitise, gradebook\n"
              "sanitise._markdown_to_html('# x')\n"
              "assert type(sys.modules['nbconvert']).__name__ == '_DeferredPackage'\n"
              "import nbconvert, nbformat\n"
              "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('# T')])\n"
              "nbformat.validate(nb)\n"
              "body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)\n"
              "assert 'anchor-link' in body\n"
              "from nbconvert.preprocessors import ExecutePreprocessor\n"
              "from nbgrader.apps import NbGraderAPI\n"
              "assert nbformat.notebooknode.NotebookNode is sys.modules['nbgrader.utils'].NotebookNode\n"
              "try:\n    nbconvert.no_such_name\nexcept AttributeError:\n    print('ok')\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok"
