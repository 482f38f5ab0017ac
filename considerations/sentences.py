"""The articles sentence by sentence: data/sentences.csv, loaded and validated.

Each row is one sentence or heading of an article body: its id, its span
[start, end) in the body, and the considerations it bears on (`none` when it
bears on none; `arguably` lists those it bears on only arguably). The rows of a
source tile its body in order. Claims point at the sentences their quotes lie in
(claims.csv `sentence_ids`).

    python -m considerations.sentences split SOURCE_ID   # skeleton rows for a new article
    python -m considerations.sentences check             # validate the table
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from considerations.data import (
    Column,
    DataValidationError,
    Schema,
    _check_rows,
    _read_rows,
    _where,
)
from considerations.paths import data_dir

if TYPE_CHECKING:  # pandas only where a DataFrame is asked for: the grader reads the records
    import pandas as pd

KINDS = ("heading", "sentence")
NONE = "none"  # the explicit "bears on no consideration" annotation
# Every sentence carries an annotation ("none" counts); loading tolerates gaps (a new
# article's skeleton), validation does not.
REQUIRE_ANNOTATION = True

SCHEMA = Schema(
    "sentences.csv",
    (
        Column("sentence_id", "id"),
        Column("source_id", "category", references="sources.source_id"),
        Column("paragraph", "int"),
        Column("kind", "category", vocabulary=KINDS),
        Column("start", "int"),
        Column("end", "int"),
        Column("considerations", "list", required=False),
        Column("arguably", "list", required=False),
        Column("text", "text"),
    ),
    key=("sentence_id",),
)
COLUMNS = [c.name for c in SCHEMA.columns]


def _paragraph_numbers(body: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line of the body; paragraph n is item n-1."""
    spans, offset = [], 0
    for line in body.split("\n"):
        if line.strip():
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def sentence_problems(rows: list[dict[str, str]], *, require_annotation: bool | None = None) -> list[str]:
    """Everything wrong with the sentence rows (already checked against SCHEMA) as messages
    naming file, row and column: tiling of each body, ids, annotations."""
    from considerations.data import consideration_names
    from considerations.sources import load_sources

    if require_annotation is None:
        require_annotation = REQUIRE_ANNOTATION
    sources = load_sources()
    known = set(consideration_names())
    problems: list[str] = []
    previous_end: dict[str, int] = {}
    previous_line: dict[str, int] = {}

    def at(number, row, column):
        return _where(SCHEMA, number, column, row["sentence_id"])

    for number, row in enumerate(rows, start=2):
        sid = row["source_id"]
        if sid not in sources:
            problems.append(f"{at(number, row, 'source_id')}: {sid!r} is not a source in sources.csv")
            continue
        if not re.fullmatch(re.escape(sid) + r"-s\d{3,}", row["sentence_id"]):
            problems.append(f"{at(number, row, 'sentence_id')}: {row['sentence_id']!r} should be "
                            f"'{sid}-sNNN' (its source id, '-s', a number of at least three digits)")
        body = sources[sid].body
        start, end = int(row["start"]), int(row["end"])
        where = at(number, row, "start")
        if not 0 <= start < end <= len(body):
            problems.append(f"{where}: span {start}-{end} is not inside the body of {sid} "
                            f"({len(body)} characters)")
            continue
        before = previous_end.get(sid, 0)
        gap = body[before:start] if start >= before else None
        if gap is None:
            problems.append(f"{where}: starts at {start}, inside the previous sentence of {sid} "
                            f"(row {previous_line[sid]}, which ends at {before}); sentences may not overlap")
        elif gap.strip():
            problems.append(f"{where}: the text {gap.strip()[:60]!r} before it belongs to no sentence; "
                            "sentences must cover the whole body, in order")
        previous_end[sid], previous_line[sid] = end, number
        if row["text"] != body[start:end]:
            problems.append(f"{at(number, row, 'text')}: is not the body's text at {start}-{end} "
                            f"({body[start:end][:60]!r}); fix the span or copy the text")
        if "\n" in body[start:end]:
            problems.append(f"{at(number, row, 'end')}: the span {start}-{end} runs over a paragraph break")
        paragraphs = _paragraph_numbers(body)
        holding = next((n for n, (a, b) in enumerate(paragraphs, start=1) if a <= start < b), None)
        if holding is not None and str(holding) != row["paragraph"]:
            problems.append(f"{at(number, row, 'paragraph')}: {row['paragraph']!r} but the span lies in paragraph "
                            f"{holding} (counting non-empty lines of the body from 1)")
        problems += _annotation_problems(number, row, known, require_annotation, at)
    for sid, source in sources.items():
        if sid not in previous_end:
            problems.append(f"{data_dir() / SCHEMA.file}: no sentences for source {sid!r}; "
                            f"run `python -m considerations.sentences split {sid}` to make its rows")
        elif source.body[previous_end[sid]:].strip():
            problems.append(f"{at(previous_line[sid], {'sentence_id': ''}, 'end')}: the text after the last "
                            f"sentence of {sid} ({source.body[previous_end[sid]:].strip()[:60]!r}) belongs to no sentence")
    return problems


