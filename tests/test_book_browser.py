"""The built site in headless Chromium, with no kernel: every page loads cleanly (no
console warning or error) and only from 127.0.0.1, every widget renders and works, the
weighing board computes exactly what `considerations.model.net_pressure` computes,
axe-core finds no serious or critical accessibility problem, every page fits a 375 px
phone, the site and its widgets follow the system's dark mode, and claim ids link to
their sentences on the annotated article pages.
"""

from __future__ import annotations

import functools
import http.server
import random
import re
import socketserver
import threading
import warnings
from urllib.parse import urlparse

import pytest
from helpers.book import HTML, STATE, built_book, toc_pages

from considerations import load_claims, load_timeline
from considerations.book import article_page, claim_sentences, sentences
from considerations.model import article_directions, article_weights, net_pressure, verdict
from considerations.sources import load_sources

playwright_sync = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTICLE_PAGES = [article_page(s) for s in load_sources()]
PAGES = toc_pages() + ARTICLE_PAGES + ["search", "index"]
PHONE = {"width": 375, "height": 812}
WIDGET_TIMEOUT_MS = 30_000


class AccessibilityReport(UserWarning):
    """Per-page axe-core figures (reported as warnings so they show in the test log)."""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    result = built_book()
    if result["returncode"] != 0:
        pytest.fail("the book did not build; see test_book_build.py", pytrace=False)
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageLog:
    def __init__(self):
        self.console_errors: list[str] = []
        self.console_warnings: list[str] = []
        self.page_errors: list[str] = []
        self.failed: list[str] = []
        self.bad_status: list[str] = []
        self.foreign: list[str] = []

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"console warning: {m}" for m in self.console_warnings]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed]
            + [f"HTTP error: {m}" for m in self.bad_status]
            + [f"request to another host: {m}" for m in self.foreign]
        )


def _local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("blob", "data", "about"):
        return True  # in-page objects (anywidget loads its ES module from a blob: URL)
    return parsed.hostname == "127.0.0.1"


def open_page(browser, url: str, **context_options):
    options = {"viewport": {"width": 1280, "height": 900}, "service_workers": "block", **context_options}
    context = browser.new_context(**options)
    log = PageLog()

    def route(route):
        if _local(route.request.url):
            route.continue_()
        else:
            log.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    def console(message):
        where = f"{message.text} @ {message.location.get('url')}"
        if message.type == "error":
            log.console_errors.append(where)
        elif message.type == "warning":
            log.console_warnings.append(where)

    page.on("console", console)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: log.failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: log.bad_status.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: None if _local(r.url) else log.foreign.append(r.url))
    page.goto(url, wait_until="networkidle")
    return context, page, log


def expected_anywidget_views(page) -> int:
    """How many widget views on the page belong to anywidget models (from the embedded state)."""
    return page.evaluate(
        """() => {
        const state = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
        if (!state) return 0;
        const models = JSON.parse(state.textContent).state;
        let n = 0;
        for (const s of document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')) {
            const m = models[JSON.parse(s.textContent).model_id];
            if (m && m.model_module === "anywidget") n += 1;
        }
        return n;
    }"""
    )


def wait_for_widgets(page) -> int:
    n = expected_anywidget_views(page)
    if n:
        page.wait_for_function(
            "n => document.querySelectorAll('.cw-root').length >= n", arg=n, timeout=WIDGET_TIMEOUT_MS
        )
        page.wait_for_timeout(300)  # let the first render settle
    return n


def pages_with(widget_class: str) -> list[str]:
    """Chapters whose embedded widget state has a considerations.widgets.<widget_class>."""
    marker = f'"considerations.widgets.{widget_class}"'
    found = []
    for name in toc_pages():
        path = HTML / f"{name}.html"
        if path.is_file() and marker in path.read_text(encoding="utf-8"):
            found.append(name)
    return found


