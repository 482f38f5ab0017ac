"""The built site in headless Chromium, with no kernel: every page loads cleanly and
only from 127.0.0.1, every widget renders and works, the weighing board computes
exactly what `considerations.model.net_pressure` computes, and axe-core finds no
serious or critical accessibility problem.
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

from considerations import load_claims, load_timeline
from considerations.model import article_directions, article_weights, net_pressure, verdict
from test_book_build import HTML, STATE, built_book, toc_pages

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
PAGES = toc_pages() + ["genindex", "search", "index"]
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
        self.page_errors: list[str] = []
        self.failed: list[str] = []
        self.bad_status: list[str] = []
        self.foreign: list[str] = []

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
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


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    log = PageLog()

    def route(route):
        if _local(route.request.url):
            route.continue_()
        else:
            log.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: log.console_errors.append(f"{m.text} @ {m.location.get('url')}") if m.type == "error" else None)
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
        pytest.skip("no page uses WeighingBoard")
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
        pytest.skip(f"no page has a {widget_class} widget")
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
        shown = root.locator("li.cw-claim").evaluate_all("els => els.map(e => e.dataset.claim)")
        assert len(shown) == int(root.get_attribute("data-count")) <= start
        assert all(claims.loc[c, "direction"] == "against" for c in shown)
        assert re.match(rf"{len(shown)} of \d+ claims match", root.locator(".cw-count").inner_text())
        chart = root.locator("svg[role=img]").first.get_attribute("aria-label")
        assert f"against: {len(shown)}" in chart
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
