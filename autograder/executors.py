"""Where notebooks run: a local pool of sandboxes, or a Dask cluster.

An executor only maps jobs to run results: `submit(token, jobs)` queues one submission's
notebook jobs, `next_done()` blocks until some submission's runs are back and returns
(token, [RunResult | None per job]) (None for a job that was not run: its failure is
already known). Everything else (reuse, prepare, score, store) is the pipeline's, the
same for both. An executor never raises for one submission: a sandbox or cluster error
comes back as a failed RunResult that names it.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from dataclasses import asdict, fields
from queue import Queue

from autograder.bounds import clip


def _failed_run(reason: str):
    from autograder.sandbox import RunResult

    return RunResult(False, failure=clip(reason, 500))


def run_jobs(jobs, runner, limits) -> list:
    """Run each job with `runner(cells, answer_names, limits, cell_names=...)`; a runner error fails
    that job only."""
    runs = []
    for job in jobs:
        if job.failure:
            runs.append(None)
            continue
        try:
            runs.append(runner(job.cells, job.answer_names, limits, cell_names=job.cell_names or None))
        except Exception as error:  # noqa: BLE001 (a sandbox bug on one notebook must not stop the batch)
            runs.append(_failed_run(f"the sandbox could not run this notebook ({type(error).__name__}: {error})"))
    return runs


class LocalExecutor:
    """`workers` sandboxes on this machine: warm (one long-lived sandbox per slot that forks a fresh
    process per notebook), cold (a new sandbox per notebook), or none (--unsafe-no-sandbox)."""

    def __init__(self, workers: int, limits, mode: str = "warm"):
        if mode not in ("warm", "cold", "unsafe"):
            raise ValueError(mode)
        self.workers, self.limits, self.mode = workers, limits, mode
        self.warm: list = []
        self.runners: Queue = Queue()
        self.pool = None
        self.pending: dict[cf.Future, object] = {}

    def start(self) -> None:
        """Start the sandboxes now (they import Python and the library while the caller loads the gradebook)."""
        from autograder.sandbox import run_in_sandbox

        self.pool = cf.ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="sandbox")
        if self.mode == "warm":
            from autograder.sandbox import warm_slots

            # As root: one sandbox and one warm-up for all the workers, a server (and a uid) per worker.
            self.warm = warm_slots(self.workers, self.limits)
            for sandbox in self.warm:
                self.runners.put(sandbox.run)
            return
        unsafe = self.mode == "unsafe"
        for slot in range(self.workers):
            def cold(cells, names, limits, slot=slot, **kw):
                return run_in_sandbox(cells, names, limits, slot=slot, unsafe_no_sandbox=unsafe, **kw)
            self.runners.put(cold)

    def _work(self, jobs):
        runner = self.runners.get()
        try:
            return run_jobs(jobs, runner, self.limits)
        finally:
            self.runners.put(runner)

    def submit(self, token, jobs) -> None:
        if self.pool is None:
            self.start()
        self.pending[self.pool.submit(self._work, jobs)] = (token, jobs)

    def in_flight(self) -> int:
        return len(self.pending)

    def running(self) -> list:
        return [token for future, (token, _) in self.pending.items() if future.running()]

    def next_done(self, timeout: float | None = None):
        """(token, runs) of one finished submission, or None if none finished within `timeout`."""
        done, _ = cf.wait(self.pending, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        if not done:
            return None
        future = next(iter(done))
        token, jobs = self.pending.pop(future)
        try:
            return token, future.result()
        except Exception as error:  # noqa: BLE001 (cannot happen with run_jobs, but never lose the submission)
            return token, [None if j.failure else _failed_run(f"grading failed: {error}") for j in jobs]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        for sandbox in self.warm:
            sandbox.close()


# --- Dask ---------------------------------------------------------------------------------------

_worker_sandboxes: dict[int, object] = {}
_worker_lock = threading.Lock()


def _worker_sandbox(limits):
    """One warm sandbox per worker thread, kept for the worker's life."""
    from autograder.sandbox import WarmSandbox

    ident = threading.get_ident()
    with _worker_lock:
        sandbox = _worker_sandboxes.get(ident)
        if sandbox is None:
            # The sandbox package allocates uids so that concurrent runs never share one; the slot
            # only has to differ between this process's threads.
            sandbox = _worker_sandboxes[ident] = WarmSandbox(len(_worker_sandboxes), limits)
    return sandbox


def run_jobs_on_worker(jobs: list[dict], limits: dict, unsafe_no_sandbox: bool = False) -> list[dict | None]:
    """Runs on a Dask worker: execute each notebook job, return RunResults as dicts."""
    from autograder.grading import NotebookJob
    from autograder.sandbox import Limits, run_in_sandbox

    limits_obj = Limits(**limits)
    job_objs = [NotebookJob(**job) for job in jobs]
    if unsafe_no_sandbox:
        def runner(cells, names, lim, **kw):
            return run_in_sandbox(cells, names, lim, unsafe_no_sandbox=True, **kw)
    else:
        def runner(cells, names, lim, **kw):
            return _worker_sandbox(limits_obj).run(cells, names, lim, **kw)
    return [None if run is None else asdict(run) for run in run_jobs(job_objs, runner, limits_obj)]


def _run_from_dict(data):
    from autograder.sandbox import RunResult

    if data is None:
        return None
    names = {f.name for f in fields(RunResult)}
    return RunResult(**{k: v for k, v in data.items() if k in names})


class DaskExecutor:
    """Sends each submission's jobs to a Dask cluster as one task; workers only run notebooks in
    their own sandboxes and send back the answers as data. A worker that dies mid-batch has its
    tasks re-run elsewhere (retries); a task that fails everywhere comes back as failed runs."""

    def __init__(self, address: str | None, limits, unsafe_no_sandbox: bool = False, client=None):
        self.address, self.limits, self.unsafe = address, limits, unsafe_no_sandbox
        self.client, self.own_client = client, client is None
        self.pending: dict = {}
        self.completed = None
        self.batch = None
        self.submitted = 0

    def start(self) -> None:
        import uuid

        from dask.distributed import Client, as_completed

        if self.client is None:
            self.client = Client(self.address, timeout="30s")
        self.completed = as_completed()
        self.batch = uuid.uuid4().hex[:8]

    def submit(self, token, jobs) -> None:
        if self.completed is None:
            self.start()
        future = self.client.submit(run_jobs_on_worker, [asdict(j) for j in jobs], asdict(self.limits), self.unsafe,
                                    key=f"autograde-{self.batch}-{self.submitted}", pure=False, retries=2)
        self.submitted += 1  # a unique key per task: a reused key would get another task's result
        self.pending[future] = (token, jobs)
        self.completed.add(future)

    def in_flight(self) -> int:
        return len(self.pending)

    def running(self) -> list:
        return []

    def next_done(self, timeout: float | None = None):
        if not self.pending:
            return None
        future = next(self.completed)
        token, jobs = self.pending.pop(future)
        try:
            runs = [_run_from_dict(r) for r in future.result()]
        except Exception as error:  # noqa: BLE001 (the task failed on every worker it was tried on)
            runs = [None if j.failure else _failed_run(f"the cluster could not run this notebook: {error}") for j in jobs]
        return token, runs

    def close(self) -> None:
        if self.own_client and self.client is not None:
            self.client.close()
