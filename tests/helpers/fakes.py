"""Stand-ins for the expensive parts of grading, so the pipeline's logic is tested in milliseconds."""

from __future__ import annotations

from autograder.executors import run_jobs
from autograder.sandbox import Limits, RunResult


class FakeExecutor:
    """Runs nothing: the answers of a job come from `answers_for(student)`; `raise_for` makes the
    'sandbox' raise for a student."""

    workers = 2

    def __init__(self, answers_for=None, raise_for=(), failure_for=None):
        self.answers_for = answers_for or (lambda student: {})
        self.raise_for, self.failure_for = set(raise_for), failure_for or {}
        self.done: list = []
        self.runs = 0

    def submit(self, token, jobs):
        student = token[0].student

        def runner(cells, names, limits, cell_names=None):
            self.runs += 1
            if student in self.raise_for:
                raise RuntimeError("the sandbox broke")
            failure, cell = self.failure_for.get(student, ("", None))
            return RunResult(not failure, answers=self.answers_for(student), failure=failure, failed_cell=cell)

        self.done.append((token, run_jobs(jobs, runner, Limits())))

    def in_flight(self):
        return len(self.done)

    def running(self):
        return []

    def next_done(self, timeout=None):
        return self.done.pop(0) if self.done else None


