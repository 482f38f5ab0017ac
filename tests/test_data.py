"""The course data: complete, consistent, every quote real, and loud when broken."""

import csv
import shutil

import pandas as pd
import pytest

from considerations import (
    DataValidationError,
    load_claims,
    load_considerations,
    load_disagreements,
    load_readings,
    load_sources,
    load_timeline,
    validate_data,
    verify_quote,
)
from considerations.data import GROUPS


def test_all_data_valid():
    validate_data()


def test_every_quote_found_in_its_own_source_only():
    claims = load_claims()
    sources = list(load_sources())
    for claim in claims.itertuples():
        match = verify_quote(claim.quote, source=claim.source_id)
        assert match.found, (claim.claim_id, claim.quote)
        assert claim.quote.casefold() in match.passage.casefold() or "…" in claim.quote or "..." in claim.quote
        for other in sources:
            if other != claim.source_id:
                assert not verify_quote(claim.quote, source=other).found, claim.claim_id
        # Without a source restriction the claim's own article is the one found.
        assert verify_quote(claim.quote).source == claim.source_id


def test_coverage_of_both_articles():
    claims = load_claims()
    assert len(claims) >= 60
    per_source = claims["source_id"].value_counts()
    assert per_source["iess-analysis"] >= 35 and per_source["brotherhood-commentary"] >= 20
    considerations = load_considerations()
    assert set(considerations["group"]) == set(GROUPS)
    with_claims = set(claims["consideration_id"].astype(str))
    assert set(considerations["consideration_id"]) <= with_claims
    # every reading an article gives is backed by that article's claims on that consideration
    readings = load_readings()
    for r in readings.itertuples():
        subset = claims[(claims.source_id == r.source_id) & (claims.consideration_id == r.consideration_id)]
        assert len(subset) >= 1, (r.consideration_id, r.source_id)
        assert set(r.claim_ids) <= set(subset.claim_id)


def test_the_four_policy_periods_are_in_the_timeline_in_order():
    timeline = load_timeline()
    periods = timeline.dropna(subset=["policy_period"])
    assert list(periods["policy_period"]) == [1, 2, 3, 4]
    assert timeline["sequence"].is_monotonic_increasing
    assert timeline["claim_ids"].map(len).sum() > 0


def test_disagreements_cover_the_opposite_readings():
    # Where two articles give a consideration more than background weight and differ in
    # direction, disagreements.csv explains it (a mention in passing is not a position).
    readings = load_readings()
    readings = readings[readings["weight"] != "background"]
    documented = set(load_disagreements()["consideration_id"].astype(str))
    for cid, group in readings.groupby("consideration_id", observed=True):
        if group["direction"].nunique() > 1:
            assert str(cid) in documented, cid
    assert "economy" in documented


def test_dtypes():
    claims = load_claims()
    assert isinstance(claims["direction"].dtype, pd.CategoricalDtype)
    assert list(claims["direction"].cat.categories) == ["toward", "against", "uncertain"]
    assert isinstance(claims["source_id"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_string_dtype(claims["quote"])
    assert load_considerations()["sort_order"].dtype == "Int64"
    assert load_timeline()["policy_period"].dtype == "Int64"
    assert isinstance(load_readings()["claim_ids"].iloc[0], tuple)


# --- broken data is reported with file, row and column --------------------------------


@pytest.fixture
def broken_data(tmp_path, root, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(root / "data", copy)
    monkeypatch.setenv("CONSIDERATIONS_DATA", str(copy))
    return copy


def _edit(path, row_index, column, value):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[row_index][column] = value
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=rows[0].keys(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_bad_vocabulary_names_file_row_column(broken_data):
    _edit(broken_data / "claims.csv", 4, "direction", "towards")
    with pytest.raises(DataValidationError) as error:
        validate_data()
    message = str(error.value)
    assert "claims.csv, row 6" in message and "column 'direction'" in message and "'towards'" in message
    with pytest.raises(DataValidationError):
        load_claims()


def test_altered_quote_is_reported(broken_data):
    _edit(broken_data / "claims.csv", 0, "quote", "This sentence is in neither of the two articles at all")
    with pytest.raises(DataValidationError, match=r"claims.csv, row 2 .*column 'quote'.*not found"):
        validate_data()


def test_dangling_reference_is_reported(broken_data):
    _edit(broken_data / "readings.csv", 0, "claim_ids", "iess-999")
    with pytest.raises(DataValidationError, match=r"readings.csv, row 2.*'iess-999' does not exist"):
        validate_data()


def test_duplicate_id_and_missing_column(broken_data):
    _edit(broken_data / "claims.csv", 1, "claim_id", load_claims_first_id(broken_data))
    with pytest.raises(DataValidationError, match="duplicate claim_id"):
        validate_data()
    text = (broken_data / "timeline.csv").read_text(encoding="utf-8").replace("date_basis", "basis", 1)
    (broken_data / "timeline.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match="timeline.csv: header lacks column"):
        load_timeline()


def load_claims_first_id(folder):
    with open(folder / "claims.csv", encoding="utf-8", newline="") as f:
        return next(csv.DictReader(f))["claim_id"]


def test_reading_alternatives_are_parsed_and_differ_from_the_reading():
    from considerations.data import ALTERNATIVE_DIRECTIONS, reading_alternatives

    alternatives = reading_alternatives()
    readings = load_readings().set_index(["consideration_id", "source_id"])
    assert len(alternatives) >= 5
    for alt in alternatives.itertuples():
        assert alt.direction in ALTERNATIVE_DIRECTIONS
        assert alt.direction != readings.loc[(alt.consideration_id, alt.source_id), "direction"]
        assert alt.ids and alt.note
    # E5: the commentary names India only in a list of Russia's possible followers
    india = alternatives[(alternatives.consideration_id == "india") & (alternatives.source_id == "brotherhood-commentary")]
    assert "not_discussed" in set(india.direction)


def test_bad_alternative_is_reported(broken_data):
    _edit(broken_data / "readings.csv", 0, "also_accepted", "sideways")
    with pytest.raises(DataValidationError) as error:
        validate_data()
    message = str(error.value)
    assert "readings.csv, row 2" in message and "column 'also_accepted'" in message and "'sideways'" in message
    _edit(broken_data / "readings.csv", 0, "also_accepted", "")
    _edit(broken_data / "readings.csv", 1, "also_accepted_basis", "uncertain (iess-01): from the other article")
    with pytest.raises(DataValidationError) as error:
        validate_data()
    message = str(error.value)
    assert "readings.csv, row 3" in message and "'iess-01' is from iess-analysis" in message


def test_bad_answer_alternative_basis_is_reported(broken_data):
    _edit(broken_data / "answer_alternatives.csv", 0, "basis", "comm-999")
    with pytest.raises(DataValidationError, match=r"answer_alternatives.csv, row 2.*column 'basis'.*'comm-999'"):
        validate_data()
