"""Answer keys: loaded from the instructor's course folder, derived from data/.

Each assignment has `DIR/keys/<assignment>.py` defining `KEYS`, a dict from
question id to a function that returns a `Key`. The functions compute the key
from the course data through the `considerations` loaders, so fixing a fact in
`data/` fixes every key that depends on it. Keys never go into a notebook and are
not part of the student's install.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from considerations.assignments import ASSIGNMENTS


@dataclass(frozen=True)
class Key:
    """The right answer to one question.

    value: the answer (for classification, an item may map to a tuple of
        acceptable labels, e.g. where a question about both articles accepts
        either article's reading).
    cite: claim ids whose passages support the right reading (quoted in feedback).
    option_feedback: for multiple choice, a sentence per option saying why it is
        right or wrong (shown in feedback).
    tolerance: for numbers, the accepted absolute difference.
    basis: for classification, item -> sentence ids that support its accepted label(s).
    """

    value: Any = None
    cite: tuple[str, ...] = ()
    option_feedback: dict[str, str] = field(default_factory=dict)
    tolerance: float = 1e-6
    basis: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _load_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"course_keys_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_keys(assignment: str, course_dir: Path) -> dict[str, Key]:
    """Question id -> Key for every auto-graded question of the assignment."""
    path = Path(course_dir) / "keys" / f"{assignment}.py"
    if not path.is_file():
        raise FileNotFoundError(f"no answer keys for {assignment!r}: expected {path}")
    module = _load_module(path)
    functions = getattr(module, "KEYS", None)
    if not isinstance(functions, dict):
        raise ValueError(f"{path} must define KEYS = {{question id: function returning a Key}}")
    questions = {q.qid: q for q in ASSIGNMENTS[assignment]}
    needed = {qid for qid, q in questions.items() if q.needs_key}
    missing = needed - set(functions)
    unknown = set(functions) - set(questions)
    if missing or unknown:
        raise ValueError(
            f"{path}: keys missing for {sorted(missing)}; keys for unknown questions {sorted(unknown)}"
        )
    keys = {}
    alternatives = load_answer_alternatives()  # read once, not once per question
    for qid, function in functions.items():
        key = function()
        if not isinstance(key, Key):
            raise TypeError(f"{path}: KEYS[{qid!r}] returned {type(key).__name__}, not a Key")
        key = with_answer_alternatives(assignment, qid, key, alternatives)
        problems = questions[qid].key_problems(key)
        if problems:
            raise ValueError(f"{path}: the key for {qid} does not fit its question: {'; '.join(problems)}")
        keys[qid] = key
    return keys


# --- a cache of computed keys --------------------------------------------------------------------
# Computing the keys reads data/ through pandas (0.6 s for the four assignments, plus pandas' import),
# and every `autograder grade` needs them. They depend only on what the scoring fingerprint hashes
# (data, library, key files, grading code), so they are kept, per assignment, as JSON under that
# fingerprint in the instructor's course folder (never pickle: a file there is read back as data only).
# Tuples are tagged so that a key reads back exactly as computed; anything else is not cached.

KEY_CACHE_DIR = ".autograder"
KEY_CACHE_FORMAT = 1


class _NotCacheable(TypeError):
    pass


def _encode(value):
    if value is None or isinstance(value, (bool, str)) or type(value) in (int, float):
        return value
    if type(value) is tuple:
        return {"tuple": [_encode(v) for v in value]}
    if type(value) is list:
        return [_encode(v) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    raise _NotCacheable(type(value).__name__)


def _decode(data):
    if isinstance(data, list):
        return [_decode(v) for v in data]
    if isinstance(data, dict):
        if set(data) == {"tuple"} and isinstance(data["tuple"], list):
            return tuple(_decode(v) for v in data["tuple"])
        if set(data) == {"dict"} and isinstance(data["dict"], dict):
            return {k: _decode(v) for k, v in data["dict"].items()}
        raise ValueError("not a cached key")
    return data


def _decoded_key(fields: dict) -> Key:
    return Key(**{name: _decode(value) for name, value in fields.items()})


def _key_cache_path(course_dir: Path, assignment: str) -> Path:
    return Path(course_dir) / KEY_CACHE_DIR / "keys" / f"{assignment}.json"


def _read_cached_keys(path: Path, fingerprint: str, assignment: str) -> dict[str, Key] | None:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != KEY_CACHE_FORMAT or data.get("fingerprint") != fingerprint:
            return None
        keys = {qid: _decoded_key(fields) for qid, fields in data["keys"].items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return None  # unreadable or from an older grader: computed again
    questions = {q.qid: q for q in ASSIGNMENTS[assignment]}
    needed = {qid for qid, q in questions.items() if q.needs_key}
    if set(keys) - set(questions) or needed - set(keys) or any(questions[qid].key_problems(key) for qid, key in keys.items()):
        return None
    return keys


def _write_cached_keys(path: Path, fingerprint: str, keys: dict[str, Key]) -> None:
    import json
    import os
    import tempfile
    from dataclasses import fields

    try:
        encoded = {qid: {f.name: _encode(getattr(key, f.name)) for f in fields(Key)} for qid, key in keys.items()}
    except _NotCacheable:
        return
    decoded = {qid: _decoded_key(f) for qid, f in encoded.items()}
    if decoded != keys:  # e.g. a float that JSON would change: compute it each time instead
        return
    text = json.dumps({"format": KEY_CACHE_FORMAT, "fingerprint": fingerprint, "keys": encoded}, ensure_ascii=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as f:
            f.write(text)
        os.replace(f.name, path)  # a reader never sees half a file
    except OSError:
        pass  # a read-only course folder: the keys are computed each run, nothing is lost


def load_keys_cached(assignment: str, course_dir: Path, fingerprint: str) -> dict[str, Key]:
    """`load_keys`, read from the course's key cache when `fingerprint` (the scoring fingerprint: data,
    library, key files, grading code) matches; computed and cached otherwise."""
    path = _key_cache_path(course_dir, assignment)
    keys = _read_cached_keys(path, fingerprint, assignment)
    if keys is None:
        keys = load_keys(assignment, course_dir)
        _write_cached_keys(path, fingerprint, keys)
    return keys


NOT_DISCUSSED = "not_discussed"
ALTERNATIVES_FILE = "answer_alternatives.csv"
ALTERNATIVES_COLUMNS = ["assignment", "question", "item", "accepted", "basis", "note"]


def load_answer_alternatives():
    """data/answer_alternatives.csv: readings a careful reader can defend besides the key's, one row per
    accepted value, each with the sentence or claim ids it rests on. `item` is empty for a whole answer
    (multiple choice)."""
    import pandas as pd

    from considerations.paths import data_dir

    table = pd.read_csv(data_dir() / ALTERNATIVES_FILE, dtype=str, keep_default_na=False)
    if list(table.columns) != ALTERNATIVES_COLUMNS:
        raise ValueError(f"{ALTERNATIVES_FILE}: the columns must be {ALTERNATIVES_COLUMNS}")
    table["basis"] = table["basis"].map(lambda ids: tuple(i for i in ids.split(";") if i))
    return table


def with_answer_alternatives(assignment: str, qid: str, key: Key, table=None) -> Key:
    """The key with the alternatives that data/answer_alternatives.csv lists for the question added
    (`table`: that file as `load_answer_alternatives` returns it, when the caller has read it already)."""
    from dataclasses import replace

    if table is None:
        table = load_answer_alternatives()
    rows = table[(table["assignment"] == assignment) & (table["question"] == qid)]
    if rows.empty:
        return key
    from considerations.questions import sentences_of_claims

    value, basis = key.value, dict(key.basis)
    for row in rows.itertuples():
        sentences = tuple(sentences_of_claims(row.basis))
        if row.item:
            if not isinstance(value, dict) or row.item not in value:
                raise ValueError(f"{ALTERNATIVES_FILE}: {assignment} {qid} has no item {row.item!r}")
            value = {**value, row.item: _accepted(value[row.item]) + (row.accepted,)}
            basis[row.item] = tuple(dict.fromkeys(basis.get(row.item, ()) + sentences))
        else:
            value = _accepted(value) + (row.accepted,)
            basis[row.accepted] = sentences
    return replace(key, value=value, basis=basis)


def _accepted(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def reading_labels(consideration_id: str, source_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(accepted labels, their supporting sentence ids) for an article's reading of a consideration:
    readings.csv's direction first, then its also_accepted alternatives; `not_discussed` where the
    article has no reading."""
    from considerations import load_readings
    from considerations.data import reading_alternatives
    from considerations.questions import sentences_of_claims

    readings = load_readings()
    row = readings[(readings["consideration_id"] == consideration_id) & (readings["source_id"] == source_id)]
    if row.empty:
        return (NOT_DISCUSSED,), ()
    labels = [str(row["direction"].iloc[0])]
    ids = list(row["claim_ids"].iloc[0][:2])
    alternatives = reading_alternatives()
    mine = alternatives[(alternatives["consideration_id"] == consideration_id) & (alternatives["source_id"] == source_id)]
    for alt in mine.itertuples():
        if alt.direction not in labels:
            labels.append(str(alt.direction))
            ids += [i for i in alt.ids if i not in ids]
    return tuple(labels), tuple(sentences_of_claims(ids))