@pytest.mark.parametrize("name", PAGES)
def test_page(browser, site, name):
    context, page, log = open_page(browser, f"{site}{name}.html")
    try:
        widgets = wait_for_widgets(page)
        rendered = page.locator(".cw-root").count()
        assert rendered == widgets, f"{name}: {widgets} widget(s) expected, {rendered} rendered"
        source = (HTML / f"{name}.html").read_text(encoding="utf-8")
        if "considerations.widgets" in source:
            assert rendered >= 1, f"{name}: the page uses considerations.widgets but no widget rendered"

        # Network and console checks first: axe-core's own stylesheet preloading
        # resolves CSS @imports against the page and asks for files that do not exist.
        problems = log.problems()

        results = axe_sync.Axe().run(page)
        violations = results.response["violations"]
        by_impact = {k: 0 for k in ("critical", "serious", "moderate", "minor")}
        for v in violations:
            by_impact[v["impact"]] = by_impact.get(v["impact"], 0) + len(v["nodes"])
        figures = (
            f"axe {name}.html: " + ", ".join(f"{by_impact[k]} {k}" for k in by_impact)
            + f" (nodes); rules: {', '.join(sorted(v['id'] for v in violations)) or 'none'}; widgets rendered: {rendered}"
        )
        print(figures)
        # A warning, so that the figures appear in the log of every run (also under xdist).
        warnings.warn(AccessibilityReport(figures))
        severe = [
            f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert not severe, f"{name}: axe-core found serious/critical problems:\n" + "\n".join(severe)
        assert not problems, f"{name}:\n" + "\n".join(problems)
    finally:
        context.close()


# --- the weighing board -----------------------------------------------------------


def board_state(board) -> dict:
    return board.evaluate(
        """el => ({
        total: Number(el.dataset.total),
        verdict: el.querySelector('.cw-verdict').textContent,
        rows: Array.from(el.querySelectorAll('tbody tr[data-consideration]')).map(tr => ({
            id: tr.dataset.consideration,
            weight: Number(tr.querySelector('input[type=range]').value),
            direction: tr.querySelector('select').value,
            contribution: Number(tr.querySelector('.cw-contribution').dataset.contribution),
        })),
        bars: Object.fromEntries(Array.from(el.querySelectorAll('rect.cw-bar')).map((r, i) =>
            [i, {contribution: Number(r.dataset.contribution), width: Number(r.getAttribute('width'))}])),
    })"""
    )


def assert_board_matches(board, weights: dict, directions: dict):
    expected = net_pressure(weights, directions).set_index("consideration_id")
    state = board_state(board)
    assert [r["id"] for r in state["rows"]] == list(expected.index)
    for i, row in enumerate(state["rows"]):
        want = expected.loc[row["id"]]
        assert row["weight"] == want["weight"], row
        assert row["direction"] == want["direction"], row
        assert row["contribution"] == want["contribution"], (row, float(want["contribution"]))
        assert state["bars"][str(i)]["contribution"] == want["contribution"], row
    total = float(expected["contribution"].sum())
    assert state["total"] == total
    assert state["verdict"] == verdict(total)
    return state


def set_weight(board, cid: str, weight: int):
    slider = board.locator(f'input[type=range][data-consideration="{cid}"]')
    slider.focus()
    slider.press("Home")
    for _ in range(weight):
        slider.press("ArrowRight")


def test_weighing_board_matches_the_python_model(browser, site):
    names = pages_with("WeighingBoard")
    if not names:
        pytest.fail("no page of the book has the weighing board any more", pytrace=False)
    name = "weighing_it_all" if "weighing_it_all" in names else names[0]
    context, page, log = open_page(browser, f"{site}{name}.html")
    try:
        wait_for_widgets(page)
        board = page.locator(".cw-weighing-board").first
        board.scroll_into_view_if_needed()

        board.get_by_role("button", name="Load IESS weights").click()
        weights = dict(article_weights("iess"))
        directions = dict(article_directions("iess"))
        assert_board_matches(board, weights, directions)
        assert board_state(board)["total"] == 7

        board.get_by_role("button", name="Load Commentary weights").click()
        weights = dict(article_weights("commentary"))
        directions = dict(article_directions("commentary"))
        before = assert_board_matches(board, weights, directions)

        # Move one slider with the keyboard: the chart changes with it.
        set_weight(board, "economy", 2)
        weights["economy"] = 2
        after = assert_board_matches(board, weights, directions)
        index = [r["id"] for r in after["rows"]].index("economy")
        assert after["bars"][str(index)]["width"] < before["bars"][str(index)]["width"]
        assert after["bars"][str(index)]["contribution"] == -2
        # ... and a direction select.
        board.locator('select[data-consideration="india"]').select_option("against")
        directions["india"] = "against"
        assert_board_matches(board, weights, directions)

        # Random settings, compared with the Python model each time.
        rng = random.Random(2025)
        ids = list(weights)
        for _ in range(3):
            for cid in rng.sample(ids, 4):
                weights[cid] = rng.randint(0, 10)
                set_weight(board, cid, int(weights[cid]))
                directions[cid] = rng.choice(["toward", "against", "uncertain", "none"])
                board.locator(f'select[data-consideration="{cid}"]').select_option(directions[cid])
            assert_board_matches(board, weights, directions)

        STATE.mkdir(parents=True, exist_ok=True)
        board.get_by_role("button", name="Load IESS weights").click()
        board.screenshot(path=str(STATE / "weighing_board.png"))
        assert not log.problems(), log.problems()
    finally:
        context.close()


# --- the other widgets work without a kernel ----------------------------------------


def _first_page(widget_class: str) -> str:
    names = pages_with(widget_class)
    if not names:
        # A widget that disappears from the book is a failure, not a reason to skip its test.
        pytest.fail(f"no page of the book has a {widget_class} widget any more", pytrace=False)
    return names[0]


def test_claims_explorer_filters(browser, site):
    name = _first_page("ClaimsExplorer")
    context, page, log = open_page(browser, f"{site}{name}.html")
    try:
        wait_for_widgets(page)
        root = page.locator(".cw-claims-explorer").first
        claims = load_claims().set_index("claim_id")
        start = int(root.get_attribute("data-count"))
        options = root.locator('select[data-filter="direction"]')
        options.select_option("against")
        against = int(root.get_attribute("data-count"))
        assert 0 < against <= start
        # Paged: PAGE_SIZE (10) claims at a time; walk every page and collect them.
        shown = []
        while True:
            shown += root.locator("li.cw-claim").evaluate_all("els => els.map(e => e.dataset.claim)")
            following = root.get_by_role("button", name="Next")
            if not following.is_visible() or following.is_disabled():
                break
            following.click()
        assert len(shown) == len(set(shown)) == against
        assert all(claims.loc[c, "direction"] == "against" for c in shown)
        assert re.match(rf"{against} of \d+ claims match", root.locator(".cw-count").inner_text())
        chart = root.locator("svg[role=img]").first.get_attribute("aria-label")
        assert f"against: {against}" in chart
        # The list never holds more than one page: the glossary used to be 33,000 px tall.
        options.select_option("")
        assert root.locator("li.cw-claim").count() == min(10, start)
        assert root.get_attribute("data-page") == "1"
        # Each claim id links to its sentence on the article page.
        first = root.locator("li.cw-claim").first
        cid = first.get_attribute("data-claim")
        href = first.locator(".cw-meta a.cw-claim-id").get_attribute("href")
        assert href.endswith(f"#{claim_sentences()[cid][0]}"), href
        options.select_option("")
        root.locator('input[data-filter="text"]').fill("brother")
        shown = root.locator("li.cw-claim").evaluate_all("els => els.map(e => e.dataset.claim)")
        assert shown, "the search should find the 'brothers' claims"
        for c in shown:
            text = f"{claims.loc[c, 'claim']} {claims.loc[c, 'quote']} {c}".lower()
            assert "brother" in text
        assert not log.problems(), log.problems()
    finally:
        context.close()


def test_timeline_explorer(browser, site):
    name = _first_page("TimelineExplorer")
    context, page, log = open_page(browser, f"{site}{name}.html")
    try:
        wait_for_widgets(page)
        root = page.locator(".cw-timeline").first
        timeline = load_timeline().set_index("event_id")
        events = root.locator("g.cw-event")
        assert events.count() == len(timeline)
        second = events.nth(1)
        second.click()
        event_id = second.get_attribute("data-event")
        assert root.get_attribute("data-selected") == event_id
        assert timeline.loc[event_id, "event"] in root.locator(".cw-details").inner_text()
        # keyboard: the selected event is focused; ArrowDown selects the next one
        page.keyboard.press("ArrowDown")
        third = events.nth(2).get_attribute("data-event")
        assert root.get_attribute("data-selected") == third
        page.keyboard.press("Enter")
        assert root.get_attribute("data-selected") == third
        # outside-context dates are marked as such
        outside = timeline[timeline["date_basis"] == "outside_context"].index[0]
        root.locator(f'g.cw-event[data-event="{outside}"]').click()
        assert "context from outside the articles" in root.locator(".cw-details").inner_text()
        root.get_by_label("Show only events that open a policy period").check()
        assert root.locator("g.cw-event").count() == int(timeline["policy_period"].notna().sum())
        assert not log.problems(), log.problems()
    finally:
        context.close()


def test_policy_period_stepper(browser, site):
    name = _first_page("PolicyPeriodStepper")
    context, page, log = open_page(browser, f"{site}{name}.html")
    try:
        wait_for_widgets(page)
        root = page.locator(".cw-stepper").first
        assert root.get_attribute("data-period") == "1"
        previous = root.get_by_role("button", name="Previous")
        following = root.get_by_role("button", name="Next")
        assert previous.is_disabled()
        assert "separated" in root.locator(".cw-stance").inner_text()
        for expected in ("2", "3", "4"):
            following.click()
            assert root.get_attribute("data-period") == expected
        assert following.is_disabled()
        assert "iess-27" in root.inner_text()
        assert "separated" in root.locator(".cw-stance").inner_text()
        previous.click()
        assert root.get_attribute("data-period") == "3"
        assert "linked" in root.locator(".cw-stance").inner_text()
        assert root.locator("svg[role=img] title").count() >= 1
        assert not log.problems(), log.problems()
    finally:
        context.close()


def test_actor_map(browser, site):
    name = _first_page("ActorMap")
    context, page, log = open_page(browser, f"{site}{name}.html")
    try:
        wait_for_widgets(page)
        root = page.locator(".cw-actor-map").first
        root.get_by_role("radio", name="Both").check()
        both = root.locator("line.cw-arrow").count()
        root.get_by_role("radio", name="IESS").check()
        assert root.get_attribute("data-view") == "iess-analysis"
        assert root.locator('line.cw-arrow[data-source="brotherhood-commentary"]').count() == 0
        assert 0 < root.locator("line.cw-arrow").count() < both
        ttp = root.locator('g.cw-actor[data-actor="ttp"]')
        ttp.click()
        details = root.locator(".cw-details").inner_text()
        assert "The TTP" in details and "iess-" in details and "comm-" not in details
        root.get_by_role("radio", name="Commentary").check()
        ttp = root.locator('g.cw-actor[data-actor="ttp"]')
        ttp.focus()
        page.keyboard.press("Enter")
        assert "comm-" in root.locator(".cw-details").inner_text()
        assert not log.problems(), log.problems()
    finally:
        context.close()


def test_readings_comparison(browser, site):
    name = _first_page("ReadingsComparison")
    context, page, log = open_page(browser, f"{site}{name}.html")
    try:
        wait_for_widgets(page)
        root = page.locator(".cw-readings").first
        disagree = root.locator(".cw-card-disagree").count()
        root.get_by_label(re.compile("Show only where the articles disagree")).check()
        assert root.locator(".cw-card").count() == disagree
        assert root.locator(".cw-disagree").count() == disagree
        if disagree:
            assert "Why" in root.locator(".cw-disagree").first.inner_text()
        assert not log.problems(), log.problems()
    finally:
        context.close()


# --- phones: every page fits 375 px ------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone(browser, site, name):
    """At 375 px (a phone, DPR 2) no page scrolls sideways and no widget sticks out of the screen."""
    context, page, log = open_page(
        browser, f"{site}{name}.html", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    try:
        wait_for_widgets(page)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width} px wide on a {PHONE['width']} px phone"
        too_wide = page.evaluate(
            """limit => Array.from(document.querySelectorAll('.cw-root')).map(el => {
                const r = el.getBoundingClientRect();
                return {cls: el.className, right: Math.round(r.right), inner: el.scrollWidth - el.clientWidth};
            }).filter(w => w.right > limit || w.inner > 1)""",
            PHONE["width"],
        )
        assert not too_wide, f"{name}: widgets wider than the phone or scrolling inside: {too_wide}"
        if name in ("weighing_it_all", "glossary", ARTICLE_PAGES[0], "timeline", "regional_players"):
            STATE.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(STATE / f"phone_{name.replace('/', '_')}.png"), full_page=False)
        assert not log.problems(), log.problems()
    finally:
        context.close()


