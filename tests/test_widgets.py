"""Widget construction: the traitlets carry the right data, and the front end stays local."""

import re
from pathlib import Path

import pytest

from considerations import (
    load_claims,
    load_considerations,
    load_disagreements,
    load_readings,
    load_timeline,
)
from considerations import model
from considerations.widgets import (
    ActorMap,
    ClaimsExplorer,
    PolicyPeriodStepper,
    ReadingsComparison,
    TimelineExplorer,
    WeighingBoard,
    actor_pulls,
)

ASSETS = Path(__file__).resolve().parent.parent / "considerations" / "widgets"
ALL = [WeighingBoard, ClaimsExplorer, TimelineExplorer, PolicyPeriodStepper, ActorMap, ReadingsComparison]
# an import or dynamic import of anything that is not local code
REMOTE_IMPORT = re.compile(r"""(?:\bimport\b[^;]*?\bfrom\s*|\bimport\s*\(?\s*)["'`](?:https?:)?//""")


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_esm_is_local_and_self_contained(cls):
    widget = cls()
    esm, css = widget._esm, widget._css
    assert "export default" in esm
    assert not REMOTE_IMPORT.search(esm), "the widget ES module imports from the network"
    assert not re.search(r"^\s*import\s", esm, re.M), "widget modules use no imports at all"
    assert "http" not in css.lower(), "the stylesheet must not load anything"
    assert "@import" not in css
    assert ".cw-root" in css


def test_asset_files_reference_no_other_host():
    files = list(ASSETS.glob("*.js")) + list(ASSETS.glob("*.css"))
    assert len(files) >= 8
    for path in files:
        text = path.read_text()
        assert not REMOTE_IMPORT.search(text), path
        for host in ("jsdelivr", "unpkg", "cdnjs", "esm.sh", "skypack", "googleapis", "jspm"):
            assert host not in text.lower(), (path, host)
        # the only absolute URL allowed is the SVG namespace name (an identifier, never fetched)
        urls = set(re.findall(r"https?://[^\s\"'`)]+", text))
        assert urls <= {"http://www.w3.org/2000/svg"}, (path, urls)


def test_weighing_board_traitlets():
    board = WeighingBoard()
    considerations = load_considerations()
    assert [c["id"] for c in board.considerations] == list(considerations["consideration_id"])
    assert all(w == 5 for w in board.weights.values())
    assert board.directions == dict(model.article_directions("iess"))
    assert board.direction_value == model.DIRECTION_VALUE
    assert len(board.readings) == len(load_readings())
    r = next(r for r in board.readings if r["consideration_id"] == "economy" and r["source_id"] == "brotherhood-commentary")
    assert (r["direction"], r["weight"], r["weight_value"], r["source_label"]) == ("against", "major", 7, "Commentary")
    assert board.presets["iess-analysis"]["weights"] == {k: float(v) for k, v in model.article_weights("iess").items()}


def test_weighing_board_source_and_python_side():
    board = WeighingBoard(source="commentary")
    assert board.total == -41 and board.verdict == "leans against recognition"
    board.load("iess")
    assert board.total == 7
    board.weights = {**board.weights, "us_west_imf": 0}
    assert board.total == 17
    assert board.table().equals(model.net_pressure(board.weights, board.directions))


def test_claims_explorer_traitlets():
    everything = ClaimsExplorer()
    assert len(everything.claims) == len(load_claims())
    claim = everything.claims[0]
    assert set(claim) >= {"claim_id", "claim", "quote", "source_name", "source_label", "direction", "voice", "consideration_name"}
    assert everything.filters == {"consideration": "", "source": "", "direction": "", "voice": "", "text": ""}

    some = ClaimsExplorer(["durand_line", "economy"], source_id="iess")
    claims = load_claims()
    wanted = claims[claims["consideration_id"].isin(["durand_line", "economy"])]
    assert {c["claim_id"] for c in some.claims} == set(wanted["claim_id"])
    assert some.filters["source"] == "iess-analysis"
    assert len(some.matching()) == int((wanted["source_id"] == "iess-analysis").sum())
    one = ClaimsExplorer("refugees")
    assert one.filters["consideration"] == "refugees"
    with pytest.raises(ValueError):
        ClaimsExplorer(["no_such_thing"])


def test_claims_explorer_matching_rules():
    explorer = ClaimsExplorer()
    explorer.filters = {**explorer.filters, "direction": "context"}
    assert len(explorer.matching()) == int(load_claims()["direction"].isna().sum())
    explorer.filters = {"consideration": "", "source": "", "direction": "", "voice": "", "text": "ICU"}
    assert set(explorer.matching()["claim_id"]) == {
        c for c, q, t in zip(load_claims()["claim_id"], load_claims()["quote"], load_claims()["claim"])
        if "icu" in (q + " " + t + " " + c).lower()
    }


def test_timeline_traitlets():
    tl = TimelineExplorer()
    timeline = load_timeline()
    assert [e["event_id"] for e in tl.events] == list(timeline["event_id"])
    outside = [e for e in tl.events if e["date_basis"] == "outside_context"]
    assert outside, "the timeline has outside-context dates to mark"
    periods = [e["policy_period"] for e in tl.events if e["policy_period"]]
    assert periods == [1, 2, 3, 4]
    first = tl.events[0]
    assert all({"claim_id", "quote", "source_label"} <= set(c) for c in first["claims"])
    assert tl.selected == first["event_id"]


