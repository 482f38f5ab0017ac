"""considerations/sources.py: an article's metadata and body come from data/sources.csv and its body file."""

from __future__ import annotations

import shutil

import pytest

from considerations.paths import data_dir
from considerations.sources import load_sources, resolve_source


def test_every_row_of_sources_csv_is_an_article_with_its_body_in_order():
    sources = load_sources()
    assert list(sources) == [line.split(",", 1)[0] for line in
                             (data_dir() / "sources.csv").read_text(encoding="utf-8").splitlines()[1:] if line]
    for source in sources.values():
        assert source.body.strip() and source.short_name and source.label and source.claim_prefix
        assert source.display_name[0].isupper() and source.display_name[1:] == source.short_name[1:]


@pytest.mark.parametrize("name", ["iess-analysis", "IESS", "iess", " Iess "])
def test_an_article_is_found_by_id_label_or_alias_in_any_case(name):
    assert resolve_source(name) == "iess-analysis"


def test_an_unknown_name_lists_the_known_ids():
    with pytest.raises(ValueError, match="iess-analysis"):
        resolve_source("the guardian")


def test_a_missing_body_file_is_named(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    (copy / "sources" / "iess-analysis.txt").unlink()
    monkeypatch.setenv("CONSIDERATIONS_DATA", str(copy))
    with pytest.raises(FileNotFoundError, match="iess-analysis.txt is missing"):
        load_sources()
