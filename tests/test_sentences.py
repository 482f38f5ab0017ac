"""data/sentences.csv: the loader, the validation of each kind of bad table, the skeleton splitter."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from considerations import load_sources
from considerations.sentences import COLUMNS, load_sentences, split_source, validate_sentences



def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setenv("CONSIDERATIONS_DATA", str(copy))
    return copy


def test_the_real_table_is_valid_and_tiles_both_bodies():
    assert validate_sentences(require_annotation=True) == []
    frame = load_sentences()
    assert list(frame.columns) == COLUMNS
    bodies = {sid: s.body for sid, s in load_sources().items()}
    assert set(frame.source_id) == set(bodies)
    for row in frame.itertuples():
        assert bodies[row.source_id][row.start : row.end] == row.text
        assert isinstance(row.considerations, tuple) and "none" not in row.considerations
    assert frame.considerations.map(len).sum() > 0  # annotated, not just a skeleton


def _break(data_copy, change) -> str:
    path = data_copy / "sentences.csv"
    rows = _read(path)
    rows = change(rows) or rows
    _write(path, rows)
    return "\n".join(validate_sentences(require_annotation=True))


def _row(rows, sentence_id):
    return next(r for r in rows if r["sentence_id"] == sentence_id)


def _shift_start(rows):
    row = _row(rows, "iess-analysis-s003")
    row["start"] = str(int(row["start"]) - 5)


@pytest.mark.parametrize("change, expected", [
    (_shift_start, "row 4 (iess-analysis-s003), column 'start': starts at 170, inside the previous sentence"),
    (lambda rows: [r for r in rows if r["sentence_id"] != "iess-analysis-s003"],
     "column 'start': the text 'In fact, this decision by Moscow"),
    (lambda rows: rows[:-1], "the text after the last sentence of brotherhood-commentary ('And the rift is so deep"),
    (lambda rows: [r for r in rows if r["source_id"] != "brotherhood-commentary"],
     "no sentences for source 'brotherhood-commentary'; run `python -m considerations.sentences split brotherhood-commentary`"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(text="The official recognition of the Taliban"),
     "row 3 (iess-analysis-s002), column 'text': is not the body's text at 14-174"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(sentence_id="iess-analysis-s001"),
     "row 3 (iess-analysis-s001): duplicate sentence_id; row 2 already has it"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(sentence_id="iess-s002"),
     "column 'sentence_id': 'iess-s002' should be 'iess-analysis-sNNN'"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(kind="quote"),
     "row 3 (iess-analysis-s002), column 'kind': 'quote' is not one of: heading, sentence"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(considerations="russian_recognition;trade"),
     "column 'considerations': 'trade' is not a consideration id in considerations.csv (or 'none')"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(considerations="none;economy"),
     "column 'considerations': 'none' cannot be combined with consideration ids"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(arguably="none"),
     "column 'arguably': 'none' is not a consideration id in considerations.csv"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(considerations="economy", arguably="economy;china"),
     "column 'arguably': economy also in 'considerations'"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(considerations="", arguably=""),
     "row 3 (iess-analysis-s002), column 'considerations': not annotated; write the considerations"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(paragraph="3"),
     "column 'paragraph': '3' but the span lies in paragraph 2"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(source_id="bbc"),
     "column 'source_id': 'bbc' is not a source in sources.csv"),
    (lambda rows: _row(rows, "iess-analysis-s002").update(start="x"),
     "column 'start': 'x' is not a whole number"),
])
def test_each_kind_of_bad_table_is_named_with_row_and_column(data_copy, change, expected):
    problems = _break(data_copy, change)
    assert expected in problems, problems
    assert str(data_copy / "sentences.csv") in problems


def test_a_span_over_a_paragraph_break_is_refused(data_copy):
    def merge(rows):
        first, second = _row(rows, "iess-analysis-s001"), _row(rows, "iess-analysis-s002")
        body = load_sources()["iess-analysis"].body
        first.update(end=second["end"], text=body[int(first["start"]) : int(second["end"])])
        rows.remove(second)
    problems = _break(data_copy, merge)
    assert "row 2 (iess-analysis-s001), column 'end': the span 0-174 runs over a paragraph break" in problems


def test_missing_column_and_missing_file(data_copy):
    path = data_copy / "sentences.csv"
    rows = _read(path)
    for row in rows:
        del row["arguably"]
    _write(path, rows)
    assert "header lacks column(s) arguably" in "\n".join(validate_sentences())
    path.unlink()
    assert "sentences.csv: file is missing" in "\n".join(validate_sentences())


def test_loading_tolerates_a_skeleton_but_validation_does_not(data_copy):
    path = data_copy / "sentences.csv"
    rows = _read(path)
    for row in rows:
        row["considerations"] = row["arguably"] = ""
    _write(path, rows)
    assert load_sentences().considerations.map(len).sum() == 0
    problems = validate_sentences()
    assert len([p for p in problems if "not annotated" in p]) == len(rows)


def test_loader_is_cached_per_data_folder(data_copy, monkeypatch):
    path = data_copy / "sentences.csv"
    rows = _read(path)
    _row(rows, "iess-analysis-s001")["considerations"] = "economy"
    _write(path, rows)
    copied = load_sentences()
    monkeypatch.delenv("CONSIDERATIONS_DATA")
    real = load_sentences()
    assert copied.set_index("sentence_id").considerations["iess-analysis-s001"] == ("economy",)
    assert real.set_index("sentence_id").considerations["iess-analysis-s001"] != ("economy",)


def test_split_reproduces_the_tables_spans_for_both_articles():
    table = _read(ROOT / "data" / "sentences.csv")
    for source_id in load_sources():
        skeleton = split_source(source_id)
        annotated = [r for r in table if r["source_id"] == source_id]
        keep = ["sentence_id", "source_id", "paragraph", "kind", "start", "end", "text"]
        assert [{k: r[k] for k in keep} for r in skeleton] == [{k: r[k] for k in keep} for r in annotated]
        assert all(r["considerations"] == "" for r in skeleton)


def test_split_command_makes_a_new_articles_skeleton(data_copy):
    body = ("A Fictional Heading\n\nThe first sentence is here. The second one follows, with a comma.\n\n"
            "Another paragraph ends the piece.\n")
    (data_copy / "sources" / "test-new.txt").write_text(body, encoding="utf-8")
    sources = _read(data_copy / "sources.csv")
    sources.append({**sources[0], "source_id": "test-new", "body_file": "sources/test-new.txt"})
    _write(data_copy / "sources.csv", sources)
    result = subprocess.run([sys.executable, "-m", "considerations.sentences", "split", "--header", "test-new"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [(r["sentence_id"], r["kind"], r["paragraph"], r["text"]) for r in rows] == [
        ("test-new-s001", "heading", "1", "A Fictional Heading"),
        ("test-new-s002", "sentence", "2", "The first sentence is here."),
        ("test-new-s003", "sentence", "2", "The second one follows, with a comma."),
        ("test-new-s004", "sentence", "3", "Another paragraph ends the piece."),
    ]
    # appended to the table and annotated, the new article validates with no code change
    table = _read(data_copy / "sentences.csv")
    for row in rows:
        row["considerations"] = "none"
    _write(data_copy / "sentences.csv", table + rows)
    assert validate_sentences(require_annotation=True) == []


def test_split_and_check_commands_refuse_clearly(data_copy):
    result = subprocess.run([sys.executable, "-m", "considerations.sentences", "split", "nyt"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "unknown source id 'nyt'; known sources: iess-analysis" in result.stderr
    path = data_copy / "sentences.csv"
    rows = _read(path)
    _row(rows, "iess-analysis-s002")["kind"] = "quote"
    _write(path, rows)
    result = subprocess.run([sys.executable, "-m", "considerations.sentences", "check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "column 'kind': 'quote' is not one of" in result.stderr


def _break_claims(data_copy, claim_id, sentence_ids) -> str:
    from considerations import DataValidationError, validate_data

    path = data_copy / "claims.csv"
    rows = _read(path)
    next(r for r in rows if r["claim_id"] == claim_id)["sentence_ids"] = sentence_ids
    _write(path, rows)
    with pytest.raises(DataValidationError) as caught:
        validate_data()
    return "\n".join(caught.value.problems)


def test_every_claim_points_at_the_sentences_its_quote_lies_in():
    from considerations import load_claims

    claims = load_claims()
    sentences = load_sentences().set_index("sentence_id")
    for claim in claims.itertuples():
        assert claim.sentence_ids, claim.claim_id
        assert all(sentences.source_id[s] == claim.source_id for s in claim.sentence_ids)
        joined = " ".join(sentences.text[s] for s in claim.sentence_ids)
        assert claim.quote.split()[0] in joined and claim.quote.split()[-1] in joined, claim.claim_id


@pytest.mark.parametrize("claim_id, sentence_ids, expected", [
    ("iess-01", "iess-analysis-s003", "column 'sentence_ids': iess-analysis-s003, but the quote lies in iess-analysis-s002"),
    ("iess-01", "iess-analysis-s002;iess-analysis-s003", "but the quote lies in iess-analysis-s002; list exactly those"),
    ("iess-01", "iess-analysis-s999", "column 'sentence_ids': iess-analysis-s999 not in sentences.csv"),
    ("iess-01", "brotherhood-commentary-s001", "but the quote lies in iess-analysis-s002"),
    ("iess-01", "", "row 2 (iess-01), column 'sentence_ids': empty, but a value is required"),
])
def test_validate_data_names_a_claim_with_wrong_sentences(data_copy, claim_id, sentence_ids, expected):
    problems = _break_claims(data_copy, claim_id, sentence_ids)
    assert expected in problems, problems
    assert str(data_copy / "claims.csv") in problems


def test_validate_data_reports_a_bad_sentence_table(data_copy):
    from considerations import DataValidationError, validate_data

    path = data_copy / "sentences.csv"
    rows = _read(path)
    _row(rows, "iess-analysis-s002")["considerations"] = ""
    _write(path, rows)
    with pytest.raises(DataValidationError, match="iess-analysis-s002.*not annotated"):
        validate_data()
