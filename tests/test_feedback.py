"""`autograder feedback`: the page a student learns from, rendered from stored results.

Golden files: tests/golden/<scenario>/stored.json (a stored result, as `autograder grade`
writes it, plus manual.json for hand grades given in formgrader) renders to
tests/golden/<scenario>/feedback.html. After an intended change, regenerate with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_feedback.py tests/test_export.py

and read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.reporting import (ASSIGNMENT, BOOK, GOLDEN, SCENARIOS, STORED, check_golden, cli, load_scenario,
                               make_course, reference_sentences, render_scenario)

from autograder.commands.feedback import render_page
from autograder.reporting import submission_view


@pytest.fixture(autouse=True)
def fixed_book_url(monkeypatch):
    # Absolute links, so the golden files do not depend on where the checkout is.
    monkeypatch.setenv("COURSE_BOOK_URL", BOOK)


class ActiveContent(HTMLParser):
    """Everything in a page that could run: script/style elements, event handlers, script URLs,
    and every URL (to check that the page makes no request to another host)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.problems, self.urls = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("script", "iframe", "object", "embed", "form", "svg", "img", "link"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} on <{tag}>")
            if name in ("href", "src", "action"):
                self.urls.append(value or "")
                if re.match(r"\s*(javascript|data|vbscript):", value or "", re.I):
                    self.problems.append(f"{name}={value!r}")


def active(page: str) -> ActiveContent:
    parser = ActiveContent()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_golden_feedback(scenario):
    page, _ = render_scenario(scenario)
    check_golden(GOLDEN / scenario / "feedback.html", page)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_page_is_inert_and_self_contained(scenario):
    page, _ = render_scenario(scenario)
    found = active(page)
    assert not found.problems, found.problems
    # Links only: no resource is loaded from anywhere (the CSP says so too).
    assert "default-src 'none'" in page
    assert all(u.startswith((BOOK + "/", "#")) for u in found.urls), found.urls
    assert '<meta name="viewport"' in page and "@media print" in page


def test_a_partly_wrong_answer_says_what_was_wrong_and_shows_the_sentences():
    page, view = render_scenario("partly_wrong_quote")
    assert "<title>Feedback: Reading the sources — bob</title>" in page
    q1 = next(q for q in view.questions if q.qid == "q1_coverage")
    # The sentences are tied to the wrong items, at most two, each shown once on the page.
    assert [s.sentence_id for s in q1.sentences] == ["iess-analysis-s032", "iess-analysis-s033"]
    assert page.count(reference_sentences()["iess-analysis-s032"].text) == 1
    assert f'{BOOK}/articles/iess-analysis.html#iess-analysis-s032' in page
    # The student's answer, readable: a table of item and label, not a Python repr.
    assert "<th scope=\"row\">durand_line</th><td>both</td>" in page
    assert "{'" not in page
    # Scores as a person writes them.
    assert "2.33 / 3" in page and "2.3333" not in page
    assert "durand_line</strong>: look again" in page
    # The evidence question without --reveal quotes nothing: it points to the article and the chapter.
    q6 = next(q for q in view.questions if q.qid == "q6_brotherhood_evidence")
    assert q6.sentences == [] and q6.key is None
    assert reference_sentences()["brotherhood-commentary-s004"].text not in page
    assert f"{BOOK}/refugees_and_brotherhood.html" in page
    assert "The answer" not in page


def test_a_right_answer_page_has_no_key_and_no_passages():
    page, view = render_scenario("right")
    assert all(q.key is None and not q.sentences for q in view.questions)
    assert "The answer" not in page and "What the article says" not in page
    assert "Score: 21 / 25" in page
    assert "4 point(s) still to be graded by hand (q9_which_witness)" in page


def test_reveal_shows_the_key_and_the_evidence_passage():
    page, view = render_scenario("revealed")
    q1 = next(q for q in view.questions if q.qid == "q1_coverage")
    assert q1.key is not None and "The answer" in page
    q6 = next(q for q in view.questions if q.qid == "q6_brotherhood_evidence")
    assert [s.sentence_id for s in q6.sentences] == ["brotherhood-commentary-s004"]


def test_the_hand_grade_and_comment_reach_the_student_with_the_total():
    page, view = render_scenario("hand_graded_essay")
    essay = next(q for q in view.questions if q.qid == "q9_which_witness")
    assert essay.manual_state == "by_hand" and essay.score == 3
    assert "3 / 4 <span class=\"label\">· Graded by hand" in page and "Your grader's comment" in page
    assert "Good contrast between the two voices.\nCite the passage next time." in page
    assert "Score: 6 / 7" in page and "graded by hand: 3" in page
    assert "**In short:**" in page  # the written answer, as written


def test_a_hard_wrapped_essay_reflows_as_its_paragraphs():
    # Notebook answers are often wrapped by hand; shown as typed they broke mid-sentence at
    # 375 px (walkthrough 2026-11-29). Lines join as Markdown joins them; lists keep their lines.
    page, _ = render_scenario("hand_graded_essay")
    assert ("<p>The IESS analysis is the better witness for Pakistan&#39;s official line: it quotes Shafqat Ali "
            "Khan by name, while the commentary relies on anonymous officials.</p><p>**In short:**") in page
    from autograder.reporting import prose
    assert prose("One\ntwo.\n\n- a\n- b\n1. c\nd") == [["One two."], ["- a", "- b", "1. c d"]]


def test_failed_and_invalid_submissions_say_what_went_wrong_and_what_to_do():
    page, _ = render_scenario("failed_run")
    assert "could not be graded in full" in page and "q5_loaded_language_answer" in page
    assert "Restart Kernel and Run All Cells" in page
    assert "NameError: name &#39;pd&#39; is not defined" in page
    page, view = render_scenario("invalid_folder")
    assert view.status == "invalid" and "not a valid student id" in page and "What to do" in page