def _annotation_problems(number, row, known, require_annotation, at) -> list[str]:
    problems = []
    considerations = row["considerations"].split(";") if row["considerations"] else []
    arguably = row["arguably"].split(";") if row["arguably"] else []
    if not considerations:
        if require_annotation:
            problems.append(f"{at(number, row, 'considerations')}: not annotated; write the considerations "
                            f"this sentence bears on (';'-separated ids) or {NONE!r}")
    elif NONE in considerations and len(considerations) > 1:
        problems.append(f"{at(number, row, 'considerations')}: {NONE!r} cannot be combined with consideration ids")
    for column, ids in (("considerations", considerations), ("arguably", arguably)):
        for cid in ids:
            if cid not in known and not (column == "considerations" and cid == NONE):
                problems.append(f"{at(number, row, column)}: {cid!r} is not a consideration id in "
                                f"considerations.csv" + (f" (or {NONE!r})" if column == "considerations" else ""))
        if len(set(ids)) != len(ids):
            problems.append(f"{at(number, row, column)}: lists an id twice")
    both = sorted(set(considerations) & set(arguably))
    if both:
        problems.append(f"{at(number, row, 'arguably')}: {', '.join(both)} also in 'considerations'; "
                        "a sentence bears on a consideration either clearly or arguably, not both")
    return problems


def claim_sentence_problems(claim_rows: list[dict[str, str]], sentence_rows: list[dict[str, str]]) -> list[str]:
    """Each claim's `sentence_ids` name exactly the sentences of its source its quote lies in."""
    from considerations.data import SCHEMAS
    from considerations.evidence import UnusableQuote, verify_quote

    by_id = {r["sentence_id"]: r for r in sentence_rows}
    problems = []
    for number, claim in enumerate(claim_rows, start=2):
        where = _where(SCHEMAS["claims"], number, "sentence_ids", claim["claim_id"])
        listed = claim.get("sentence_ids", "").split(";") if claim.get("sentence_ids") else []
        unknown = [s for s in listed if s not in by_id]
        if unknown:
            problems.append(f"{where}: {', '.join(unknown)} not in sentences.csv")
            continue
        try:
            match = verify_quote(claim["quote"], source=claim["source_id"])
        except UnusableQuote:
            continue  # validate_data reports the quote itself
        if not match.found:
            continue
        holding = [r["sentence_id"] for r in sentence_rows if r["source_id"] == claim["source_id"]
                   and int(r["start"]) < match.end and match.start < int(r["end"])]
        if listed != holding:
            problems.append(f"{where}: {';'.join(listed) or 'empty'}, but the quote lies in "
                            f"{';'.join(holding)}; list exactly those")
    return problems


def validate_sentences(claim_rows: list[dict[str, str]] | None = None,
                       *, require_annotation: bool | None = None) -> list[str]:
    """All problems of sentences.csv (and of the claims' `sentence_ids`, given the claim rows)."""
    try:
        rows = _read_rows(SCHEMA)
    except DataValidationError as error:
        return error.problems
    problems = _check_rows(SCHEMA, rows)
    if problems:
        return problems
    problems = sentence_problems(rows, require_annotation=require_annotation)
    if claim_rows is not None:
        problems += claim_sentence_problems(claim_rows, rows)
    return problems


class SentenceRecord(NamedTuple):
    """One row of data/sentences.csv, typed: what `load_sentences` holds, without pandas."""

    sentence_id: str
    source_id: str
    paragraph: int
    kind: str
    start: int
    end: int
    considerations: tuple[str, ...]
    arguably: tuple[str, ...]
    text: str


def _ids(value: str) -> tuple[str, ...]:
    return tuple(i for i in value.split(";") if i != NONE) if value else ()


@lru_cache(maxsize=4)
def _records(folder: str) -> tuple[SentenceRecord, ...]:
    rows = _read_rows(SCHEMA)
    problems = _check_rows(SCHEMA, rows) or sentence_problems(rows, require_annotation=False)
    if problems:
        raise DataValidationError(problems)
    return tuple(
        SentenceRecord(**{**{c: row[c] for c in COLUMNS}, "paragraph": int(row["paragraph"]), "start": int(row["start"]),
                          "end": int(row["end"]), "considerations": _ids(row["considerations"]),
                          "arguably": _ids(row["arguably"])})
        for row in rows
    )


def sentence_records() -> tuple[SentenceRecord, ...]:
    """data/sentences.csv as validated records, in table order (cached per data folder)."""
    return _records(str(data_dir()))


