"""`autograder grade` end to end: a mixed batch of honest, broken and adversarial submissions.

One batch (40+ submissions over the four assignments) is graded once with the real
command line; the tests then check the gradebook, the stored results, the feedback
and the CSV export, and that nothing on the host changed.
"""

import csv
import hashlib
import json
import socket
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT
from helpers.cli import run_cli
from helpers.grading import (
    attack_notebook,
    build_course,
    deep,
    expected_score,
    find_cell,
    question_messages,
    release_notebook,
    solution_notebook,
    wrong_answers_notebook,
    write_submission,
)
from helpers.sandbox import require_sandbox

from autograder.keys import load_keys
from considerations.assignments import ASSIGNMENTS

ASSIGNMENT_NAMES = list(ASSIGNMENTS)
CHEATED = ASSIGNMENT_NAMES[0]  # the adversarial set is aimed at the first assignment
ATTACKS = ["ast_transformer", "input_transformer", "settrace", "always_equal", "read_instructor_files",
           "gradebook_editor", "endless_loop", "huge_output", "memory_bomb", "fork_bomb", "network",
           "write_outside", "exit_interpreter"]
WHOLE_RUN_LOST = {"endless_loop", "exit_interpreter"}  # these end the run: every answer is lost
TIMEOUT = 15


pytestmark = pytest.mark.sandbox  # runs student code under bubblewrap: make test, not make test-fast


@pytest.fixture(autouse=True, scope="module")
def _needs_sandbox():
    require_sandbox()  # skips without bubblewrap; fails under AUTOGRADER_REQUIRE_SANDBOX=1 (make test, CI)


def auto_questions(assignment):
    return [q for q in ASSIGNMENTS[assignment] if q.kind != "free_text"]


def target_question(assignment):
    """The question an attack replaces: the first classification or multiple-choice one
    (an all-wrong answer to it scores exactly zero)."""
    return next(q for q in auto_questions(assignment) if q.kind in ("classification", "multiple_choice"))


def source_path(course, assignment):
    return course / "source" / assignment / f"{assignment}.ipynb"


def _digest(paths):
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


