"""Load the course tables as pandas DataFrames, and validate them loudly.

Each table's columns and vocabularies are declared once, in `SCHEMAS`; loading
checks a table against its schema and `validate_data` checks the tables against
each other and every quote against the article text. An error names the file,
the row (as a line number in the CSV) and the column, and says what to do.

    python -m considerations.data      # validate everything, exit 1 on errors
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from considerations.paths import data_dir
from considerations.student_data import droppable

if TYPE_CHECKING:  # pandas is imported where a table is built (the grader scores without it)
    import pandas as pd

GROUPS = ("trigger", "domestic", "regional", "international", "humanitarian", "history")
DIRECTIONS = ("toward", "against", "uncertain")
READING_DIRECTIONS = ("toward", "against", "uncertain", "none")
#: The label for "this article does not discuss the consideration" (no reading, or an accepted alternative).
NOT_DISCUSSED = "not_discussed"
#: Labels a reader may defensibly give instead of a reading's `direction` (readings.csv `also_accepted`).
ALTERNATIVE_DIRECTIONS = READING_DIRECTIONS + (NOT_DISCUSSED,)
WEIGHTS = ("main", "major", "minor", "background")
VOICES = ("author", "named_official", "anonymous_official", "unnamed_analysts", "reported_event")
DATE_BASES = ("article", "inferred", "outside_context")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # id | text | category | int | date | list
    required: bool = True
    vocabulary: tuple[str, ...] = ()
    references: str | None = None  # "table.column" that every value must exist in


@dataclass(frozen=True)
class Schema:
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())


SCHEMAS: dict[str, Schema] = {
    "sources": Schema(
        "sources.csv",
        (
            Column("source_id", "id"),
            Column("short_name", "text"),
            Column("label", "text"),
            Column("aliases", "list", required=False),
            Column("claim_prefix", "id"),
            Column("title", "text"),
            Column("author", "text", required=False),
            Column("author_note", "text", required=False),
            Column("outlet", "text", required=False),
            Column("published", "date", required=False),
            Column("url", "text", required=False),
            Column("genre", "text"),
            Column("language", "category", vocabulary=("en",)),
            Column("body_file", "text"),
            Column("capture_notes", "text"),
        ),
        key=("source_id",),
    ),
    "considerations": Schema(
        "considerations.csv",
        (
            Column("consideration_id", "id"),
            Column("name", "text"),
            Column("group", "category", vocabulary=GROUPS),
            Column("question", "text"),
            Column("chapter", "text"),
            Column("sort_order", "int"),
        ),
        key=("consideration_id",),
    ),
    "claims": Schema(
        "claims.csv",
        (
            Column("claim_id", "id"),
            Column("source_id", "category", references="sources.source_id"),
            Column("consideration_id", "category", references="considerations.consideration_id"),
            Column("claim", "text"),
            Column("quote", "text"),
            Column("direction", "category", required=False, vocabulary=DIRECTIONS),
            Column("voice", "category", vocabulary=VOICES),
            Column("period", "text", required=False),
            Column("sentence_ids", "list"),  # the sentences.csv rows its quote lies in
        ),
        key=("claim_id",),
    ),
    "readings": Schema(
        "readings.csv",
        (
            Column("consideration_id", "category", references="considerations.consideration_id"),
            Column("source_id", "category", references="sources.source_id"),
            Column("direction", "category", vocabulary=READING_DIRECTIONS),
            Column("weight", "category", vocabulary=WEIGHTS),
            Column("reading", "text"),
            Column("claim_ids", "list", references="claims.claim_id"),
            Column("also_accepted", "list", required=False, vocabulary=ALTERNATIVE_DIRECTIONS),
            Column("also_accepted_basis", "text", required=False),
        ),
        key=("consideration_id", "source_id"),
    ),
    "disagreements": Schema(
        "disagreements.csv",
        (
            Column("disagreement_id", "id"),
            Column("consideration_id", "category", references="considerations.consideration_id"),
            Column("topic", "text"),
            Column("why", "text"),
        ),
        key=("disagreement_id",),
    ),
    "disagreement_positions": Schema(
        "disagreement_positions.csv",
        (
            Column("disagreement_id", "category", references="disagreements.disagreement_id"),
            Column("source_id", "category", references="sources.source_id"),
            Column("says", "text"),
            Column("claim_ids", "list", references="claims.claim_id"),
        ),
        key=("disagreement_id", "source_id"),
    ),
    "answer_alternatives": Schema(
        "answer_alternatives.csv",
        (
            Column("assignment", "id"),
            Column("question", "id"),
            Column("item", "text", required=False),
            Column("accepted", "text"),
            Column("basis", "list"),
            Column("note", "text"),
        ),
        key=("assignment", "question", "item", "accepted"),
    ),
    "timeline": Schema(
        "timeline.csv",
        (
            Column("event_id", "id"),
            Column("sequence", "int"),
            Column("event", "text"),
            Column("when_in_article", "text", required=False),
            Column("date", "date", required=False),
            Column("date_basis", "category", vocabulary=DATE_BASES),
            Column("policy_period", "int", required=False),
            Column("policy_period_source", "category", required=False, references="sources.source_id"),
            Column("claim_ids", "list", required=False, references="claims.claim_id"),
        ),
        key=("event_id",),
    ),
}


class DataValidationError(ValueError):
    """The course data is wrong. `problems` lists each one: file, row, column, what to do."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the course data:\n" + "\n".join(f"  - {p}" for p in problems)
        )


