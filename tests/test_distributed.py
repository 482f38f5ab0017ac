"""Grading on a Dask cluster (LocalCluster on loopback) gives the local results, even when a worker dies."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.grading import build_course, release_notebook, solution_notebook, wrong_answers_notebook, write_submission
from helpers.sandbox import require_sandbox

from considerations.assignments import ASSIGNMENTS

AUTOGRADER = str(Path(sys.executable).parent / "autograder")
ASSIGNMENT = list(ASSIGNMENTS)[1]


pytestmark = pytest.mark.sandbox  # runs student code under bubblewrap: make test, not make test-fast


@pytest.fixture(autouse=True, scope="module")
def _needs_sandbox():
    require_sandbox()  # skips without bubblewrap; fails under AUTOGRADER_REQUIRE_SANDBOX=1 (make test, CI)


def all_scores(course: Path) -> dict:
    out = {}
    for path in sorted((course / "autograded").glob(f"*/{ASSIGNMENT}/autograder.json")):
        data = json.loads(path.read_text())
        out[data["student"]] = [(q["qid"], q["score"], q["status"]) for nb in data["notebooks"] for q in nb["questions"]]
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    course = build_course(tmp_path_factory.mktemp("dask") / "template")
    src = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    makers = [solution_notebook, release_notebook, lambda p: wrong_answers_notebook(p, ASSIGNMENT)]
    for i in range(9):
        nb = makers[i % 3](src)
        # a slow first cell, so that a worker can be killed while it holds tasks
        nb["cells"].insert(1, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                               "source": "import time\ntime.sleep(0.8)"})
        write_submission(course, f"s{i}", ASSIGNMENT, {ASSIGNMENT: nb})
    local = course.parent / "local"
    shutil.copytree(course, local)
    result = subprocess.run([AUTOGRADER, "grade", ASSIGNMENT, "--course", str(local), "--quiet"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    scores = all_scores(local)
    # The reference itself must be right, or equal results would prove nothing.
    full = sum(q.points for q in ASSIGNMENTS[ASSIGNMENT] if q.kind != "free_text")
    assert sum(score for _, score, _ in scores["s0"]) == pytest.approx(full)
    assert sum(score for _, score, _ in scores["s1"]) == 0
    return course, scores


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield cluster, client


def test_cluster_results_equal_local_results(template, cluster, tmp_path):
    course_template, local = template
    course = tmp_path / "course"
    shutil.copytree(course_template, course)
    result = subprocess.run([AUTOGRADER, "grade", ASSIGNMENT, "--course", str(course), "--quiet",
                             "--scheduler", cluster[0].scheduler_address], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert all_scores(course) == local
    assert len(local) == 9


def test_a_worker_dying_mid_batch_loses_no_submission(template, cluster, tmp_path):
    course_template, local = template
    course = tmp_path / "course"
    shutil.copytree(course_template, course)
    _, client = cluster
    proc = subprocess.Popen([AUTOGRADER, "grade", ASSIGNMENT, "--course", str(course), "--quiet", "--force",
                             "--scheduler", cluster[0].scheduler_address],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until the cluster is busy with this batch, then kill one worker process outright.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(client.processing().values()):
        time.sleep(0.1)
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    os.kill(victim, signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert all_scores(course) == local  # every submission graded, as locally