class Listener:
    """A TCP server on the host's loopback that records any connection a sandbox makes."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("grading")
    course = build_course(base / "course")
    marker = base / "escaped-marker"
    listener = Listener()
    expected = {}  # (student, assignment) -> {qid: expected score} (None: not checked)

    for a in ASSIGNMENT_NAMES:
        src = source_path(course, a)
        keys = load_keys(a, course)
        questions = auto_questions(a)
        write_submission(course, f"{a}-correct", a, {a: solution_notebook(src)})
        expected[(f"{a}-correct", a)] = {q.qid: expected_score(q, keys.get(q.qid), "right") for q in questions}
        write_submission(course, f"{a}-blank", a, {a: release_notebook(src)})
        expected[(f"{a}-blank", a)] = {q.qid: 0.0 for q in questions}
        write_submission(course, f"{a}-wrong", a, {a: wrong_answers_notebook(src, a)})
        expected[(f"{a}-wrong", a)] = {q.qid: expected_score(q, keys.get(q.qid), "wrong") for q in questions}
        for half in (0, 1):  # partly right: every other question wrong
            wrong = {q.qid for i, q in enumerate(questions) if i % 2 == half}
            student = f"{a}-partial{half}"
            write_submission(course, student, a, {a: wrong_answers_notebook(src, a, wrong)})
            expected[(student, a)] = {q.qid: expected_score(q, keys.get(q.qid), "wrong" if q.qid in wrong else "right")
                                      for q in questions}

    a = CHEATED
    src = source_path(course, a)
    keys = load_keys(a, course)
    target = target_question(a)
    right = {q.qid: expected_score(q, keys.get(q.qid), "right") for q in auto_questions(a)}
    for attack in ATTACKS:
        nb = attack_notebook(src, a, attack, target.qid, HOST_MARKER=str(marker),
                             HOST_GRADEBOOK=str(course / "gradebook.db"), HOST_PORT=listener.port)
        write_submission(course, f"cheat-{attack}", a, {a: nb})
        if attack in WHOLE_RUN_LOST:
            expected[(f"cheat-{attack}", a)] = {qid: 0.0 for qid in right}
        elif attack == "input_transformer":
            expected[(f"cheat-{attack}", a)] = {target.qid: 0.0}  # later cells are blanked: checked separately
        else:
            expected[(f"cheat-{attack}", a)] = {**right, target.qid: 0.0}

    # Submissions whose structure was tampered with.
    solution = solution_notebook(src)
    test_cell_id, answer_cell_id = target.qid, f"{target.qid}_answer"
    points_edited = deep(solution)
    find_cell(points_edited, test_cell_id)["metadata"]["nbgrader"]["points"] = 1000
    write_submission(course, "tamper-points", a, {a: points_edited})
    expected[("tamper-points", a)] = right
    deleted = deep(solution)
    deleted["cells"] = [c for c in deleted["cells"]
                        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") not in (test_cell_id, answer_cell_id, "setup")]
    write_submission(course, "tamper-deleted", a, {a: deleted})
    expected[("tamper-deleted", a)] = {**right, target.qid: 0.0}
    retyped = deep(solution)
    find_cell(retyped, answer_cell_id)["cell_type"] = "markdown"
    find_cell(retyped, answer_cell_id).pop("outputs", None)
    find_cell(retyped, answer_cell_id).pop("execution_count", None)
    write_submission(course, "tamper-retyped", a, {a: retyped})
    expected[("tamper-retyped", a)] = {**right, target.qid: 0.0}
    relabelled = deep(solution)
    other = next(q for q in auto_questions(a) if q.qid != target.qid and q.kind not in ("weights",))
    cell_a, cell_b = find_cell(relabelled, answer_cell_id), find_cell(relabelled, f"{other.qid}_answer")
    cell_a["metadata"]["nbgrader"]["grade_id"], cell_b["metadata"]["nbgrader"]["grade_id"] = f"{other.qid}_answer", answer_cell_id
    write_submission(course, "tamper-relabelled", a, {a: relabelled})
    expected[("tamper-relabelled", a)] = {}  # the answers still define their variables: graded by value
    write_submission(course, "tamper-invalid-json", a, {a: '{"cells": [ this is not json'})
    expected[("tamper-invalid-json", a)] = {qid: 0.0 for qid in right}
    write_submission(course, "tamper-not-a-notebook", a, {a: b"\x89PNG\r\n\x1a\n\x00\x00binary"})
    expected[("tamper-not-a-notebook", a)] = {qid: 0.0 for qid in right}
    write_submission(course, "tamper-empty-folder", a, {})
    expected[("tamper-empty-folder", a)] = {qid: 0.0 for qid in right}
    helper_cell = deep(solution)  # an honest student who added a cell of their own
    helper_cell["cells"].insert(2, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                    "source": "my_note = 'my own working'\nprint(my_note)"})
    write_submission(course, "honest-added-cell", a, {a: helper_cell})
    expected[("honest-added-cell", a)] = right

    watched = [*(course / "source").rglob("*"), *(course / "keys").rglob("*.py"), course / "nbgrader_config.py",
               *(ROOT / "data").rglob("*")]
    before = _digest(watched)
    runs = {}
    for assignment in ASSIGNMENT_NAMES:
        started = time.monotonic()
        result = run_cli("grade", assignment, "--course", str(course), "--workers", "2", "--timeout", str(TIMEOUT))
        runs[assignment] = (result, time.monotonic() - started)
        assert result.returncode == 0, result.stderr[-3000:]
    time.sleep(4)  # give any escaped "detached" process time to act
    listener.close()
    yield {"course": course, "expected": expected, "runs": runs, "marker": marker, "listener": listener,
           "digest_before": before, "digest_after": _digest(watched), "target": target}


def stored(course, student, assignment):
    return json.loads((course / "autograded" / student / assignment / "autograder.json").read_text())


def scores(course, student, assignment):
    data = stored(course, student, assignment)
    return {q["qid"]: q["score"] for nb in data["notebooks"] for q in nb["questions"]}


def test_batch_is_large_and_mixed(batch):
    assert len(batch["expected"]) >= 40
    for assignment, (result, seconds) in batch["runs"].items():
        print(f"{assignment}: graded in {seconds:.1f} s")
        assert "graded" in result.stdout
        assert "[" in result.stderr and "]" in result.stderr  # the progress bar


def test_every_submission_gets_the_scores_it_should(batch):
    course = batch["course"]
    problems = []
    for (student, assignment), want in batch["expected"].items():
        got = scores(course, student, assignment)
        for qid, points in want.items():
            if points is not None and abs(got.get(qid, -1) - points) > 1e-3:
                problems.append(f"{student} {qid}: got {got.get(qid)}, expected {points}")
    assert not problems, "\n".join(problems)


def test_input_transformer_cheat_gains_nothing(batch):
    got = scores(batch["course"], "cheat-input_transformer", CHEATED)
    right = scores(batch["course"], f"{CHEATED}-correct", CHEATED)
    assert got[batch["target"].qid] == 0.0
    assert sum(got.values()) < sum(right.values())


def test_gradebook_holds_the_same_scores_and_was_not_edited(batch):
    from nbgrader.api import Gradebook

    course = batch["course"]
    bank = {a: {q.qid: q for q in ASSIGNMENTS[a]} for a in ASSIGNMENT_NAMES}
    checked = 0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for (student, assignment) in batch["expected"]:
            ours = scores(course, student, assignment)
            submission = gb.find_submission(assignment, student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    question = bank[assignment][grade.cell.name]
                    assert grade.max_score == question.points  # edited points in a submission change nothing
                    if question.kind == "free_text":
                        assert grade.auto_score in (None, 0.0)
                        continue
                    # the detached "gradebook editor" would have set 1000 everywhere
                    assert grade.auto_score == pytest.approx(ours[grade.cell.name], abs=1e-3), (student, grade.cell.name)
                    checked += 1
    assert checked > 100


def test_nothing_changed_on_the_host(batch):
    assert batch["digest_before"] == batch["digest_after"]
    assert not batch["marker"].exists()
    assert not Path("/tmp/../" + str(batch["marker"])).exists()
    assert batch["listener"].connections == 0


def test_failures_are_reported_with_reasons(batch):
    course = batch["course"]
    summary = batch["runs"][CHEATED][0].stdout
    for student, reason in [("tamper-invalid-json", "invalid JSON"), ("tamper-not-a-notebook", "not a text file"),
                            ("cheat-endless_loop", f"did not finish within {TIMEOUT}"),
                            ("cheat-exit_interpreter", "ended the run"),
                            ("tamper-empty-folder", "was not submitted")]:
        data = stored(course, student, CHEATED)
        failure = " ".join(nb["failure"] for nb in data["notebooks"])
        assert reason in failure, (student, failure)
        assert student in summary
    notes = " ".join(n for nb in stored(course, "tamper-deleted", CHEATED)["notebooks"] for n in nb["notes"])
    assert "deleted" in notes
    notes = " ".join(n for nb in stored(course, "tamper-points", CHEATED)["notebooks"] for n in nb["notes"])
    assert "settings" in notes and "changed" in notes


def test_always_equal_object_is_explained(batch):
    data = stored(batch["course"], "cheat-always_equal", CHEATED)
    q = next(q for nb in data["notebooks"] for q in nb["questions"] if q["qid"] == batch["target"].qid)
    assert q["score"] == 0 and "plain data" in " ".join(question_messages(q))


def test_feedback_cites_passages_never_keys_and_caps_output(batch):
    course = batch["course"]
    result = run_cli("feedback", CHEATED, "--course", str(course))
    assert result.returncode == 0, result.stderr
    wrong = (course / "feedback" / f"{CHEATED}-wrong" / CHEATED / f"{CHEATED}.html").read_text()
    assert "<blockquote>" in wrong  # the supporting passage of the article
    keys_source = (course / "keys" / f"{CHEATED}.py").read_text()
    # Feedback shows the student's own answers; this one's essay is the model answer the keys file holds too.
    cells = json.loads((course / "submitted" / f"{CHEATED}-wrong" / CHEATED / f"{CHEATED}.ipynb").read_text())["cells"]
    submitted = " ".join(" ".join("".join(c["source"]).split()) for c in cells)  # wrapped differently in the keys
    for line in keys_source.splitlines():
        line = line.strip()
        if len(line) > 25 and not line.startswith(("#", '"', "'")) and " ".join(line.split()) not in submitted:
            assert line not in wrong, line
    assert "The answer:" not in wrong
    huge = (course / "feedback" / "cheat-huge_output" / CHEATED / f"{CHEATED}.html").read_text()
    assert len(huge) < 200_000 and "more characters not shown" in huge
    revealed = run_cli("feedback", CHEATED, "--course", str(course), "--reveal", "--student", f"{CHEATED}-wrong")
    assert revealed.returncode == 0
    assert "The answer:" in (course / "feedback" / f"{CHEATED}-wrong" / CHEATED / f"{CHEATED}.html").read_text()


def test_export_csv_flags_manual_grading(batch, tmp_path):
    course = batch["course"]
    out = tmp_path / "grades.csv"
    result = run_cli("export", CHEATED, "--course", str(course), "--to", str(out))
    assert result.returncode == 0, result.stderr
    rows = {r["student"]: r for r in csv.DictReader(out.open())}
    correct, blank = rows[f"{CHEATED}-correct"], rows[f"{CHEATED}-blank"]
    auto_total = sum(q.points for q in auto_questions(CHEATED))
    assert float(correct["auto_score"]) == pytest.approx(auto_total)
    assert float(blank["total"]) == 0
    has_manual = any(q.kind == "free_text" for q in ASSIGNMENTS[CHEATED])
    assert correct["needs_manual_grading"] == ("yes" if has_manual else "no")
    assert blank["needs_manual_grading"] == "no"  # nothing written: nothing to grade by hand
    assert rows["tamper-invalid-json"]["status"] == "failed"


def test_regrading_is_idempotent_and_incremental(batch):
    course = batch["course"]
    before = {s: scores(course, s, a) for (s, a) in batch["expected"] if a == ASSIGNMENT_NAMES[1]}
    result = run_cli("grade", ASSIGNMENT_NAMES[1], "--course", str(course), "--timeout", str(TIMEOUT))
    assert result.returncode == 0
    assert f"{len(before)} unchanged since the last run" in result.stdout
    after = {s: scores(course, s, ASSIGNMENT_NAMES[1]) for s in before}
    assert before == after
    # A changed key file re-scores the stored answers without running any notebook again.
    keys_file = course / "keys" / f"{ASSIGNMENT_NAMES[1]}.py"
    keys_file.write_text(keys_file.read_text() + "\n# reviewed\n")
    result = run_cli("grade", ASSIGNMENT_NAMES[1], "--course", str(course), "--timeout", str(TIMEOUT))
    assert result.returncode == 0
    assert f"{len(before)} re-scored from stored answers" in result.stdout
    assert "0 run in the sandbox" in result.stdout
    assert {s: scores(course, s, ASSIGNMENT_NAMES[1]) for s in before} == before
