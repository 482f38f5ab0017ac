"""Fingerprints that decide what re-grading may reuse.

run fingerprint   = the student's files + the instructor's notebooks + the course library and its data
                    + the sandbox (its code and the limits): what a run's answers depend on.
scoring fingerprint = the keys + the grading code + the data: what turns stored answers into scores.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import autograder
import considerations
from considerations.paths import data_dir

_MAX_HASHED_BYTES = 50_000_000  # larger files are refused by prepare anyway; hash their size instead


def _hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=None)
def library_fingerprint() -> str:
    """What a student's code can see and depend on: the course library and its data."""
    lib = Path(considerations.__file__).parent
    files = [*lib.rglob("*.py"), *lib.rglob("*.js"), *data_dir().rglob("*.csv"), *data_dir().rglob("*.txt")]
    return _hash_files(files)


_SANDBOX_FPS: dict[str, str] = {}


def sandbox_part(limits) -> str:
    """The sandbox package's files and the limits (None: the defaults), hashed once per set of limits."""
    from autograder.sandbox import Limits, sandbox_fingerprint

    limits = Limits() if limits is None else limits
    limits_repr = repr(sorted(asdict(limits).items()))
    if limits_repr not in _SANDBOX_FPS:
        _SANDBOX_FPS[limits_repr] = sandbox_fingerprint(limits)
    return _SANDBOX_FPS[limits_repr]


def run_fingerprint(limits=None) -> str:
    return hashlib.sha256((library_fingerprint() + sandbox_part(limits)).encode()).hexdigest()


@lru_cache(maxsize=None)
def scoring_fingerprint(course_root: str, assignment: str) -> str:
    """Everything that decides a score of `assignment` from given answers: its keys, grading code, data."""
    from considerations.assignments import ASSIGNMENTS

    pkg = Path(autograder.__file__).parent
    root = Path(course_root)
    # Only the modules that turn answers into scores: a change to the progress bar or the feedback page
    # must not re-score 4,000 stored results. The question types are in the library (library_fingerprint).
    scoring = [pkg / name for name in ("grading.py", "scoring.py", "keys.py", "bounds.py")]
    # The assignment's key file and outline (the capstone's keys read its model values there), and any
    # file of keys/ or outlines/ that is no other assignment's (a helper the keys may share); another
    # assignment's key file does not change these scores.
    others = set(ASSIGNMENTS) - {assignment}
    instructor = [p for p in (*(root / "keys").glob("*.py"), *(root / "outlines").glob("*")) if p.stem not in others]
    return hashlib.sha256((_hash_files([*scoring, *instructor]) + library_fingerprint()).encode()).hexdigest()


@lru_cache(maxsize=None)
def _instructor_fingerprint(paths: tuple[str, ...], mtimes: tuple[int, ...]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()


def submission_fingerprint(course, assignment: str, student: str, limits=None) -> str:
    """The submission's plain files (never following a link), the instructor's notebooks and the run."""
    digest = hashlib.sha256()
    folder = course.submission_dir(student, assignment)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        entries = []
    for entry in entries:
        if not entry.name.endswith(".ipynb"):
            continue
        info = entry.stat(follow_symlinks=False)
        digest.update(entry.name.encode("utf-8", "surrogateescape"))
        if stat.S_ISREG(info.st_mode) and info.st_size <= _MAX_HASHED_BYTES:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as f:
                digest.update(hashlib.sha256(f.read(_MAX_HASHED_BYTES + 1)).digest())
        else:
            digest.update(f"{stat.S_IFMT(info.st_mode)}:{info.st_size}:{info.st_mtime_ns}".encode())
    sources = sorted((course.root / "source" / assignment).glob("*.ipynb"))
    digest.update(_instructor_fingerprint(tuple(map(str, sources)),
                                          tuple(p.stat().st_mtime_ns for p in sources)).encode())
    digest.update(run_fingerprint(limits).encode())
    return digest.hexdigest()