def reading_directions_key(items, source_id: str) -> Key:
    """Key for "which way does this article say each consideration pushes Pakistan?": the article's
    direction from readings.csv and every alternative it accepts (`not_discussed` where it gives no
    reading), each item with the sentences that support its labels."""
    from considerations import load_readings

    readings = load_readings()
    mine = readings[readings["source_id"] == source_id].set_index("consideration_id")
    value, basis, cite = {}, {}, []
    for cid in items:
        labels, sentences = reading_labels(cid, source_id)
        value[cid] = labels[0] if len(labels) == 1 else labels
        basis[cid] = sentences
        if cid in mine.index:
            cite += list(mine.at[cid, "claim_ids"][:1])
    return Key(value=value, cite=tuple(cite), basis=basis)


def load_solutions(assignment: str, course_dir: Path) -> dict[str, str]:
    """Question id -> model answer (code for auto-graded questions, Markdown for written ones),
    from `SOLUTIONS` in the assignment's key file; `autograder assign` writes them into the notebook."""
    path = Path(course_dir) / "keys" / f"{assignment}.py"
    solutions = getattr(_load_module(path), "SOLUTIONS", None)
    if not isinstance(solutions, dict):
        raise ValueError(f"{path} must define SOLUTIONS = {{question id: model answer}}")
    return solutions


def sentences(source_id: str, *numbers: int) -> tuple[str, ...]:
    """Sentence ids of an article by number (`iess-analysis-s074` is `sentences(IESS, 74)`), checked
    to exist, for keys that name the passages a question asks for."""
    from considerations.sentences import load_sentences

    ids = tuple(f"{source_id}-s{n:03d}" for n in numbers)
    known = set(load_sentences()["sentence_id"])
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValueError(f"no such sentence(s) {missing}; sentences.csv has changed, revise the key")
    return ids
