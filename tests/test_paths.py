"""considerations/paths.py: where the data is, and the one setting behind every chapter link."""

from __future__ import annotations

from pathlib import Path

import pytest

from considerations import paths


def test_the_data_folder_is_the_checkouts_unless_overridden(tmp_path, monkeypatch):
    monkeypatch.delenv("CONSIDERATIONS_DATA", raising=False)
    assert (paths.data_dir() / "sources.csv").is_file()
    monkeypatch.setenv("CONSIDERATIONS_DATA", str(tmp_path))
    assert paths.data_dir() == tmp_path


def test_with_a_book_url_chapter_links_are_absolute(monkeypatch):
    monkeypatch.setenv("COURSE_BOOK_URL", "https://example.org/course/ ")
    assert paths.book_url() == "https://example.org/course"
    assert paths.chapter_url("economy") == "https://example.org/course/economy.html"
    assert paths.chapter_url("economy", "trade") == "https://example.org/course/economy.html#trade"


def test_without_one_they_point_into_the_local_build(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BOOK_URL", "")
    page = paths.local_book_dir() / "economy.html"
    assert paths.chapter_url("economy", "trade") == page.as_uri() + "#trade"
    relative = paths.chapter_url("economy", relative_to=tmp_path)
    assert not relative.startswith(("/", "file:")) and (tmp_path / relative).resolve() == page.resolve()


@pytest.mark.parametrize("setting, expected", [("", ""), ("https://x.org/book/", "https://x.org/book")])
def test_course_toml_sets_the_url_when_the_environment_does_not(setting, expected, monkeypatch):
    monkeypatch.delenv("COURSE_BOOK_URL", raising=False)
    monkeypatch.setattr(paths, "_course_settings", lambda: {"book": {"url": setting}})
    assert paths.book_url() == expected
    assert isinstance(paths.local_book_dir(), Path)
