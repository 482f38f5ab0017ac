"""Answer keys: loaded from the instructor's course folder, derived from data/.

Each assignment has `DIR/keys/<assignment>.py` defining `KEYS`, a dict from
question id to a function that returns a `Key`. The functions compute the key
from the course data through the `considerations` loaders, so fixing a fact in
`data/` fixes every key that depends on it. Keys never go into a notebook and are
not part of the student's install.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
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

    def fingerprint(self) -> str:
        payload = json.dumps(
            [self.value, list(self.cite), self.option_feedback, self.tolerance, self.basis],
            sort_keys=True, default=list,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


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
    for qid, function in functions.items():
        key = function()
        if not isinstance(key, Key):
            raise TypeError(f"{path}: KEYS[{qid!r}] returned {type(key).__name__}, not a Key")
        problems = questions[qid].key_problems(key)
        if problems:
            raise ValueError(f"{path}: the key for {qid} does not fit its question: {'; '.join(problems)}")
        keys[qid] = key
    return keys


def keys_fingerprint(assignment: str, course_dir: Path) -> str:
    """Changes whenever any key of the assignment changes (used for incremental re-grading)."""
    keys = load_keys(assignment, course_dir)
    digest = hashlib.sha256()
    for qid in sorted(keys):
        digest.update(qid.encode() + keys[qid].fingerprint().encode())
    return digest.hexdigest()


NOT_DISCUSSED = "not_discussed"


def reading_directions_key(items, source_id: str) -> Key:
    """Key for "which way does this article say each consideration pushes Pakistan?":
    the article's direction from readings.csv, or `not_discussed` where it gives no reading.
    Cites the first supporting claim of each reading."""
    from considerations import load_readings

    readings = load_readings()
    mine = readings[readings["source_id"] == source_id].set_index("consideration_id")
    value, cite = {}, []
    for cid in items:
        if cid in mine.index:
            value[cid] = str(mine.at[cid, "direction"])
            cite += list(mine.at[cid, "claim_ids"][:1])
        else:
            value[cid] = NOT_DISCUSSED
    return Key(value=value, cite=tuple(cite))


def load_solutions(assignment: str, course_dir: Path) -> dict[str, str]:
    """Question id -> model answer (code for auto-graded questions, Markdown for written ones),
    from `SOLUTIONS` in the assignment's key file; `autograder assign` writes them into the notebook."""
    path = Path(course_dir) / "keys" / f"{assignment}.py"
    solutions = getattr(_load_module(path), "SOLUTIONS", None)
    if not isinstance(solutions, dict):
        raise ValueError(f"{path} must define SOLUTIONS = {{question id: model answer}}")
    return solutions
