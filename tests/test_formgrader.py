"""nbgrader's formgrader shows the autograder's grades, and hand grading there reaches our export."""

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import run_cli
from grading_fixtures import build_course, release_notebook, solution_notebook, write_submission

from autograder.sandbox import sandbox_available
from considerations.assignments import ASSIGNMENTS

pytestmark = pytest.mark.skipif(sandbox_available() is not None, reason=f"no sandbox: {sandbox_available()}")
ASSIGNMENT = list(ASSIGNMENTS)[0]
TOKEN = "formgrader-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port, path, method="GET", body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    course = build_course(tmp_path_factory.mktemp("formgrader") / "course")
    src = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    write_submission(course, "ada", ASSIGNMENT, {ASSIGNMENT: solution_notebook(src)})
    write_submission(course, "bo", ASSIGNMENT, {ASSIGNMENT: release_notebook(src)})
    result = run_cli("grade", ASSIGNMENT, "--course", str(course), "--quiet")
    assert result.returncode == 0, result.stderr
    port = free_port()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "JUPYTER_CONFIG_DIR": str(course / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(course / ".runtime")}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyter"), "server", "--allow-root", "--no-browser",
                             f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
                             "--ServerApp.port_retries=0"],
                            cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                api(port, "/formgrader/api/status")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("jupyter server with formgrader did not start")
                time.sleep(0.5)
        yield course, port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def stored_total(course, student):
    data = json.loads((course / "autograded" / student / ASSIGNMENT / "autograder.json").read_text())
    return sum(q["score"] for nb in data["notebooks"] for q in nb["questions"])


def test_formgrader_lists_the_autograded_scores(server):
    course, port = server
    submissions = {s["student"]: s for s in api(port, f"/formgrader/api/submissions/{ASSIGNMENT}")}
    assert set(submissions) == {"ada", "bo"}
    assert submissions["ada"]["code_score"] == pytest.approx(stored_total(course, "ada"))
    assert submissions["ada"]["code_score"] == pytest.approx(sum(q.points for q in ASSIGNMENTS[ASSIGNMENT] if q.kind != "free_text"))
    assert submissions["bo"]["score"] == 0
    assert submissions["ada"]["autograded"] is True
    assert submissions["ada"]["needs_manual_grade"] is True  # the essay
    assert submissions["bo"]["needs_manual_grade"] is False  # nothing written


def test_manual_grade_in_formgrader_reaches_the_export(server, tmp_path):
    course, port = server
    notebooks = api(port, f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    ada = next(nb for nb in notebooks if nb["student"] == "ada")
    grades = api(port, f"/formgrader/api/grades?submission_id={ada['id']}")
    manual = [g for g in grades if g["needs_manual_grade"]]
    assert manual, grades
    for grade in manual:
        api(port, f"/formgrader/api/grade/{grade['id']}", method="PUT", body={"manual_score": 3.0})
    out = tmp_path / "grades.csv"
    assert run_cli("export", ASSIGNMENT, "--course", str(course), "--to", str(out)).returncode == 0
    row = {r["student"]: r for r in csv.DictReader(out.open())}["ada"]
    assert float(row["manual_score"]) == 3.0 * len(manual)
    assert row["needs_manual_grading"] == "no"
    assert float(row["total"]) == pytest.approx(stored_total(course, "ada") + 3.0 * len(manual))
    # Re-grading keeps the hand-given score.
    assert run_cli("grade", ASSIGNMENT, "--course", str(course), "--quiet", "--force").returncode == 0
    again = {s["student"]: s for s in api(port, f"/formgrader/api/submissions/{ASSIGNMENT}")}["ada"]
    assert again["written_score"] == pytest.approx(3.0 * len(manual))
