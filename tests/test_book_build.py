"""The book builds with `jupyter-book build book -n -W --keep-going`, with no failing cell,
and the site it produces loads nothing from other hosts.

The build runs once per test run (also under pytest-xdist): `built_book()` takes a
file lock, builds through the Makefile's own targets (`make book-widgets
book-html`: npm packages, vendored widget JavaScript, then the Jupyter Book build,
incremental thanks to the execution cache) and records the result for the other
workers (`helpers.book.built_book`; `test_book_browser.py` uses it too).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from helpers import ROOT
from helpers.book import BOOK, HTML, built_book, toc_pages


pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def book() -> dict:
    result = built_book()
    if result["returncode"] != 0:
        tail = "\n".join(result["output"].splitlines()[-80:])
        pytest.fail(f"`make book-widgets book-html` failed (exit {result['returncode']}):\n{tail}", pytrace=False)
    return result


def test_book_builds_without_warnings(book):
    output = book["output"]
    print(f"book build: {book['seconds']} s (incremental, cached notebooks)")
    assert "jupyter-book build book -n -W --keep-going" in output
    assert "build succeeded" in output
    # (the kernel's own notice about its TCP transport is not a Sphinx warning)
    warnings = [line for line in output.splitlines() if "WARNING" in line and "Kernel is running over TCP" not in line]
    assert not warnings, "\n".join(warnings)


class _OutputText(HTMLParser):
    """Text and classes inside cell outputs (div.cell_output)."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # >0 while inside a cell_output div
        self.text: list[str] = []
        self.classes: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if self.depth:
            if tag not in ("br", "img", "hr", "input", "meta", "link"):
                self.depth += 1
            self.classes.append(classes)
        elif tag == "div" and "cell_output" in classes.split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


@pytest.mark.parametrize("page", toc_pages())
def test_no_error_output(book, page):
    path = HTML / f"{page}.html"
    assert path.is_file(), f"{page}.html was not built"
    parser = _OutputText()
    parser.feed(path.read_text(encoding="utf-8"))
    text = "".join(parser.text)
    assert "Traceback" not in text, f"{page}: a cell output shows a traceback"
    assert not re.search(r"\b\w*(Error|Exception)\b", text), f"{page}: a cell output shows an error: {text[:500]}"
    assert not any(re.search(r"\b(traceback|error)\b", c) for c in parser.classes), f"{page}: error output"


# Tags whose src/href the browser fetches by itself.
_FETCHING = re.compile(
    r"""<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(src|href|data)\s*=\s*["']([^"']+)["']""", re.I
)


def test_site_loads_nothing_from_other_hosts(book):
    problems = []
    pages = sorted(HTML.glob("*.html"))
    assert len(pages) >= len(toc_pages())
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for tag, attr, url in _FETCHING.findall(text):
            if re.match(r"(?:https?:)?//", url):
                problems.append(f"{page.name}: <{tag} {attr}={url}>")
        for host in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com", "googletagmanager", "plausible.io"):
            if host in text:
                problems.append(f"{page.name}: mentions {host}")
    assert not problems, "\n".join(problems)


def test_widget_javascript_is_vendored(book):
    for rel in (
        "_widgets/require.js",
        "_widgets/widgets-config.js",
        "_widgets/html-manager/dist/embed-amd.js",
        "_widgets/anywidget/index.js",
    ):
        assert (HTML / rel).is_file(), rel
    anywidget = (HTML / "_widgets/anywidget/index.js").read_text()
    assert 'define(["@jupyter-widgets/base"]' in anywidget
    # Nothing vendored in _static (Jupyter Book would inject it into every page) ...
    static_src = BOOK / "_static"
    if static_src.is_dir():
        assert not list(static_src.rglob("embed-amd.js")) and not list(static_src.rglob("require.js"))
    # ... and every page with a widget loads the three scripts from the site, in order.
    pages_with_widgets = [p for p in HTML.glob("*.html") if "application/vnd.jupyter.widget-view+json" in p.read_text()]
    assert pages_with_widgets, "no page has a widget"
    for page in pages_with_widgets:
        text = page.read_text()
        order = [text.find(s) for s in ("_widgets/require.js", "_widgets/widgets-config.js", "_widgets/html-manager/dist/embed-amd.js")]
        assert all(i > 0 for i in order) and order == sorted(order), page.name
        assert 'data-jupyter-widgets-cdn="_widgets/cdn/"' in text, page.name
    assert not any(p.name.endswith(".map") for p in (HTML / "_widgets").rglob("*"))


