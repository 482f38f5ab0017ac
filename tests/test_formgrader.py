"""nbgrader's formgrader shows the autograder's grades, hand grading there reaches our export,
and a hostile written answer opened in formgrader's manual-grading view runs no script."""

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
from helpers.cli import run_cli
from helpers.grading import build_course, find_cell, release_notebook, solution_notebook, write_submission
from helpers.sandbox import require_sandbox

from considerations.assignments import ASSIGNMENTS

ASSIGNMENT = list(ASSIGNMENTS)[0]
ESSAY = next(q.qid for q in ASSIGNMENTS[ASSIGNMENT] if q.kind == "free_text")
TOKEN = "formgrader-test-token"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
MARKER_FILE = "pwned-by-student.txt"
# What a determined student would put in a written answer: with the instructor's Jupyter
# session, set a flag, open a dialog, write a file through the contents API and start a kernel.
_JS = ("window.__pwned=(window.__pwned||0)+1;"
       "var m=document.cookie.match(/_xsrf=([^;]+)/);"
       "var h={'Content-Type':'application/json','X-XSRFToken':m?decodeURIComponent(m[1]):''};"
       f"fetch('/api/contents/{MARKER_FILE}',{{method:'PUT',headers:h,credentials:'same-origin',"
       "body:JSON.stringify({type:'file',format:'text',content:'pwned'})});"
       "fetch('/api/kernels',{method:'POST',headers:h,credentials:'same-origin',body:'{}'});"
       "alert('pwned')")
HOSTILE_ESSAY = (
    "The IESS analysis is the better witness, as my essay explains.\n\n"
    f'<img src=x onerror="{_JS}">\n\n'
    f"<script>{_JS}</script>\n\n"
    f'<svg onload="{_JS}"><circle r="4"/></svg>\n\n'
    f'<details open ontoggle="{_JS}"><summary>more</summary>x</details>\n\n'
    "[the article](javascript:window.__pwned=1)\n"
)


pytestmark = pytest.mark.sandbox  # runs student code under bubblewrap: make test, not make test-fast


@pytest.fixture(autouse=True, scope="module")
def _needs_sandbox():
    require_sandbox()  # skips without bubblewrap; fails under AUTOGRADER_REQUIRE_SANDBOX=1 (make test, CI)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port, path, method="GET", body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    course = build_course(tmp_path_factory.mktemp("formgrader") / "course")
    src = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    write_submission(course, "ada", ASSIGNMENT, {ASSIGNMENT: solution_notebook(src)})
    write_submission(course, "bo", ASSIGNMENT, {ASSIGNMENT: release_notebook(src)})
    for student in ("mallory", "control"):
        hostile = solution_notebook(src)
        find_cell(hostile, ESSAY)["source"] = HOSTILE_ESSAY
        write_submission(course, student, ASSIGNMENT, {ASSIGNMENT: hostile})
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
    assert set(submissions) == {"ada", "bo", "mallory", "control"}
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

    # The student sees the hand grade, the grader's comment and the total in the feedback (ux H2).
    names = {g["name"] for g in manual}
    comments = [c for c in api(port, f"/formgrader/api/comments?submission_id={ada['id']}") if c["name"] in names]
    assert comments, names
    for comment in comments:
        api(port, f"/formgrader/api/comment/{comment['id']}", method="PUT",
            body={"manual_comment": "Clear contrast <b>of the voices</b>; cite a passage."})
    assert run_cli("feedback", ASSIGNMENT, "--course", str(course), "--student", "ada").returncode == 0
    page = (course / "feedback" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "3 / 4 <span class=\"label\">· Graded by hand" in page
    assert "Clear contrast &lt;b&gt;of the voices&lt;/b&gt;; cite a passage." in page
    total = stored_total(course, "ada") + 3.0 * len(manual)
    assert f"Score: {total:g} / " in page and "still to be graded by hand" not in page


def _open_in_formgrader(port, student):
    """Open the student's notebook in formgrader's manual-grading view in Chromium; return what
    the page's scripts left behind."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    notebooks = api(port, f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    submission = next(nb for nb in notebooks if nb["student"] == student)
    dialogs: list[str] = []
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            # Log in as an instructor does (the login form sets the session cookie that a
            # script on the page would ride on).
            page.goto(f"http://127.0.0.1:{port}/login", wait_until="load", timeout=60_000)
            page.fill("input[type=password]", TOKEN)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_load_state("load")
            page.goto(f"http://127.0.0.1:{port}/formgrader/submissions/{submission['id']}/",
                      wait_until="load", timeout=60_000)
            page.wait_for_timeout(2_000)  # let any onerror/onload handler and its fetches run
            text = page.inner_text("body")
            flag = page.evaluate("window.__pwned === undefined ? 0 : window.__pwned")
        finally:
            browser.close()
    return {"flag": flag, "dialogs": dialogs, "text": text}


def _kernels(port):
    return api(port, "/api/kernels")


@pytest.mark.slow
def test_hostile_written_answer_runs_no_script_in_formgrader(server):
    course, port = server
    marker = course / MARKER_FILE
    assert not marker.exists() and _kernels(port) == []
    seen = _open_in_formgrader(port, "mallory")
    assert seen["flag"] == 0, "a student's script ran in the instructor's browser"
    assert seen["dialogs"] == []
    time.sleep(1)
    assert not marker.exists(), "a student's script wrote a file with the instructor's session"
    assert _kernels(port) == [], "a student's script started a kernel"
    # The instructor still reads the essay itself.
    assert "The IESS analysis is the better witness" in seen["text"]
    assert "more" in seen["text"]  # the harmless <details> survives, without its handler

    # The detectors work: the control shows what formgrader did before sanitising (the same essay
    # written into the autograded notebook as is), and opening it trips them.
    graded = course / "autograded" / "control" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = json.loads(graded.read_text())
    find_cell(nb, ESSAY)["source"] = HOSTILE_ESSAY
    graded.write_text(json.dumps(nb))
    control = _open_in_formgrader(port, "control")
    assert control["flag"] >= 1 and control["dialogs"], control
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marker.exists(), "the control payload could not write through the contents API"
    for kernel in _kernels(port):  # the control's kernel: stop it
        api(port, f"/api/kernels/{kernel['id']}", method="DELETE")