@lru_cache(maxsize=4)
def _load(folder: str) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(_records(folder), columns=COLUMNS)
    return frame


def load_sentences() -> pd.DataFrame:
    """data/sentences.csv as a DataFrame, validated (annotation may still be incomplete).

    `considerations` and `arguably` are tuples of consideration ids; the explicit
    `none` becomes an empty tuple. Cached per data folder (CONSIDERATIONS_DATA);
    returns a copy.
    """
    return _load(str(data_dir())).copy()


# --- a new article's skeleton -------------------------------------------------------------

_HEADING_MAX_WORDS = 12


@lru_cache(maxsize=4)
def _claim_sentences(folder: str) -> dict[str, tuple[str, ...]]:
    from considerations.data import SCHEMAS

    # The checked rows, not load_claims(): feedback and scoring ask for this without pandas.
    rows = _read_rows(SCHEMAS["claims"])
    problems = _check_rows(SCHEMAS["claims"], rows)
    if problems:
        raise DataValidationError(problems)
    return {row["claim_id"]: tuple(row["sentence_ids"].split(";")) if row["sentence_ids"] else () for row in rows}


def claim_sentences() -> dict[str, tuple[str, ...]]:
    """Claim id -> the ids of the sentences its quote lies in, in article order (claims.csv
    `sentence_ids`; validate-data checks they are exactly the sentences the quote touches)."""
    return _claim_sentences(str(data_dir()))


def split_source(source_id: str) -> list[dict[str, str]]:
    """Skeleton rows (no annotation) for one source: every paragraph split into sentences
    with pysbd. A paragraph that is one short segment not ending in a full stop is taken to
    be a heading; check `kind` by eye."""
    import pysbd

    from considerations.sources import load_sources

    sources = load_sources()
    if source_id not in sources:
        raise SystemExit(f"unknown source id {source_id!r}; known sources: {', '.join(sources)}")
    body = sources[source_id].body
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    rows = []
    for number, (p_start, p_end) in enumerate(_paragraph_numbers(body), start=1):
        paragraph = body[p_start:p_end]
        pieces = []
        for span in segmenter.segment(paragraph):
            text = span.sent.strip()
            if not text:
                continue
            lead = len(span.sent) - len(span.sent.lstrip())
            start = p_start + span.start + lead
            pieces.append((start, start + len(text)))
        pieces = _tile(pieces, p_start, p_end, body)
        heading = (len(pieces) == 1 and len(body[pieces[0][0]:pieces[0][1]].split()) <= _HEADING_MAX_WORDS
                   and body[pieces[0][1] - 1] not in ".…\"”")
        for start, end in pieces:
            rows.append({
                "sentence_id": f"{source_id}-s{len(rows) + 1:03d}", "source_id": source_id,
                "paragraph": str(number), "kind": "heading" if heading else "sentence",
                "start": str(start), "end": str(end), "considerations": "", "arguably": "",
                "text": body[start:end],
            })
    return rows


def _tile(pieces: list[tuple[int, int]], p_start: int, p_end: int, body: str) -> list[tuple[int, int]]:
    """pysbd's spans, made to cover the paragraph exactly: each piece runs to where the next
    one starts (less trailing whitespace) and the last to the paragraph's end."""
    if not pieces:
        return [(p_start, p_end)]
    starts = [p_start]
    for start, _ in pieces[1:]:
        # pysbd cuts at a stray full stop ("But .what about Pakistan?"): a one-word piece is no sentence
        if len(re.findall(r"\w+", body[starts[-1]:start])) < 2:
            continue
        starts.append(start)
    ends = starts[1:] + [p_end]
    tiled = []
    for start, end in zip(starts, ends):
        while end > start and body[end - 1].isspace():
            end -= 1
        tiled.append((start, end))
    return tiled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m considerations.sentences", description=__doc__.split("\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    split = verbs.add_parser("split", help="print skeleton CSV rows (no header) for SOURCE_ID, to append "
                                           "to data/sentences.csv and annotate")
    split.add_argument("source_id", metavar="SOURCE_ID")
    split.add_argument("--header", action="store_true", help="print the header row first")
    check = verbs.add_parser("check", help="validate data/sentences.csv; exit 1 naming each problem")
    check.add_argument("--require-annotation", action="store_true",
                       help="also report sentences whose 'considerations' cell is still empty")
    args = parser.parse_args(argv)
    if args.verb == "split":
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        if args.header:
            writer.writeheader()
        writer.writerows(split_source(args.source_id))
        return 0
    problems = validate_sentences(require_annotation=args.require_annotation or None)
    if problems:
        print(DataValidationError(problems), file=sys.stderr)
        return 1
    print(f"{data_dir() / SCHEMA.file} is valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