def _where(schema: Schema, line: int | None, column: str | None, key: str = "") -> str:
    parts = [str(data_dir() / schema.file)]
    if line is not None:
        parts.append(f"row {line}" + (f" ({key})" if key else ""))
    if column:
        parts.append(f"column {column!r}")
    return ", ".join(parts)


def _read_rows(schema: Schema) -> list[dict[str, str]]:
    path = data_dir() / schema.file
    if not path.is_file():
        raise DataValidationError([f"{path}: file is missing; see data/README.md for what it holds"])
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        expected = [c.name for c in schema.columns]
        # The student copy leaves some columns out (considerations/student_data.py): they are simply absent.
        missing = [c for c in expected if c not in header and c not in droppable(schema.file)]
        extra = [c for c in header if c not in expected]
        if missing or extra:
            problems = []
            if missing:
                problems.append(f"{path}: header lacks column(s) {', '.join(missing)}")
            if extra:
                problems.append(f"{path}: unknown column(s) {', '.join(extra)}; data/README.md lists the columns")
            raise DataValidationError(problems)
        rows = []
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise DataValidationError(
                    [f"{_where(schema, reader.line_num, None)}: wrong number of fields; check quoting of commas"]
                )
            rows.append(row)
        absent = [c for c in expected if c not in header]
        for row in rows:
            row.update(dict.fromkeys(absent))  # None: absent (the student copy), not empty
        return rows


