"""The factor model (considerations.model), against hand-computed expectations."""

import math

import pandas as pd
import pytest

from considerations import load_considerations, load_readings
from considerations import model
from considerations.model import (
    DIRECTION_VALUE,
    WEIGHT_VALUE,
    article_directions,
    article_weights,
    net_pressure,
    verdict,
)


def test_vocabularies():
    assert DIRECTION_VALUE == {"toward": 1, "against": -1, "uncertain": 0, "none": 0}
    assert WEIGHT_VALUE == {"main": 10, "major": 7, "minor": 3, "background": 1, "not discussed": 0}


def test_net_pressure_by_hand():
    weights = {"economy": 7, "us_west_imf": 10, "china": 4, "durand_line": 3}
    directions = {"economy": "toward", "us_west_imf": "against", "china": "uncertain", "durand_line": "none"}
    table = net_pressure(weights, directions)
    assert list(table.columns) == ["consideration_id", "weight", "direction", "contribution"]
    # teaching order: durand_line (4), economy (5), china (6), us_west_imf (9)
    assert list(table["consideration_id"]) == ["durand_line", "economy", "china", "us_west_imf"]
    got = dict(zip(table["consideration_id"], table["contribution"]))
    assert got == {"durand_line": 0.0, "economy": 7.0, "china": 0.0, "us_west_imf": -10.0}
    assert table["contribution"].sum() == -3.0
    assert verdict(-3.0) == "leans against recognition"


def test_missing_direction_counts_as_none_and_no_negative_zero():
    table = net_pressure({"india": 5, "refugees": 0}, {"refugees": "against"})
    assert table.set_index("consideration_id").loc["india", "direction"] == "none"
    assert table["contribution"].tolist() == [0.0, 0.0]
    assert all(math.copysign(1, v) == 1 for v in table["contribution"])  # 0 * -1 is +0.0 here


def test_net_pressure_rejects_bad_input():
    with pytest.raises(ValueError, match="0 to 10"):
        net_pressure({"india": 11}, {"india": "toward"})
    with pytest.raises(ValueError, match="direction"):
        net_pressure({"india": 1}, {"india": "sideways"})


@pytest.mark.parametrize(
    "total, expected",
    [
        (0, "balanced"),
        (2, "balanced"),
        (-2, "balanced"),
        (2.5, "leans toward recognition"),
        (3, "leans toward recognition"),
        (-3, "leans against recognition"),
        (-38, "leans against recognition"),
    ],
)
def test_verdict(total, expected):
    assert verdict(total) == expected


def test_article_weights_iess_by_hand():
    w = article_weights("iess-analysis")
    assert isinstance(w, pd.Series)
    assert list(w.index) == list(load_considerations()["consideration_id"])
    # From readings.csv: main=10, major=7, minor=3, background=1; brotherhood_2021 has no IESS reading.
    expected = {
        "russian_recognition": 1, "bilateral_thaw": 3, "counterterrorism_ttp": 7, "durand_line": 3,
        "economy": 7, "china": 7, "india": 7, "russia_axis": 7, "us_west_imf": 10, "refugees": 1,
        "brotherhood_2021": 0,
    }
    assert w.to_dict() == expected


def test_article_totals_by_hand():
    # IESS: thaw +3, economy +7, india +7, us_west_imf -10, the rest uncertain/none -> +7
    iess = net_pressure(article_weights("iess"), article_directions("iess"))
    assert iess["contribution"].sum() == 7
    assert verdict(iess["contribution"].sum()) == "leans toward recognition"
    # Commentary: -7 (russian_recognition) -10 (ttp) -7 (economy) +0 (india: uncertain, background)
    # -7 (us_west) -3 (refugees) -7 (2021) = -41
    comm = net_pressure(article_weights("commentary"), article_directions("commentary"))
    assert comm["contribution"].sum() == -41
    assert verdict(-41) == "leans against recognition"


def test_article_weights_follow_readings():
    readings = load_readings()
    for source in model.source_labels():
        w = article_weights(source)
        d = article_directions(source)
        mine = readings[readings["source_id"] == source]
        for r in mine.itertuples():
            assert w[r.consideration_id] == WEIGHT_VALUE[r.weight]
            assert d[r.consideration_id] == r.direction
        missing = set(w.index) - set(mine["consideration_id"].astype(str))
        assert all(w[c] == 0 and d[c] == "none" for c in missing)


def test_source_aliases_and_labels_come_from_sources_csv():
    assert model.source_id("iess") == "iess-analysis"
    assert model.source_id("commentary") == "brotherhood-commentary"
    assert model.source_id("IESS") == "iess-analysis"  # the label works too
    with pytest.raises(ValueError, match="unknown source"):
        model.source_id("bbc")
    assert model.source_labels() == {"iess-analysis": "IESS", "brotherhood-commentary": "Commentary"}
    assert model.SOURCE_LABELS == model.source_labels()  # the old name, now read from the table


def test_aliases_follow_the_table(tmp_path, root, monkeypatch):
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(root / "data", copy)
    text = (copy / "sources.csv").read_text(encoding="utf-8").replace(",IESS,iess,iess,", ",IESS,iess;mosharraf,iess,", 1)
    (copy / "sources.csv").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CONSIDERATIONS_DATA", str(copy))
    assert model.source_id("mosharraf") == "iess-analysis"


def test_every_consideration_has_an_actor():
    ids = set(load_considerations()["consideration_id"])
    assert ids == set(model.CONSIDERATION_ACTOR)
    assert set(model.CONSIDERATION_ACTOR.values()) <= set(model.ACTORS)


def test_policy_periods_match_the_quotes():
    periods = model.policy_periods()
    assert list(periods["period"]) == [1, 2, 3, 4]
    assert list(periods["stance"]) == ["separated", "linked", "linked", "separated"]
    for p in periods.to_dict(orient="records"):
        quotes = " ".join([p["span_quote"]] + [c["quote"] for c in p["policy_claims"]]).lower()
        if p["stance"] == "separated":
            assert "separat" in quotes, p["name"]
        else:
            assert "link" in quotes or "relationship" in quotes, p["name"]
        assert p["start_date"], p["name"]
    assert periods.iloc[-1]["end_date"] == ""  # the fourth period is the current one