def test_every_toc_page_is_built(book):
    for page in toc_pages():
        assert (HTML / f"{page}.html").is_file(), page


def test_config_fails_on_cell_errors_and_caches():
    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    assert config["execute"]["execute_notebooks"] == "cache"
    assert config["execute"]["raise_on_error"] is True
    assert config["execute"].get("allow_errors", False) is False
    assert config["title"] == "Recognising the Taliban? Pakistan's Considerations — a case study"
    assert config["author"] == "The course team"
    sphinx = config["sphinx"]["config"]
    assert "sphinx_thebe" not in sphinx["extensions"]
    assert all("://" not in js for js in sphinx["nb_ipywidgets_js"])
    for pattern in (".venv", "_build", "js", "**/node_modules"):
        assert pattern in config["exclude_patterns"], pattern
    assert config["launch_buttons"]["thebe"] is False and not config["launch_buttons"]["binderhub_url"]


def test_a_failing_cell_fails_the_build(tmp_path):
    """The real configuration, on a one-page book whose only cell raises: the build must fail."""
    (tmp_path / "_config.yml").write_text((BOOK / "_config.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: broken\n", encoding="utf-8")
    (tmp_path / "_vendored").mkdir()
    shutil.copytree(BOOK / "_ext", tmp_path / "_ext")  # the config's local extensions
    (tmp_path / "_assets").mkdir()
    (tmp_path / "_assets" / "favicon.svg").write_text((BOOK / "_assets" / "favicon.svg").read_text())
    (tmp_path / "broken.md").write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
        "# Broken\n\n## Learning objectives\n\n```{code-cell} ipython3\nraise ValueError('deliberately broken cell')\n```\n",
        encoding="utf-8",
    )
    jb = ROOT / ".venv" / "bin" / "jupyter-book"
    proc = subprocess.run(
        [str(jb), "build", str(tmp_path), "-n", "-W", "--keep-going"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-2000:]
    assert "deliberately broken cell" in output


def test_student_downloads_are_offered_and_present(book):
    """The Introduction links the four student notebooks and the library wheel, and the site has them."""
    import zipfile

    intro = (HTML / "intro.html").read_text(encoding="utf-8")
    links = sorted(set(re.findall(r'href="(downloads/[^"]+)"', intro)))
    assert len([link for link in links if link.endswith(".ipynb")]) == 4, links
    wheels = [link for link in links if link.endswith(".whl")]
    assert len(wheels) == 1, links
    for link in links:
        assert (HTML / link).is_file(), link
    for link in links:
        if link.endswith(".ipynb"):
            nb = json.loads((HTML / link).read_text(encoding="utf-8"))
            sources = "".join("".join(c["source"]) for c in nb["cells"])
            assert "### BEGIN SOLUTION" not in sources and "raise NotImplementedError()" in sources
            assert not any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    names = zipfile.ZipFile(HTML / wheels[0]).namelist()
    assert any(n.startswith("considerations/_data/claims.csv") for n in names)
    assert not any("exercises" in n or n.startswith("keys/") for n in names)  # no answer keys for students


def test_release_notebook_without_the_library_says_what_to_install(book, tmp_path):
    """Opened in an environment without the course library, the first cell explains the install."""
    import subprocess
    import sys

    nb_path = next((HTML / "downloads").glob("*.ipynb"))
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    setup = next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    # -I -S: an interpreter that cannot see this project's packages
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", setup], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0
    assert "pip install" in proc.stderr and "considerations" in proc.stderr


def test_publishing_workflow_builds_with_make_book_and_deploys_the_site():
    """The GitHub Pages workflow parses, builds with `make book` (the command readers run locally),
    feeds the Pages address to COURSE_BOOK_URL and uploads exactly book/_build/html."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as True
    assert "main" in triggers["push"]["branches"]
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    for action in ("actions/checkout", "actions/setup-python", "actions/setup-node", "actions/configure-pages",
                   "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses, action
    build = next(s for s in steps if s.get("run", "").strip() == "make book")
    pages_id = next(s["id"] for s in steps if s.get("uses", "").startswith("actions/configure-pages"))
    assert build["env"]["COURSE_BOOK_URL"] == f"${{{{ steps.{pages_id}.outputs.base_url }}}}"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "book/_build/html" == HTML.relative_to(ROOT).as_posix()
    # The build job runs before the deploy job.
    deploy_job = next(name for name, job in workflow["jobs"].items()
                      if any(s.get("uses", "").startswith("actions/deploy-pages") for s in job["steps"]))
    assert workflow["jobs"][deploy_job]["needs"] in ("build", ["build"])


def test_make_serve_previews_the_built_site_on_localhost_only():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^serve:.*?\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no serve target"
    assert "http.server" in recipe.group(1) and "--bind 127.0.0.1" in recipe.group(1)
    assert "$(BOOK)/_build/html" in recipe.group(1)


# --- provenance: claim ids link to the sentences of the annotated articles ---------------


class _ClaimCodes(HTMLParser):
    """Every <code> in a page: its text and the href of the <a> it sits in (None if none); every element id."""

    def __init__(self):
        super().__init__()
        self.links: list[str | None] = []  # href of each open <a>
        self.code: list[str] | None = None
        self.code_href: str | None = None
        self.codes: list[tuple[str, str | None]] = []
        self.ids: set[str] = set()
        self.hidden = 0  # inside <script> or <style>
        self.bare: list[str] = []  # claim-id-like words in text outside links and code

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in ("script", "style"):
            self.hidden += 1
        if tag == "a":
            self.links.append(attrs.get("href"))
        elif tag == "code":
            self.code = []
            self.code_href = next((h for h in reversed(self.links) if h), None)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1
        if tag == "a" and self.links:
            self.links.pop()
        elif tag == "code" and self.code is not None:
            self.codes.append(("".join(self.code).strip(), self.code_href))
            self.code = None

    def handle_data(self, data):
        if self.code is not None:
            self.code.append(data)
        elif not self.links and not self.hidden:
            self.bare += re.findall(r"\b[a-z]+-\d+\b", data)


def _parse(path: Path) -> _ClaimCodes:
    parser = _ClaimCodes()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_claim_id_in_a_chapter_links_to_an_existing_sentence(book):
    from considerations import load_claims

    claim_ids = set(load_claims()["claim_id"])
    ids_of: dict[Path, set[str]] = {}
    shown = 0
    problems = []
    for page in sorted(HTML.rglob("*.html")):
        if "_widgets" in page.parts or "_static" in page.parts:
            continue
        parsed = _parse(page)
        if page.parent == HTML:  # the chapters (the article pages' claim chips are links too)
            problems += [f"{page.name}: {c} is plain text, not a link" for c in parsed.bare if c in claim_ids]
        for text, href in parsed.codes:
            if text not in claim_ids:
                continue
            shown += 1
            where = f"{page.relative_to(HTML)}: {text}"
            if not href or "#" not in href:
                problems.append(f"{where} is not a link to a sentence")
                continue
            file, fragment = href.split("#", 1)
            target = (page.parent / file).resolve()
            if not target.is_file():
                problems.append(f"{where} links to {href}, which does not exist")
                continue
            if target not in ids_of:
                ids_of[target] = _parse(target).ids
            if fragment not in ids_of[target]:
                problems.append(f"{where} links to {href}, which has no element with that id")
            elif not fragment.startswith(text.split("-")[0]) and "-s" not in fragment:
                problems.append(f"{where} links to {href}, which is not a sentence anchor")
    assert shown >= 100, f"only {shown} claim ids are shown in the book: did the chapters stop citing claims?"
    assert not problems, f"{len(problems)} broken claim link(s):\n" + "\n".join(problems[:40])


def test_each_article_has_an_annotated_page_with_every_sentence(book):
    from considerations.book import article_page, claim_sentences, sentences
    from considerations.sources import load_sources

    claims_on: dict[str, set[str]] = {}
    for claim_id, sids in claim_sentences().items():
        for sid in sids:
            claims_on.setdefault(sid, set()).add(claim_id)
    for source_id, source in load_sources().items():
        path = HTML / f"{article_page(source_id)}.html"
        assert path.is_file(), f"no page for {source_id}"
        text = path.read_text(encoding="utf-8")
        assert source.title.split("!")[0].replace("“", "&#8220;")[:20] in text or source.title[:20] in text
        parsed = _parse(path)
        rows = [s for s in sentences() if s["source_id"] == source_id]
        assert rows
        for s in rows:
            assert s["sentence_id"] in parsed.ids, f"{source_id}: no anchor {s['sentence_id']}"
            if s["kind"] != "sentence":
                continue
            span = re.search(rf'<span id="{s["sentence_id"]}" class="article-sentence"([^>]*)>', text)
            assert span, s["sentence_id"]
            attrs = dict(re.findall(r'data-(\w+)="([^"]*)"', span.group(1)))
            assert set(attrs["considerations"].split()) == set(s["considerations"]), s["sentence_id"]
            assert set(attrs["arguably"].split()) == set(s["arguably"]), s["sentence_id"]
            assert set(attrs["claims"].split()) == claims_on.get(s["sentence_id"], set()), s["sentence_id"]
        # the full text: every sentence's words are on the page, in order
        at = text.find("<article")
        for s in rows:
            found = text.find(html.escape(source.body[s["start"]:s["end"]], quote=False)[:60], at)
            assert found != -1, f"{source_id}: {s['sentence_id']} is missing or out of order"
            at = found
    # the pages are in the navigation
    intro = (HTML / "intro.html").read_text(encoding="utf-8")
    for source_id in load_sources():
        assert f'href="{article_page(source_id)}.html"' in intro, f"{source_id} is not in the navigation"


# --- polish: what the site ships --------------------------------------------------------------


def test_only_the_widget_files_pages_load_are_shipped(book):
    """embed-amd.js and its WOFF2 fonts only: embed.js, libembed-amd.js and the legacy font formats
    (5.5 MB) were copied but never requested."""
    dist = HTML / "_widgets" / "html-manager" / "dist"
    names = sorted(p.name for p in dist.iterdir())
    assert "embed-amd.js" in names
    assert not [n for n in names if n in ("embed.js", "libembed-amd.js") or n.endswith((".eot", ".ttf", ".svg", ".woff", ".map"))], names
    assert not list(HTML.rglob("*.map")), "source maps (the theme's 3.4 MB) are not published"
    size = sum(p.stat().st_size for p in (HTML / "_widgets").rglob("*") if p.is_file())
    assert size < 5_000_000, f"_widgets/ is {size / 1e6:.1f} MB"
    # ajv's union-type check is switched off (it logged two warnings on every widget page)
    assert "opts.allowUnionTypes||true||" in (dist / "embed-amd.js").read_text(encoding="utf-8")


def test_every_notebook_chapter_is_downloadable_as_ipynb(book):
    import nbformat

    for page in toc_pages():
        source = (BOOK / f"{page}.md").read_text(encoding="utf-8")
        if "kernelspec:" not in source[:600]:
            continue
        built = (HTML / f"{page}.html").read_text(encoding="utf-8")
        assert f'href="notebooks/{page}.ipynb"' in built, f"{page}: no link to its notebook"
        notebook = nbformat.read(HTML / "notebooks" / f"{page}.ipynb", as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert len(code) == source.count("```{code-cell}"), page
        assert not any(c.get("outputs") for c in code), f"{page}: the download should be the chapter, not its outputs"
        assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_no_empty_index_page(book):
    assert not (HTML / "genindex.html").exists()
    for page in HTML.glob("*.html"):
        assert 'href="genindex.html"' not in page.read_text(encoding="utf-8"), page.name