def test_hostile_results_render_escaped_and_the_page_goes_on():
    page, view = render_scenario("hostile_strings")
    assert "<script" not in page.lower() and "<img" not in page
    assert "&lt;script&gt;" in page  # shown as text, so the instructor can see what was tried
    assert "could not be shown" in page  # the result that is not even an object
    assert view.broken
    assert "javascript:" not in page  # the forged chapter is not linked
    assert "a number too large to show" in page  # 10**400 as an answer


# --- fuzzing: any stored value renders, escaped ------------------------------------------------

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stored=STORED, reveal=st.booleans())
def test_any_stored_result_renders_without_crash_or_active_content(stored, reveal):
    view = submission_view(stored, "fuzz<b>", ASSIGNMENT, reveal=reveal, folder=Path("/course/feedback/fuzz"),
                           manual={(ASSIGNMENT, "q9_which_witness"): (1.0, "<script>alert(1)</script>")})
    page = render_page(view)
    found = active(page)
    assert not found.problems, found.problems
    assert "<b>" not in page.split("</style>", 1)[1].replace("<body>", "")


# --- the command ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_feedback_command_writes_one_page_per_student_and_survives_a_forged_result(tmp_path):
    course = make_course(tmp_path, ["hostile_strings", "partly_wrong_quote", "right"])
    # A damaged result file between two good ones.
    (course / "submitted" / "zoe" / ASSIGNMENT).mkdir(parents=True)
    (course / "autograded" / "zoe" / ASSIGNMENT).mkdir(parents=True)
    (course / "autograded" / "zoe" / ASSIGNMENT / "autograder.json").write_text('{"notebooks": [{"questions": [')
    (course / "submitted" / "not graded yet" / ASSIGNMENT).mkdir(parents=True)
    result = cli("feedback", ASSIGNMENT, "--course", str(course))
    assert result.returncode == 0, result.stderr
    pages = sorted(p.relative_to(course / "feedback").as_posix() for p in (course / "feedback").rglob("*.html"))
    assert pages == [f"{s}/{ASSIGNMENT}/{ASSIGNMENT}.html" for s in ("alice", "bob", "mallory", "not graded yet", "zoe")]
    assert "damaged" in (course / "feedback" / "zoe" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "not a valid student id" in (course / "feedback" / "not graded yet" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "\x1b" not in result.stderr
    unknown = cli("feedback", ASSIGNMENT, "--course", str(course), "--student", "nobody")
    assert unknown.returncode == 2 and "nobody" in unknown.stderr


def test_feedback_help_describes_the_argument_and_every_option():
    text = cli("feedback", "--help").stdout
    for piece in ("assignment", "the assignment to write feedback for", "--course", "--reveal", "--student"):
        assert piece in text
    for option in ("--course DIR", "--student ID"):
        assert re.search(re.escape(option) + r"\s+\S", text), option


@pytest.mark.slow
def test_every_link_in_feedback_resolves_in_the_built_book(tmp_path, monkeypatch):
    """With no book URL set, feedback links point into the locally built book by relative path
    (issue 12 item 2): each must reach a page of the built site, and each anchor an id on it."""
    from test_book_build import built_book  # the one book build of the test run

    result = built_book()
    if result["returncode"] != 0:
        pytest.fail("the book did not build; see test_book_build.py", pytrace=False)
    html = Path(result["html"]).resolve()
    monkeypatch.setenv("COURSE_BOOK_URL", "")
    checked, anchored = 0, 0
    for scenario in SCENARIOS:
        stored, manual = load_scenario(scenario)
        folder = tmp_path / "course" / "feedback" / scenario / ASSIGNMENT
        view = submission_view(stored, scenario, ASSIGNMENT, reveal=scenario == "revealed", folder=folder,
                               manual=manual)
        folder.mkdir(parents=True)
        page = folder / f"{ASSIGNMENT}.html"
        page.write_text(render_page(view), encoding="utf-8")
        for url in active(page.read_text()).urls:
            target, _, anchor = url.partition("#")
            if not target:
                continue
            resolved = (folder / target).resolve()
            assert resolved.is_relative_to(html) and resolved.is_file(), f"{scenario}: dead link {url}"
            checked += 1
            if anchor:
                assert f'id="{anchor}"' in resolved.read_text(encoding="utf-8"), f"{scenario}: no #{anchor} in {target}"
                anchored += 1
    assert checked >= 10 and anchored >= 1, (checked, anchored)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.mark.slow
def test_pages_fit_a_phone_load_nothing_and_print(tmp_path):
    """Each golden page in Chromium: at 375 px nothing is wider than the screen, the page requests
    nothing but itself, and the print layout drops the folded-away printed output."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for scenario in SCENARIOS:
                page_file = tmp_path / f"{scenario}.html"
                page_file.write_text(render_scenario(scenario)[0], encoding="utf-8")
                page = browser.new_page(viewport={"width": 375, "height": 700}, device_scale_factor=2, is_mobile=True)
                requests, errors = [], []
                page.on("request", lambda r, requests=requests: requests.append(r.url))
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.goto(page_file.as_uri(), wait_until="load")
                assert requests == [page_file.as_uri()], (scenario, requests)
                assert not errors, (scenario, errors)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 375, f"{scenario}: {width}px wide on a 375px screen"
                page.emulate_media(media="print")
                hidden = page.evaluate("[...document.querySelectorAll('.printed')]"
                                       ".every(e => getComputedStyle(e).display === 'none')")
                assert hidden, scenario
                assert len(page.pdf(format="A4")) > 1000
                page.close()
        finally:
            browser.close()
