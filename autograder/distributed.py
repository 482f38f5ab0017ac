"""Grading on a Dask cluster (`autograder grade ... --scheduler ADDRESS`).

The coordinating process reads the submissions, checks their structure, scores
the answers and writes the gradebook; workers only run notebooks in their own
sandboxes and send back the answers as data. Each task is a whole submission; a
worker that dies mid-batch has its tasks re-run on another worker by the
scheduler, so no submission is lost. Workers need the same environment (this
package, bubblewrap); they never see the course folder.
"""

from __future__ import annotations

import os
import threading
import uuid
from dataclasses import asdict

from autograder.grading import NotebookJob, SubmissionOutcome, prepare_submission, reuse_stored, score_records, to_record
from autograder.sandbox import Limits, RunResult, WarmSandbox, run_in_sandbox

_sandboxes: dict[int, WarmSandbox] = {}
_lock = threading.Lock()


def _worker_sandbox(limits: Limits) -> WarmSandbox:
    """One warm sandbox per worker thread, kept for the worker's life."""
    ident = threading.get_ident()
    with _lock:
        sandbox = _sandboxes.get(ident)
        if sandbox is None:
            slot = 100 + (os.getpid() * 31 + len(_sandboxes)) % 1800  # distinct uids for concurrent sandboxes
            sandbox = _sandboxes[ident] = WarmSandbox(slot, limits)
    return sandbox


def run_jobs_on_worker(jobs: list[dict], limits: dict, unsafe_no_sandbox: bool = False) -> list[dict | None]:
    """Runs on a Dask worker: execute each notebook job, return RunResults as dicts."""
    limits_obj = Limits(**limits)
    results = []
    for job in jobs:
        if job["failure"]:
            results.append(None)
            continue
        if unsafe_no_sandbox:
            run = run_in_sandbox(job["cells"], job["answer_names"], limits_obj, unsafe_no_sandbox=True)
        else:
            run = _worker_sandbox(limits_obj).run(job["cells"], job["answer_names"], limits_obj)
        results.append(asdict(run))
    return results


def grade_on_cluster(address: str, course, assignment: str, students: list[str], keys: dict, limits: Limits,
                     force: bool, finish, unsafe_no_sandbox: bool = False, client=None) -> None:
    from dask.distributed import Client, as_completed

    own_client = client is None
    client = client or Client(address, timeout="30s")
    try:
        futures = {}
        batch = uuid.uuid4().hex[:8]
        for student in students:
            reused, run_fp, score_fp = reuse_stored(course, assignment, student, keys, force)
            if reused:
                finish(*reused)
                continue
            jobs = prepare_submission(course, assignment, student)
            future = client.submit(run_jobs_on_worker, [asdict(j) for j in jobs], asdict(limits), unsafe_no_sandbox,
                                   key=f"autograde-{assignment}-{student}-{batch}", pure=False, retries=2)
            futures[future] = (student, jobs, run_fp, score_fp)
        for future in as_completed(futures):
            student, jobs, run_fp, score_fp = futures[future]
            try:
                runs = future.result()
            except Exception as error:  # the task failed on every worker it was tried on
                runs = [RunResult(False, failure=f"the cluster could not run this notebook: {error}").__dict__
                        for _ in jobs]
            records = [to_record(job, None if run is None else RunResult(**run)) for job, run in zip(jobs, runs)]
            outcome = SubmissionOutcome(student, assignment, score_records(course, assignment, records, keys))
            finish(outcome, records, run_fp, score_fp)
    finally:
        if own_client:
            client.close()


__all__ = ["NotebookJob", "grade_on_cluster", "run_jobs_on_worker"]
