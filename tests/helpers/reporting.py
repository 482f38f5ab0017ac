"""Stored-result scenarios for the feedback and export tests (tests/golden/<scenario>/).

Each scenario folder holds stored.json (a result as `autograder grade` stores it) and
optionally manual.json (hand grades given in formgrader, "notebook/qid": [score, comment]);
the expected outputs sit beside them (feedback.html, row.csv). The course content they show
(prompts, sentences) comes from the snapshot in tests/golden/_reference/. UPDATE_GOLDEN=1 rewrites
the expected outputs instead of comparing; read the diff before committing it.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from hypothesis import strategies as st

from autograder import reporting
from autograder.commands.feedback import render_page
from autograder.reporting import Sentence, submission_view

from . import ROOT

GOLDEN = ROOT / "tests" / "golden"
SCENARIOS = sorted(p.name for p in GOLDEN.iterdir() if (p / "stored.json").is_file())
ASSIGNMENT = "reading_the_sources"
BOOK = "https://book.example.org/course"
AUTOGRADER = Path(sys.executable).parent / "autograder"
REFERENCE = GOLDEN / "_reference"


def reference_sentences() -> dict[str, Sentence]:
    with (REFERENCE / "sentences.csv").open(encoding="utf-8", newline="") as handle:
        return {r["sentence_id"]: Sentence(r["sentence_id"], r["source_id"], r["text"]) for r in csv.DictReader(handle)}


@contextlib.contextmanager
def fixed_reference():
    """The golden outputs test the rendering, not the course content: prompts, chapters, article
    names and sentences come from tests/golden/_reference/ (a snapshot), so a reworded prompt or
    a corrected sentence in data/ does not change them."""
    ref = json.loads((REFERENCE / "reference.json").read_text(encoding="utf-8"))
    bank = {qid: SimpleNamespace(qid=qid, **q) for qid, q in ref["bank"].items()}
    table = reference_sentences()
    with mock.patch.object(reporting, "bank", lambda assignment: bank if assignment == ASSIGNMENT else {}), \
            mock.patch.object(reporting, "sentences", lambda: table), \
            mock.patch.object(reporting, "source_name", lambda sid: ref["sources"].get(sid, sid)):
        yield


def load_scenario(name: str):
    folder = GOLDEN / name
    stored = json.loads((folder / "stored.json").read_text(encoding="utf-8"))
    manual_file = folder / "manual.json"
    manual = {}
    if manual_file.is_file():
        manual = {tuple(k.split("/")): tuple(v) for k, v in json.loads(manual_file.read_text()).items()}
    return stored, manual


def render_scenario(name: str) -> tuple[str, object]:
    stored, manual = load_scenario(name)
    student = stored.get("student") if isinstance(stored.get("student"), str) else name
    with fixed_reference():
        view = submission_view(stored, student, ASSIGNMENT, reveal=name == "revealed",
                               folder=Path("/course/feedback") / student / ASSIGNMENT, manual=manual)
        return render_page(view), view


def check_golden(path: Path, actual: str) -> None:
    # Bytes, not text: a CSV's \r\n line ends are part of what is compared.
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{path} differs from what is rendered now (UPDATE_GOLDEN=1 regenerates it)"


def make_course(tmp_path: Path, scenarios: list[str]) -> Path:
    """A course folder (config and source notebooks) with stored results copied in, as grading
    would leave them: no sandbox needed."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "exercises" / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "exercises" / "source", course / "source")
    for name in scenarios:
        stored, _ = load_scenario(name)
        student = stored.get("student") if isinstance(stored.get("student"), str) else name
        (course / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
        folder = course / "autograded" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / "autograder.json").write_text(json.dumps(stored), encoding="utf-8")
    return course


def cli(*args, **kwargs):
    env = {**os.environ, "COURSE_BOOK_URL": BOOK}
    return subprocess.run([str(AUTOGRADER), *args], capture_output=True, text=True, env=env, **kwargs)


# Any JSON a stored result could hold (forged, old, damaged), shaped like the real thing often enough
# to reach deep into the rendering.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
                       "right", "partial", "pending_manual", "iess-analysis-s032", "=1+1", "q1_coverage"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["qid", "kind", "points", "score", "status", "answer", "feedback", "chapter", "section",
                         "key", "item", "ok", "message", "sentence_ids", "<b>"]) | st.text(max_size=5),
        children, max_size=6),
    max_leaves=25,
)
QUESTION = st.fixed_dictionaries({}, optional={
    "qid": st.sampled_from(["q1_coverage", "q6_brotherhood_evidence", "q9_which_witness", "<script>x</script>"]) | JSON,
    "kind": st.sampled_from(["classification", "evidence", "free_text"]) | JSON,
    "points": JSON, "score": JSON,
    "status": st.sampled_from(["right", "partial", "wrong", "missing", "pending_manual", "failed"]) | JSON,
    "answer": JSON, "key": JSON, "chapter": JSON, "section": JSON,
    "feedback": st.lists(st.fixed_dictionaries({}, optional={"item": JSON, "ok": JSON, "message": JSON,
                                                               "sentence_ids": JSON}) | JSON, max_size=3) | JSON,
})
STORED = st.fixed_dictionaries({}, optional={
    "status": st.sampled_from(["graded", "failed", "invalid"]) | JSON, "reason": JSON, "graded_at": JSON,
    "flags": JSON,
    "notebooks": st.lists(st.fixed_dictionaries({}, optional={
        "name": JSON, "status": JSON, "failure": JSON, "notes": JSON, "cells": JSON, "free_text": JSON,
        "failed_cell": JSON, "questions": st.lists(QUESTION, max_size=4) | JSON}) | JSON, max_size=2) | JSON,
}) | JSON