def test_policy_period_stepper():
    stepper = PolicyPeriodStepper()
    assert [p["period"] for p in stepper.periods] == [1, 2, 3, 4]
    assert [p["stance"] for p in stepper.periods] == ["separated", "linked", "linked", "separated"]
    assert stepper.periods[0]["span_claim_id"] == "iess-19"
    stepper.period = 4
    with pytest.raises(Exception):
        stepper.period = 5


def test_actor_map():
    amap = ActorMap()
    assert amap.view == "both"
    assert [a["id"] for a in amap.actors] == list(model.ACTORS)
    assert ActorMap("iess").view == "iess-analysis"
    pulls = actor_pulls().set_index(["actor", "source_id"])
    # hand-checked: the US/West/IMF consideration is 'against' in both articles; India 'toward' in both
    assert pulls.loc[("us_west_imf", "iess-analysis"), "direction"] == "against"
    assert pulls.loc[("us_west_imf", "brotherhood-commentary"), "direction"] == "against"
    assert pulls.loc[("india", "iess-analysis"), "direction"] == "toward"
    assert ("china", "brotherhood-commentary") not in pulls.index  # the commentary does not discuss China
    ttp = next(a for a in amap.actors if a["id"] == "ttp")
    claims = load_claims()
    assert {c["claim_id"] for c in ttp["claims"]} <= set(claims.loc[claims["consideration_id"] == "counterterrorism_ttp", "claim_id"])
    assert ttp["claims"]


def test_readings_comparison():
    rc = ReadingsComparison()
    assert len(rc.cards) == len(load_considerations())
    with_disagreement = {c["id"] for c in rc.cards if c["disagreement"]}
    assert with_disagreement == set(load_disagreements()["consideration_id"].astype(str))
    card = next(c for c in rc.cards if c["id"] == "china")
    by_source = {r["source_id"]: r for r in card["readings"]}
    assert by_source["brotherhood-commentary"]["weight"] == "not discussed"
    assert by_source["iess-analysis"]["direction"] == "uncertain"
    assert len(ReadingsComparison(["economy"]).cards) == 1


def test_plots_have_alt_text_and_captions():
    from considerations.plots import (
        AccessibleFigure,
        plot_claims_by_direction,
        plot_net_pressure,
        plot_readings_matrix,
    )

    for fig in (
        plot_claims_by_direction("economy"),
        plot_claims_by_direction(),
        plot_readings_matrix(),
        plot_net_pressure(model.article_weights("iess"), model.article_directions("iess"), "IESS"),
    ):
        assert isinstance(fig, AccessibleFigure)
        assert len(fig.alt) > 40 and fig.caption
        html = fig._repr_html_()
        assert html.startswith("<figure") and 'alt="' in html and "<figcaption" in html
        assert 'src="data:image/png;base64,' in html and 'src="http' not in html
    assert "IESS: 9 toward, 0 against, 1 uncertain, 2 context" in plot_claims_by_direction("economy").alt
    assert "total +7" in plot_net_pressure(model.article_weights("iess"), model.article_directions("iess"), "IESS").caption


# --- claim links in widgets and the annotated article pages ---------------------------------


def test_widget_claims_link_to_their_sentences():
    from considerations.book import article_page, claim_sentences

    explorer = ClaimsExplorer()
    assert explorer.claims
    for c in explorer.claims:
        page, sentence = c["href"].split("#")
        assert page == f"{article_page(c['source_id'])}.html"
        assert sentence == claim_sentences()[c["claim_id"]][0]
    cards = ReadingsComparison()
    cited = {cid for card in cards.cards for r in card["readings"] for cid in r["claim_ids"]}
    assert cited and cited <= set(cards.claim_hrefs)
    stepper = PolicyPeriodStepper()
    assert all(p["span_href"].startswith("articles/") for p in stepper.periods)


def test_widget_claim_links_use_the_published_address(monkeypatch):
    monkeypatch.setenv("COURSE_BOOK_URL", "https://example.github.io/course/")
    href = ClaimsExplorer().claims[0]["href"]
    assert href.startswith("https://example.github.io/course/articles/") and "#" in href


def test_a_third_article_gets_its_page_with_no_code_change(tmp_path):
    """write_article_pages iterates sources.csv: the fixture's fictional third article gets a page,
    each of its sentences an anchor, in a fresh interpreter on a copy of data/ with the article added."""
    import csv
    import os
    import subprocess
    import sys

    from test_third_article import SOURCE, build_data_with_third_article

    data = build_data_with_third_article(tmp_path)
    book = tmp_path / "book"
    code = "import sys; from considerations.book import write_article_pages; print(*write_article_pages(sys.argv[1]))"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(book)],
        capture_output=True, text=True, env={**os.environ, "CONSIDERATIONS_DATA": str(data)},
    )
    assert proc.returncode == 0, proc.stderr
    page = book / "articles" / f"{SOURCE}.md"
    assert page.is_file(), proc.stdout
    text = page.read_text(encoding="utf-8")
    with open(data / "sentences.csv", encoding="utf-8") as f:
        mine = [r for r in csv.DictReader(f) if r["source_id"] == SOURCE]
    assert mine
    for row in mine:
        assert f'id="{row["sentence_id"]}"' in text or f"({row['sentence_id']})=" in text
    assert len(list((book / "articles").glob("*.md"))) == 3