def _check_rows(schema: Schema, rows: list[dict[str, str]]) -> list[str]:
    problems = []
    seen: dict[tuple, int] = {}
    path = data_dir() / schema.file
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        key = "/".join(row[k] for k in schema.key)
        for col in schema.columns:
            value = row[col.name]
            if value is None:  # a column the student copy leaves out
                continue
            # _where(schema, number, col.name, key), without a data_dir() look-up per cell (3,000 of them
            # made loading the tables for the answer keys ~0.1 s slower)
            where = f"{path}, row {number}{f' ({key})' if key else ''}, column {col.name!r}"
            if value != value.strip():
                problems.append(f"{where}: leading or trailing spaces in {value!r}")
            if not value:
                if col.required:
                    problems.append(f"{where}: empty, but a value is required")
                continue
            if col.kind == "id" and not _ID.match(value):
                problems.append(f"{where}: {value!r} is not a valid id (lower-case letters, digits, '-' and '_')")
            elif col.kind == "int" and not re.fullmatch(r"-?\d+", value):
                problems.append(f"{where}: {value!r} is not a whole number")
            elif col.kind == "date" and not _DATE.match(value):
                problems.append(f"{where}: {value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
            elif col.kind == "list" and any(not item for item in value.split(";")):
                problems.append(f"{where}: {value!r} has an empty item; separate ids with ';' and no spaces")
            items = value.split(";") if col.kind == "list" else [value]
            for item in items:
                if col.vocabulary and item and item not in col.vocabulary:
                    problems.append(f"{where}: {item!r} is not one of: {', '.join(col.vocabulary)}")
            if col.kind == "list" and len(set(items)) < len(items):
                problems.append(f"{where}: {value!r} lists an item twice")
        if schema.key:
            k = tuple(row[c] for c in schema.key)
            if k in seen:
                problems.append(
                    f"{_where(schema, number, None, key)}: duplicate {'/'.join(schema.key)}; "
                    f"row {seen[k]} already has it"
                )
            seen.setdefault(k, number)
    return problems


def _to_frame(schema: Schema, rows: list[dict[str, str]], categories: dict[str, list[str]]) -> pd.DataFrame:
    import pandas as pd

    present = [c for c in schema.columns if not rows or rows[0][c.name] is not None]
    frame = pd.DataFrame(rows, columns=[c.name for c in present])
    for col in present:
        values = frame[col.name]
        if col.kind == "int":
            frame[col.name] = pd.array([int(v) if v else None for v in values], dtype="Int64")
        elif col.kind == "list":
            frame[col.name] = [tuple(v.split(";")) if v else () for v in values]
        elif col.kind == "category":
            cats = list(col.vocabulary) or categories.get(col.references or "", sorted(set(values) - {""}))
            frame[col.name] = pd.Categorical(values.replace("", None), categories=cats)
        else:
            frame[col.name] = values.astype("string").replace("", pd.NA) if not col.required else values.astype("string")
    return frame


@lru_cache(maxsize=16)
def _load(name: str, folder: str) -> pd.DataFrame:
    schema = SCHEMAS[name]
    rows = _read_rows(schema)
    problems = _check_rows(schema, rows)
    if problems:
        raise DataValidationError(problems)
    categories = {}
    for col in schema.columns:
        if col.references and col.kind == "category":
            table, column = col.references.split(".")
            categories[col.references] = [r[column] for r in _read_rows(SCHEMAS[table])]
    return _to_frame(schema, rows, categories)


@lru_cache(maxsize=4)
def _consideration_names(folder: str) -> dict[str, str]:
    rows = _read_rows(SCHEMAS["considerations"])
    problems = _check_rows(SCHEMAS["considerations"], rows)
    if problems:
        raise DataValidationError(problems)
    rows = sorted(rows, key=lambda row: int(row["sort_order"]))
    return {row["consideration_id"]: row["name"] for row in rows}


def consideration_names() -> dict[str, str]:
    """Consideration id -> name, in teaching order, read without pandas (for the grader's checks)."""
    return dict(_consideration_names(str(data_dir())))


def load_table(name: str) -> pd.DataFrame:
    """One table by name (see `SCHEMAS`), checked against its schema. Returns a copy."""
    if name not in SCHEMAS:
        raise KeyError(f"no table {name!r}; tables are: {', '.join(SCHEMAS)}")
    return _load(name, str(data_dir())).copy()


def load_source_table() -> pd.DataFrame:
    return load_table("sources")


def load_considerations() -> pd.DataFrame:
    """The considerations, in teaching order. Returns a copy."""
    return _considerations_in_order(str(data_dir())).copy()


@lru_cache(maxsize=4)
def _considerations_in_order(folder: str) -> pd.DataFrame:
    return _load("considerations", folder).sort_values("sort_order", ignore_index=True)


def load_claims() -> pd.DataFrame:
    return load_table("claims")


def load_readings() -> pd.DataFrame:
    return load_table("readings")


def load_disagreement_positions() -> pd.DataFrame:
    """Each article's position in each disagreement: ``disagreement_id``, ``source_id``, ``says``, ``claim_ids``."""
    return load_table("disagreement_positions")


def load_disagreements() -> pd.DataFrame:
    """One row per disagreement: ``disagreement_id``, ``consideration_id``, ``topic``, ``why``, and
    ``claim_ids``, the claims of all its positions (derived from disagreement_positions.csv)."""
    frame = load_table("disagreements")
    positions = load_disagreement_positions()
    cited: dict[str, tuple[str, ...]] = {}
    for row in positions.itertuples():
        cited[str(row.disagreement_id)] = cited.get(str(row.disagreement_id), ()) + tuple(row.claim_ids)
    frame["claim_ids"] = [cited.get(str(d), ()) for d in frame["disagreement_id"]]
    return frame


def load_timeline() -> pd.DataFrame:
    timeline = load_table("timeline")
    # The student copy has no `sequence` (ordering events is an exercise): there, rows keep the file's order.
    return timeline.sort_values("sequence", ignore_index=True) if "sequence" in timeline else timeline


Rows = dict[str, list[dict[str, str]]]


def _enumerate(rows: Rows, name: str):
    """(line number, row, key text) for each row of a table; line 1 is the header."""
    schema = SCHEMAS[name]
    for number, row in enumerate(rows[name], start=2):
        yield number, row, "/".join(row[k] for k in schema.key)


def _check_references(rows: Rows) -> list[str]:
    """Every `references` column holds ids that exist in the table it names."""
    problems = []
    keys = {
        f"{name}.{col.name}": {r[col.name] for r in table}
        for name, table in rows.items()
        for col in SCHEMAS[name].columns
        if col.kind == "id"
    }
    for name in rows:
        for number, row, key in _enumerate(rows, name):
            for col in SCHEMAS[name].columns:
                if not col.references or not row[col.name]:
                    continue
                values = row[col.name].split(";") if col.kind == "list" else [row[col.name]]
                for value in values:
                    if value not in keys.get(col.references, ()):
                        problems.append(
                            f"{_where(SCHEMAS[name], number, col.name, key)}: {value!r} does not exist in {col.references}"
                        )
    return problems


def _check_reading_claims(rows: Rows) -> list[str]:
    """A reading's claims come from its own article and consideration."""
    problems = []
    claims = {r["claim_id"]: r for r in rows["claims"]}
    for number, row, key in _enumerate(rows, "readings"):
        for claim_id in row["claim_ids"].split(";"):
            claim = claims.get(claim_id)
            if claim and (claim["source_id"], claim["consideration_id"]) != (row["source_id"], row["consideration_id"]):
                problems.append(
                    f"{_where(SCHEMAS['readings'], number, 'claim_ids', key)}: "
                    f"claim {claim_id} is about {claim['consideration_id']} in {claim['source_id']}, not this reading"
                )
    return problems


_ALTERNATIVE = re.compile(r"^(?P<label>[a-z_]+) \((?P<ids>[^()\s]+)\): (?P<note>\S.*)$")


def _parse_alternatives(value: str) -> list[dict[str, object]] | str:
    """Parse `also_accepted_basis`: ``label (id;id): note`` segments joined by `` | ``; a str is an error."""
    parsed = []
    for segment in value.split(" | "):
        match = _ALTERNATIVE.match(segment.strip())
        if not match:
            return f"segment {segment[:60]!r} is not of the form 'label (id;id): note'"
        parsed.append({"direction": match["label"], "ids": tuple(match["ids"].split(";")), "note": match["note"]})
    return parsed


def _sentence_ids(folder) -> dict[str, str]:
    """Sentence id -> source id from sentences.csv, if the folder has one (alternatives may cite sentences)."""
    path = folder / "sentences.csv"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {r["sentence_id"]: r["source_id"] for r in csv.DictReader(f) if r.get("sentence_id")}


def _check_reading_alternatives(rows: Rows) -> list[str]:
    """`also_accepted` differs from `direction`, and `also_accepted_basis` gives, for each label in order,
    the claims or sentences of the same article that support it."""
    problems = []
    claims = {r["claim_id"]: r["source_id"] for r in rows["claims"]}
    sentences = _sentence_ids(data_dir())
    for number, row, key in _enumerate(rows, "readings"):
        where = _where(SCHEMAS["readings"], number, "also_accepted_basis", key)
        labels = row["also_accepted"].split(";") if row["also_accepted"] else []
        if row["direction"] in labels:
            problems.append(
                f"{_where(SCHEMAS['readings'], number, 'also_accepted', key)}: repeats the reading's own direction "
                f"{row['direction']!r}; list only the other labels a reader may give"
            )
        if not labels:
            if row["also_accepted_basis"]:
                problems.append(f"{where}: a basis is given but also_accepted is empty")
            continue
        parsed = _parse_alternatives(row["also_accepted_basis"]) if row["also_accepted_basis"] else "empty"
        if isinstance(parsed, str):
            problems.append(f"{where}: {parsed}; give one 'label (claim or sentence ids): note' per also_accepted label")
            continue
        if [p["direction"] for p in parsed] != labels:
            problems.append(
                f"{where}: its labels {[p['direction'] for p in parsed]} do not match also_accepted {labels} (same order)"
            )
        for alternative in parsed:
            for item in alternative["ids"]:
                source = claims.get(item) or sentences.get(item)
                if source is None:
                    problems.append(f"{where}: {item!r} is neither a claim_id in claims.csv nor a sentence_id in sentences.csv")
                elif source != row["source_id"]:
                    problems.append(f"{where}: {item!r} is from {source}, not from {row['source_id']}")
    return problems


def _check_source_naming(rows: Rows) -> list[str]:
    """Aliases name one article each, and every claim id starts with its article's `claim_prefix` and '-'."""
    problems = []
    owner: dict[str, str] = {}
    for number, row, key in _enumerate(rows, "sources"):
        for name in [row["source_id"], *filter(None, row["aliases"].split(";"))]:
            if owner.setdefault(name, key) != key:
                problems.append(
                    f"{_where(SCHEMAS['sources'], number, 'aliases', key)}: {name!r} already names {owner[name]}"
                )
    prefixes = {r["source_id"]: r["claim_prefix"] for r in rows["sources"]}
    taken: dict[str, str] = {}
    for number, row, key in _enumerate(rows, "sources"):
        if taken.setdefault(row["claim_prefix"], key) != key:
            problems.append(
                f"{_where(SCHEMAS['sources'], number, 'claim_prefix', key)}: {row['claim_prefix']!r} is already "
                f"the prefix of {taken[row['claim_prefix']]}"
            )
    for number, row, key in _enumerate(rows, "claims"):
        prefix = prefixes.get(row["source_id"])
        if prefix and not re.fullmatch(rf"{re.escape(prefix)}-\d+", row["claim_id"]):
            problems.append(
                f"{_where(SCHEMAS['claims'], number, 'claim_id', key)}: a claim of {row['source_id']} is numbered "
                f"{prefix}-NN (its claim_prefix in sources.csv)"
            )
    return problems


def _check_disagreements(rows: Rows) -> list[str]:
    """Each disagreement has positions from at least two articles, each citing claims of its own article."""
    problems = []
    claims = {r["claim_id"]: r["source_id"] for r in rows["claims"]}
    sides: dict[str, int] = {}
    for number, row, key in _enumerate(rows, "disagreement_positions"):
        sides[row["disagreement_id"]] = sides.get(row["disagreement_id"], 0) + 1
        for claim_id in row["claim_ids"].split(";"):
            if claims.get(claim_id, row["source_id"]) != row["source_id"]:
                problems.append(
                    f"{_where(SCHEMAS['disagreement_positions'], number, 'claim_ids', key)}: "
                    f"claim {claim_id} is from {claims[claim_id]}, not {row['source_id']}"
                )
    for number, row, key in _enumerate(rows, "disagreements"):
        if sides.get(row["disagreement_id"], 0) < 2:
            problems.append(
                f"{_where(SCHEMAS['disagreements'], number, 'disagreement_id', key)}: a disagreement needs the "
                "positions of at least two articles in disagreement_positions.csv"
            )
    return problems


def _check_policy_periods(rows: Rows) -> list[str]:
    """An event that opens a policy period names the article whose periods they are, and only then."""
    return [
        f"{_where(SCHEMAS['timeline'], number, 'policy_period_source', key)}: "
        + ("give the article whose policy period this is" if row["policy_period"] else "only for events with a policy_period")
        for number, row, key in _enumerate(rows, "timeline")
        if bool(row["policy_period"]) != bool(row["policy_period_source"])
    ]


def _check_answer_alternatives(rows: Rows) -> list[str]:
    """Each accepted answer's basis names claims or sentences that exist."""
    known = {r["claim_id"] for r in rows["claims"]} | set(_sentence_ids(data_dir()))
    return [
        f"{_where(SCHEMAS['answer_alternatives'], number, 'basis', key)}: {item!r} is neither a claim_id in "
        "claims.csv nor a sentence_id in sentences.csv"
        for number, row, key in _enumerate(rows, "answer_alternatives")
        for item in row["basis"].split(";")
        if item not in known
    ]


def _check_considerations_have_claims(rows: Rows) -> list[str]:
    with_claims = {r["consideration_id"] for r in rows["claims"]}
    return [
        f"{_where(SCHEMAS['considerations'], number, 'consideration_id', key)}: "
        "no claim in claims.csv supports this consideration"
        for number, row, key in _enumerate(rows, "considerations")
        if row["consideration_id"] not in with_claims
    ]


def _check_quotes(rows: Rows) -> list[str]:
    """Every quote is verbatim in its own article and in no other."""
    from considerations.evidence import UnusableQuote, verify_quote

    problems = []
    source_ids = [r["source_id"] for r in rows["sources"]]
    for number, row, key in _enumerate(rows, "claims"):
        where = _where(SCHEMAS["claims"], number, "quote", key)
        try:
            match = verify_quote(row["quote"], source=row["source_id"])
        except UnusableQuote as error:
            problems.append(f"{where}: {error}")
            continue
        if not match.found:
            problems.append(
                f"{where}: quote not found in {row['source_id']}; closest passage: {match.closest_passage[:120]!r}"
            )
        for other in source_ids:
            if other != row["source_id"] and verify_quote(row["quote"], source=other).found:
                problems.append(f"{where}: quote also occurs in {other}; choose words unique to {row['source_id']}")
    return problems


def _check_sentences(rows: Rows) -> list[str]:
    """sentences.csv tiles the bodies and is annotated; each claim's quote lies in its sentence_ids."""
    from considerations.sentences import validate_sentences  # sentences.py builds on this module

    return validate_sentences(rows["claims"])


#: The checks across tables, run in order once every table has passed its own schema.
#: Each takes the raw rows of all tables (name -> list of dicts) and returns its problems.
CROSS_CHECKS = [
    _check_references,
    _check_reading_claims,
    _check_reading_alternatives,
    _check_source_naming,
    _check_disagreements,
    _check_policy_periods,
    _check_answer_alternatives,
    _check_considerations_have_claims,
    _check_quotes,
    _check_sentences,
]


def read_all_rows() -> Rows:
    """The raw rows of every table, each checked against its schema. Raises DataValidationError."""
    problems: list[str] = []
    rows: Rows = {}
    for name, schema in SCHEMAS.items():
        try:
            rows[name] = _read_rows(schema)
        except DataValidationError as error:
            problems += error.problems
            continue
        problems += _check_rows(schema, rows[name])
        for row in rows[name]:  # the cross checks see a column the student copy leaves out as empty
            row.update({k: "" for k, v in row.items() if v is None})
    if problems:
        raise DataValidationError(problems)
    return rows


def validate_data() -> None:
    """Check every table, the references between them and every quote. Raises DataValidationError."""
    rows = read_all_rows()
    problems = [problem for check in CROSS_CHECKS for problem in check(rows)]
    if problems:
        raise DataValidationError(problems)


def reading_alternatives() -> pd.DataFrame:
    """The accepted alternatives of the readings, one row per (consideration, source, alternative label).

    Columns: ``consideration_id``, ``source_id``, ``direction`` (the alternative label, which may be
    ``not_discussed``), ``ids`` (tuple of claim or sentence ids supporting it) and ``note``.
    """
    import pandas as pd

    records = []
    for row in load_readings().itertuples():
        if not row.also_accepted:
            continue
        parsed = _parse_alternatives(str(row.also_accepted_basis))
        if isinstance(parsed, str):
            raise DataValidationError([f"{data_dir() / 'readings.csv'}: {row.consideration_id}/{row.source_id}: {parsed}"])
        records += [{"consideration_id": str(row.consideration_id), "source_id": str(row.source_id), **p} for p in parsed]
    return pd.DataFrame(records, columns=["consideration_id", "source_id", "direction", "ids", "note"])


def main(argv: list[str] | None = None) -> int:
    try:
        validate_data()
    except DataValidationError as error:
        print(error, file=sys.stderr)
        return 1
    counts = {name: len(_read_rows(schema)) for name, schema in SCHEMAS.items()}
    print(f"course data in {data_dir()} is valid: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
