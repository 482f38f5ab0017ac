"""The student data set: the one place that says which parts of data/ students get.

The wheel students install (packaging/student_wheel.py) carries a copy of data/ made by
`write_student_data`. It leaves out what graded questions ask a reader to find in the
articles: who speaks in a passage (claims' `voice`, and the module's paraphrase `claim`, which
names the speaker), which way a passage or an article's
reading pushes (claims' `direction`, readings' `direction`, `weight`, `reading` and
`claim_ids`), which policy period a passage describes (claims' `period`), when events
happened (timeline's `sequence` and `date`), and the keys' accepted alternatives
(readings' `also_accepted*`, the rows of answer_alternatives.csv). The checkout (the book,
the grader, the keys) keeps the full data.

The loaders accept a copy without these columns: a dropped column is simply absent from
the loaded table (`considerations.data`), and code that needs it says so
(`StudentDataError`).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

#: Per table file, the columns the student copy leaves out.
DROPPED_COLUMNS: dict[str, tuple[str, ...]] = {
    "claims.csv": ("claim", "direction", "voice", "period"),
    "readings.csv": ("direction", "weight", "reading", "claim_ids", "also_accepted", "also_accepted_basis"),
    "timeline.csv": ("sequence", "date"),
}
#: Tables whose rows are answers to graded questions: the student copy keeps their header only.
HEADER_ONLY = ("answer_alternatives.csv",)
#: Tables whose row order would give an answer away (the timeline's rows follow time): sorted by this column.
SORTED_BY: dict[str, str] = {"timeline.csv": "event_id"}
_IGNORE = ("__pycache__", ".DS_Store", "*.pyc")


class StudentDataError(LookupError):
    """Asked for a column the student copy of the data leaves out."""


def droppable(file: str) -> tuple[str, ...]:
    return DROPPED_COLUMNS.get(file, ())


def require(frame, column: str, what: str) -> None:
    """Raise a clear StudentDataError when `column` is not in the loaded table."""
    if column not in frame.columns:
        raise StudentDataError(
            f"{what} needs the {column!r} column, which the student copy of the course data leaves out: "
            "the exercises ask you to read it from the articles (the book shows the module's own reading)"
        )


def _reduced_csv(path: Path, drop: tuple[str, ...], rows: bool = True, sort_by: str | None = None) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [c for c in (reader.fieldnames or []) if c not in drop]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        if rows:
            records = list(reader)
            writer.writerows(sorted(records, key=lambda r: r[sort_by]) if sort_by else records)
    return out.getvalue()


def write_student_data(dest: Path, source: Path | None = None) -> Path:
    """Copy the course data from `source` (default: the checkout's data/) to `dest`, as students get it."""
    from considerations.paths import data_dir

    source = Path(source) if source is not None else data_dir()
    dest = Path(dest)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(*_IGNORE), dirs_exist_ok=True)
    for name in set(DROPPED_COLUMNS) | set(HEADER_ONLY) | set(SORTED_BY):
        path = source / name
        if path.is_file():
            text = _reduced_csv(path, droppable(name), rows=name not in HEADER_ONLY, sort_by=SORTED_BY.get(name))
            (dest / name).write_text(text, encoding="utf-8")
    return dest


def student_data_dir() -> Path:
    """The student copy of this installation's data, made once per content in the temporary folder and
    readable by everyone: what the grader's sandbox shows submitted code, which must not find there what the
    student's own install leaves out."""
    import hashlib
    import os
    import tempfile

    from considerations.paths import data_dir

    source = data_dir().resolve()
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes())
    target = Path(tempfile.gettempdir()) / f"considerations-student-data-{os.getuid()}-{digest.hexdigest()[:16]}"
    if target.is_dir() and target.stat().st_uid == os.getuid() and (target / "sources.csv").is_file():
        return target
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}-", dir=target.parent))
    write_student_data(staging, source)
    for folder, _, files in os.walk(staging):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder) / name, 0o644)
    try:
        staging.rename(target)  # atomic: another process that made it first wins
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (target.is_dir() and target.stat().st_uid == os.getuid()):
            raise
    return target
