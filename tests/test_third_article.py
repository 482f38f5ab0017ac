"""A third article is data, not code (issue 10): add one to a copy of data/ and everything follows.

The fixture (tests/fixtures/third_article/) is a short, obviously fictional article and the rows
that add it to the tables. The copy is made at test time from the real data/, so the test follows
the real tables as they change. Every check runs in a fresh interpreter with CONSIDERATIONS_DATA
pointing at the copy, so nothing cached from the real data folder can leak in.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "third_article"
SOURCE = "test-fixture-article"
QUOTE = "cross-border trade with Kabul makes an early recognition attractive to Islamabad"


def _append_rows(table: Path, rows_file: Path) -> None:
    """Append the fixture's rows to a copied table, in the table's own columns."""
    with open(table, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with open(rows_file, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    text = table.read_text(encoding="utf-8")
    with open(table, "a", encoding="utf-8", newline="") as f:
        if text and not text.endswith("\n"):
            f.write("\n")
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore", restval="", lineterminator="\n")
        writer.writerows(rows)


def build_data_with_third_article(target: Path) -> Path:
    """Copy data/ to `target` and add the fixture article to it. Returns the new data folder."""
    data = target / "data"
    shutil.copytree(ROOT / "data", data)
    for body in (FIXTURE / "sources").iterdir():
        shutil.copy(body, data / "sources" / body.name)
    for rows_file in sorted(FIXTURE.glob("*.csv")):
        table = data / rows_file.name
        assert table.is_file(), f"the fixture adds rows to {rows_file.name}, which data/ no longer has"
        _append_rows(table, rows_file)
    return data


CHECKS = r"""
import json, sys
from considerations import validate_data, verify_quote, load_sources
from considerations.evidence import check_evidence
from considerations import book, model
from considerations.widgets import ReadingsComparison

source, quote = sys.argv[1], sys.argv[2]
out = {}
validate_data()
out["valid"] = True
out["sources"] = list(load_sources())
match = verify_quote(quote, source=source)
out["verified"] = match.found
out["found_without_source"] = verify_quote(quote).source
economy = check_evidence(quote, consideration="economy", source=source)
out["evidence_economy"] = [bool(economy.found), bool(economy.about), str(economy.reason)]
other = check_evidence(quote, consideration="durand_line", source=source)
out["evidence_durand"] = [bool(other.found), bool(other.about)]
out["readings_md"] = book.readings("economy").data
out["disagreement_md"] = book.disagreement("economy").data
out["claims_md"] = book.claims_table("economy").data
out["article_md"] = book.article_markdown(source)
out["labels"] = model.source_labels()
out["alias"] = model.source_id("fixture")
out["weights"] = model.article_weights(source).to_dict()
out["directions"] = model.article_directions(source).to_dict()
card = ReadingsComparison(["economy"]).cards[0]
out["card_sources"] = [r["source_id"] for r in card["readings"]]
out["card_positions"] = [p["source_id"] for d in card["disagreement"] for p in d["positions"]]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    data = build_data_with_third_article(tmp_path_factory.mktemp("third_article"))
    env = {**os.environ, "CONSIDERATIONS_DATA": str(data)}
    done = subprocess.run(
        [sys.executable, "-c", CHECKS, SOURCE, QUOTE], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_data_with_a_third_article_validates(results):
    assert results["valid"]
    assert results["sources"][-1] == SOURCE and len(results["sources"]) >= 3


def test_quotes_are_verified_in_the_third_article(results):
    assert results["verified"]
    assert results["found_without_source"] == SOURCE


def test_evidence_is_checked_against_the_third_articles_sentences(results):
    found, about, reason = results["evidence_economy"]
    assert found and about, reason
    assert results["evidence_durand"] == [True, False]


def test_the_books_tables_and_the_model_include_the_third_article(results):
    assert "The test fixture article" in results["readings_md"]
    assert "The test fixture article" in results["disagreement_md"]
    assert "`fixt-01`" in results["claims_md"]
    assert "TEST FIXTURE" in results["article_md"] and f"{SOURCE}-s002" in results["article_md"]
    assert results["labels"][SOURCE] == "Fixture"
    assert results["alias"] == SOURCE
    assert results["weights"]["economy"] == 3 and results["directions"]["economy"] == "toward"
    assert results["weights"]["durand_line"] == 0
    assert SOURCE in results["card_sources"] and SOURCE in results["card_positions"]


def test_a_broken_third_article_is_reported_by_file_row_and_column(tmp_path):
    # The same machinery must be able to fail: a fixture claim whose quote is not in its article.
    data = build_data_with_third_article(tmp_path)
    claims = data / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace(QUOTE, QUOTE.replace("trade", "smuggling")), encoding="utf-8")
    env = {**os.environ, "CONSIDERATIONS_DATA": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "considerations"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert "claims.csv, row" in done.stderr and "(fixt-01)" in done.stderr and "column 'quote'" in done.stderr