def test_weighing_board_controls_are_on_screen_on_a_phone(browser, site):
    context, page, log = open_page(
        browser, f"{site}weighing_it_all.html", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    try:
        wait_for_widgets(page)
        board = page.locator(".cw-weighing-board").first
        board.scroll_into_view_if_needed()
        for selector in ("select[data-consideration]", "input[type=range][data-consideration]", ".cw-contribution"):
            boxes = board.locator(selector).evaluate_all(
                "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"
            )
            assert boxes, selector
            assert all(0 <= left and right <= PHONE["width"] for left, right in boxes), (selector, boxes)
        # and it still works with a finger: pick a direction
        board.locator('select[data-consideration="economy"]').select_option("against")
        assert "Contribution" in board.locator('tr[data-consideration="economy"] .cw-contribution').evaluate(
            "e => getComputedStyle(e, '::before').content"
        )
        # The chart switches to labels above the bars, so its text stays readable (not 720 px scaled down).
        assert board.locator("svg.cw-pressure-chart-narrow").count() == 1
        heights = board.locator("svg.cw-pressure-chart .cw-svg-label").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 10, f"chart labels are {min(heights):.1f} px tall on a phone"
        board.screenshot(path=str(STATE / "phone_weighing_board.png"))
        assert not log.problems(), log.problems()
    finally:
        context.close()


# --- dark mode ------------------------------------------------------------------------------

_LUMINANCE = """el => {
    const rgb = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);
    const [r, g, b] = rgb.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_site_and_widgets_follow_the_system_colour_scheme(browser, site, scheme):
    name = _first_page("ActorMap")
    context, page, log = open_page(browser, f"{site}{name}.html", color_scheme=scheme)
    try:
        wait_for_widgets(page)
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        for root in page.locator(".cw-root").all():
            luminance = root.evaluate(_LUMINANCE)
            if scheme == "dark":
                assert luminance < 0.05, f"a widget stays light in dark mode ({root.get_attribute('class')})"
                frame = root.evaluate_handle("e => e.parentElement")
                assert frame.evaluate("e => getComputedStyle(e).backgroundColor") in ("rgba(0, 0, 0, 0)", "transparent") or (
                    frame.evaluate(_LUMINANCE) < 0.05
                ), "the widget sits in a light frame in dark mode"
            else:
                assert luminance > 0.8, root.get_attribute("class")
        # The actor map's radio buttons draw for the widget's background: unselected ones are
        # not filled dots that look selected (they were, in dark mode, on a white widget).
        radios = page.locator(".cw-actor-map input[type=radio]")
        assert radios.count() >= 2
        for i in range(radios.count()):
            assert radios.nth(i).evaluate("e => getComputedStyle(e).colorScheme") == scheme
        page.locator(".cw-actor-map").first.screenshot(path=str(STATE / f"{scheme}_actor_map.png"))
        assert not log.problems(), log.problems()
    finally:
        context.close()


def test_figures_are_readable_in_dark_mode(browser, site):
    """Matplotlib figures keep a light background of their own in dark mode, so their dark text stays readable."""
    pages = [p for p in toc_pages() if 'class="cw-plot"' in (HTML / f"{p}.html").read_text(encoding="utf-8")]
    assert pages
    context, page, log = open_page(browser, f"{site}{pages[0]}.html", color_scheme="dark")
    try:
        figures = page.locator("article figure.cw-plot")
        assert figures.count() >= 1
        for figure in figures.all():
            img = figure.locator("img")
            assert img.evaluate("e => e.naturalWidth") > 0
            # the theme puts images on a light card in dark mode
            assert img.evaluate(_LUMINANCE) > 0.5, "the white figure has no light card around it in dark mode"
            caption = figure.locator("figcaption").evaluate(
                "e => getComputedStyle(e).color.match(/[\\d.]+/g).slice(0, 3).map(Number)"
            )
            assert min(caption) > 120, f"the caption is too dark to read on the dark page: rgb{tuple(caption)}"
        assert not log.problems(), log.problems()
    finally:
        context.close()


# --- the annotated articles and provenance links -----------------------------------------


def test_article_page_highlights_the_sentences_of_a_consideration(browser, site):
    source_id = next(iter(load_sources()))
    # headings are the page's section titles; the highlighter marks the sentences
    rows = [s for s in sentences() if s["source_id"] == source_id and s["kind"] == "sentence"]
    counts: dict[str, tuple[int, int]] = {}
    for s in rows:
        for c in s["considerations"]:
            counts[c] = (counts.get(c, (0, 0))[0] + 1, counts.get(c, (0, 0))[1])
        for c in s["arguably"]:
            if c not in s["considerations"]:
                counts[c] = (counts.get(c, (0, 0))[0], counts.get(c, (0, 0))[1] + 1)
    assert counts, "no sentence of the article is annotated with a consideration"
    wanted = max(counts, key=lambda c: counts[c][0] + counts[c][1])
    context, page, log = open_page(browser, f"{site}{article_page(source_id)}.html")
    try:
        form = page.locator("form.article-highlighter")
        assert page.locator(".article-sentence[id].is-on").count() == 0
        form.locator("select").select_option(wanted)
        on, arguable = counts[wanted]
        assert page.locator(".article-sentence[id].is-on").count() == on
        assert page.locator(".article-sentence[id].is-arguable").count() == arguable
        assert f"{on} sentence" in form.locator(".article-highlight-status").inner_text()
        for sid in page.locator(".article-sentence[id].is-on").evaluate_all("els => els.map(e => e.id)"):
            assert wanted in next(s for s in rows if s["sentence_id"] == sid)["considerations"]
        # a link can preselect the consideration
        page.goto(f"{site}{article_page(source_id)}.html?consideration={wanted}", wait_until="networkidle")
        assert page.locator(".article-sentence[id].is-on").count() == on
        # each sentence shows the claims resting on it
        claimed = [(sid, cs) for cs_ in [claim_sentences()] for sid, cs in [(v[0], k) for k, v in cs_.items()]]
        sid, cid = next((sid, cid) for sid, cid in claimed if sid.startswith(source_id))
        assert cid in page.locator(f"[id='{sid}'] .claim-chip").all_inner_texts()
        assert not log.problems(), log.problems()
    finally:
        context.close()


def test_claim_ids_preview_their_quote_and_open_their_sentence(browser, site):
    claims = load_claims().set_index("claim_id")
    context, page, log = open_page(browser, f"{site}durand_line.html", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        ref = page.locator("article .claim-ref").first
        link = ref.locator("a.claim-link")
        cid = link.inner_text().strip()
        assert claims.loc[cid, "quote"] in link.get_attribute("title")  # hover preview
        popover = ref.locator(".claim-popover")
        assert not popover.is_visible()
        ref.locator("button.claim-peek").tap()  # tap preview
        assert popover.is_visible()
        assert claims.loc[cid, "quote"] in popover.inner_text()
        box = popover.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        page.keyboard.press("Escape")
        assert not popover.is_visible()
        link.click()
        page.wait_for_load_state("networkidle")
        sentence_id = claim_sentences()[cid][0]
        assert page.url.endswith(f"#{sentence_id}")
        target = page.locator(f"[id='{sentence_id}']")
        assert target.count() == 1 and target.is_visible()
        assert cid in (target.get_attribute("data-claims") or "").split()
        assert not log.problems(), log.problems()
    finally:
        context.close()


def test_timeline_legend_symbols_match_the_markers(browser, site):
    name = _first_page("TimelineExplorer")
    context, page, log = open_page(browser, f"{site}{name}.html")
    try:
        wait_for_widgets(page)
        root = page.locator(".cw-timeline").first
        for basis in ("article", "inferred"):
            key = root.locator(f".cw-key-{basis}").evaluate("e => getComputedStyle(e).backgroundColor")
            markers = root.locator(f".cw-marker-{basis}")
            assert markers.count() >= 1, basis
            assert markers.first.evaluate("e => getComputedStyle(e).fill") == key, basis
            assert "gradient" not in root.locator(f".cw-key-{basis}").evaluate("e => getComputedStyle(e).backgroundImage")
    finally:
        context.close()


def test_glossary_has_a_to_z_jumps(browser, site):
    context, page, log = open_page(browser, f"{site}glossary.html")
    try:
        wait_for_widgets(page)
        letters = page.locator(".az-letters a")
        assert letters.count() >= 8
        letter = letters.nth(3)
        letter.click()
        group = page.locator(f"dt#az-{letter.inner_text()}")
        term_link = group.locator("xpath=following-sibling::dd[1]//a").first
        term = term_link.inner_text()
        assert term[0].upper() == letter.inner_text()
        term_link.click()
        anchor = page.url.split("#")[1]
        assert page.locator(f"dt[id='{anchor}']").inner_text().strip() == term
        height = page.evaluate("document.scrollingElement.scrollHeight")
        assert height < 20_000, f"the glossary is {height} px tall"
        assert not log.problems(), log.problems()
    finally:
        context.close()
