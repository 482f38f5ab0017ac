"""Grading on a Dask cluster (`autograder grade ... --scheduler ADDRESS`).

The coordinating process reads the submissions, checks their structure, scores the
answers and writes the gradebook (autograder.pipeline, the same as for the local
pool); workers only run notebooks in their own sandboxes and send back the answers
as data (autograder.executors.DaskExecutor). Each task is a whole submission; a worker
that dies mid-batch has its tasks re-run on another worker by the scheduler, so no
submission is lost; a task that fails everywhere is recorded as a failed submission.
Workers need the same environment (this package, bubblewrap); they never see the
course folder.
"""

from __future__ import annotations

from autograder.executors import DaskExecutor, run_jobs_on_worker
from autograder.grading import NotebookJob

__all__ = ["DaskExecutor", "NotebookJob", "run_jobs_on_worker"]
