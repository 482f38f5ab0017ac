"""The grading pipeline for a batch, assembled once for the local pool and for Dask:

    for each submission:  reuse stored work | prepare -> executor runs the notebooks -> score -> store

Only this (the coordinating) process reads the course folder, scores and writes results and the
gradebook; executors only turn notebook jobs into run results. Every submission the batch looks at
ends with a stored result: graded, failed (with the reason; any exception while preparing, running,
scoring or storing it) or invalid (a folder that is not a gradable submission). A failure replaces
the previous result and gradebook scores, so no stale score survives, and the batch goes on.

The batch is streamed: at most `window` submissions are prepared and in flight at once, and only a
small summary of each finished one is kept, so 10,000 submissions need no more memory than 1,000.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from autograder.bounds import SCORING_BUDGET_SECONDS, BudgetExceeded, budget, clip
from autograder.course import Course, SubmissionFolder
from autograder.grading import (
    SubmissionOutcome,
    failed_outcome,
    prepare_submission,
    reuse_stored,
    score_records,
    to_record,
)
from autograder.results import SUMMARY_NOTES, GradebookUnavailable, load_stored, outcome_from_stored, remove_stored, store
from autograder.sanitise import terminal_safe
from autograder.submission import BadSubmission


@dataclass
class Task:
    assignment: str
    folder: SubmissionFolder

    @property
    def student(self) -> str:
        return self.folder.student


@dataclass(slots=True)
class Finished:
    """What the summary keeps of one submission (not the outcome itself): what the end-of-run report
    prints. The only memory that grows with the batch: 88 MB at 1,000 submissions, 102 MB at 10,000
    (measured before slots=True)."""

    student: str
    assignment: str
    status: str  # graded | failed | invalid | error
    reused: str
    failures: list[str]
    flags: list[str]
    pending_manual: bool
    notes: list[str] = field(default_factory=list)
    ran: bool = False  # a notebook of it ran in a sandbox during this batch


@dataclass
class Summary:
    finished: list[Finished] = field(default_factory=list)
    seconds: float = 0.0
    gradebook_error: str = ""

    def count(self, **match) -> int:
        return sum(all(getattr(f, k) == v for k, v in match.items()) for f in self.finished)

    def lines(self) -> list[str]:
        n = len(self.finished)
        graded, failed = self.count(status="graded"), self.count(status="failed")
        invalid, errors = self.count(status="invalid"), self.count(status="error")
        unchanged, rescored = self.count(reused="scores"), self.count(reused="answers")
        ran = self.count(ran=True)
        pending = sorted(f.student for f in self.finished if f.pending_manual)
        out = [f"\n{n} submission(s) in {self.seconds:.1f} s ({self.seconds / max(n, 1):.2f} s each): "
               f"{graded} graded, {failed} failed, {invalid} invalid, {errors} grader errors; "
               f"{unchanged} unchanged since the last run, {rescored} re-scored from stored answers "
               f"(keys or grading changed), {ran} run in the sandbox; {len(pending)} awaiting manual grading"]
        for f in self.finished:
            who = terminal_safe(f.student, 80)
            if f.status == "invalid":
                out.append(f"  invalid {who!s}: {terminal_safe('; '.join(f.failures), 300)}")
            elif f.status == "error":
                out.append(f"  ERROR   {who}: {terminal_safe('; '.join(f.failures), 300)}")
            elif f.status == "failed":
                for reason in f.failures:
                    out.append(f"  failed  {who}: {terminal_safe(reason, 300)}")
            for flag in f.flags:
                out.append(f"  FLAGGED {who}: {terminal_safe(flag, 300)}")
            for note in f.notes:
                out.append(f"  note    {who}: {terminal_safe(note, 300)}")
        if self.gradebook_error:
            out.append(f"  GRADEBOOK not updated ({terminal_safe(self.gradebook_error, 200)}): the results are stored "
                       "in autograded/; run `autograder grade` again to bring the gradebook up to date")
        if pending:
            out.append("  manual grading needed (formgrader): " + ", ".join(terminal_safe(s, 80) for s in pending))
        return out


class Batch:
    def __init__(self, course: Course, keys: dict, limits, executor, *, force: bool = False, writer=None,
                 progress=None, scoring_budget: float | None = SCORING_BUDGET_SECONDS, window: int | None = None,
                 label_with_assignment: bool = False, write_notebooks=None):
        self.course, self.keys, self.limits, self.executor = course, keys, limits, executor
        self.force, self.writer, self.progress = force, writer, progress
        self.scoring_budget = scoring_budget
        self.window = window or 4 * getattr(executor, "workers", 2) + 4
        self.label_with_assignment = label_with_assignment
        self.write_notebooks = write_notebooks
        self.summary = Summary()
        self._ran: set[tuple[str, str]] = set()  # submissions between their run and their record

    # -- the loop --------------------------------------------------------------------------------
    def run(self, tasks: Iterable[Task]) -> Summary:
        started = time.monotonic()
        tasks = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and self.executor.in_flight() < self.window:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                self._start(task)
            if self.executor.in_flight() == 0:
                if exhausted:
                    break
                continue
            done = self.executor.next_done(timeout=2.0)
            if done is None:
                self._show_waiting(started)
                continue
            (task, jobs, run_fp, score_fp, began), runs = done
            self._finish_run(task, jobs, runs, run_fp, score_fp, began)
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _start(self, task: Task) -> None:
        """Reuse, or prepare and hand to the executor. Anything that goes wrong is recorded as the
        submission's failure."""
        if task.folder.problem:
            outcome = failed_outcome(self.course, task.assignment, task.student, task.folder.problem, invalid=True)
            self._record(task, outcome, [], "", "")
            return
        try:
            keys = self.keys[task.assignment]
            with budget(self.scoring_budget):
                reused, run_fp, score_fp = reuse_stored(self.course, task.assignment, task.student, keys,
                                                        self.force, self.limits)
            if reused:
                self._record(task, *reused)
                return
            with budget(self.scoring_budget):
                jobs = prepare_submission(self.course, task.assignment, task.student)
            self.executor.submit((task, jobs, run_fp, score_fp, time.monotonic()), jobs)
        except BadSubmission as error:
            self._fail(task, str(error))
        except (Exception, BudgetExceeded) as error:  # noqa: BLE001 (one submission must not stop the batch)
            self._fail(task, _describe(error, "preparing it"))

    def _finish_run(self, task, jobs, runs, run_fp, score_fp, began) -> None:
        if any(run is not None for run in runs):
            self._ran.add((task.student, task.assignment))
        try:
            records = [to_record(job, run) for job, run in zip(jobs, runs, strict=True)]
            with budget(self.scoring_budget):
                notebooks = score_records(self.course, task.assignment, records, self.keys[task.assignment])
            outcome = SubmissionOutcome(task.student, task.assignment, notebooks)
        except (Exception, BudgetExceeded) as error:  # noqa: BLE001 (a hostile answer costs its budget, then is reported)
            self._fail(task, _describe(error, "scoring it"))
            return
        self._record(task, outcome, records, run_fp, score_fp)

    def _fail(self, task: Task, reason: str) -> None:
        self._record(task, failed_outcome(self.course, task.assignment, task.student, reason), [], "", "")

    def _record(self, task: Task, outcome: SubmissionOutcome, records, run_fp: str, score_fp: str,
                retry: bool = True) -> None:
        """Store the result file (the source of truth), the notebooks as graded and the gradebook."""
        unchanged = outcome.reused == "scores"
        if outcome.summary is not None:
            self._record_unchanged(task, outcome)
            return
        try:
            if not unchanged:  # an unchanged result is on disk already, as are its graded notebooks
                store(self.course, outcome, records, run_fp, score_fp)
                if self.write_notebooks is not None and records and not outcome.invalid:
                    self.write_notebooks(self.course, outcome, {r.name: r.graded_cells for r in records})
            if self.writer is not None and not outcome.invalid and not (unchanged and self.writer.in_sync(outcome)):
                self.writer.record(outcome)
            pending = self.writer.pending_manual(outcome) if self.writer is not None else outcome.pending_manual
        except GradebookUnavailable as error:
            self._gradebook_down(error)
            pending = outcome.pending_manual
        except Exception as error:  # noqa: BLE001 (recorded as this submission's failure, below)
            reason = _describe(error, "storing its result")
            if retry and not outcome.invalid:
                self._record(task, failed_outcome(self.course, task.assignment, task.student, reason), [], "", "",
                             retry=False)
                return
            try:
                remove_stored(self.course, task.student, task.assignment)  # never leave an old score behind
            except OSError:
                pass
            self._finished(Finished(task.student, task.assignment, "error", "", [reason], [], False))
            return
        self._finished(Finished(
            task.student, task.assignment, outcome.status, outcome.reused, outcome.failures, outcome.all_flags,
            bool(pending),
            [n for nb in outcome.notebooks for n in nb.notes if n.startswith(SUMMARY_NOTES)],
        ))
        self._progress_line(task, outcome)

    def _record_unchanged(self, task: Task, outcome: SubmissionOutcome) -> None:
        """An unchanged result known from its summary file: re-sync the gradebook only if it does not
        hold this result yet (then the result itself is read)."""
        summary = outcome.summary
        try:
            if self.writer is not None and not self.writer.in_sync(outcome):
                stored = load_stored(self.course, task.assignment, task.student)
                if stored is None:
                    raise ValueError("the stored result cannot be read")
                full = outcome_from_stored(stored)
                full.reused = "scores"
                self.writer.record(full)
            pairs = [tuple(p) for p in summary.get("pending") or []]
            pending = (self.writer.pending_from(task.student, task.assignment, pairs) if self.writer is not None
                       else pairs)
        except GradebookUnavailable as error:
            self._gradebook_down(error)
            pending = [tuple(p) for p in summary.get("pending") or []]
        except Exception as error:  # noqa: BLE001 (recorded as this submission's failure)
            self._fail(task, _describe(error, "re-recording its unchanged result"))
            return
        self._finished(Finished(task.student, task.assignment, str(summary.get("status")), "scores",
                                list(summary.get("failures") or []), list(summary.get("flags") or []), bool(pending),
                                list(summary.get("notes") or [])))
        if self.progress is not None:
            self.progress.step(f"{terminal_safe(task.student, 40)}: unchanged")

    def _gradebook_down(self, error: GradebookUnavailable) -> None:
        """Grading goes on into the result files; the gradebook is left for the next run to re-sync."""
        self.writer = None
        self.summary.gradebook_error = str(error)

    # -- reporting -------------------------------------------------------------------------------
    def _finished(self, item: Finished) -> None:
        item.ran = (item.student, item.assignment) in self._ran
        self._ran.discard((item.student, item.assignment))
        self.summary.finished.append(item)
        if item.status == "error" and self.progress is not None:
            self.progress.step(f"{terminal_safe(item.student, 40)}: ERROR {terminal_safe(item.failures[0], 80)}")

    def _progress_line(self, task: Task, outcome: SubmissionOutcome) -> None:
        if self.progress is None:
            return
        from autograder.results import manual_state

        manual = sum(q.get("points", 0) for nb in outcome.notebooks for q in nb.questions
                     if manual_state(q, nb.free_text.get(q.get("qid"), "")) == "pending")
        if outcome.status != "graded":
            detail = f"{outcome.status} ({terminal_safe('; '.join(outcome.failures), 60)})"
        else:
            auto_max = outcome.max_score - sum(q.get("points", 0) for nb in outcome.notebooks for q in nb.questions
                                               if q.get("status") == "pending_manual")
            detail = f"{outcome.score:g}/{auto_max:g} auto" + (f" +{manual:g} by hand" if manual else "")
        who = terminal_safe(task.student, 40)
        label = f"{who}/{task.assignment}" if self.label_with_assignment else who
        self.progress.step(f"{label}: {detail}{' (unchanged)' if outcome.reused == 'scores' else ''}")

    def _show_waiting(self, started: float) -> None:
        """The bar has not moved for a while: say what is running and for how long."""
        if self.progress is None or not hasattr(self.progress, "waiting"):
            return
        now = time.monotonic()
        running = [(terminal_safe(t[0].student, 30), now - t[4]) for t in self.executor.running()]
        self.progress.waiting(running)


def _describe(error: BaseException, step: str) -> str:
    if isinstance(error, BudgetExceeded):
        return f"the grader gave up {step}: {error}"
    return f"the grader failed while {step} ({type(error).__name__}: {clip(str(error), 200)})"


def tasks_for(course: Course, assignments: list[str], students: list[str] | None = None) -> list[Task]:
    """Every submission folder of the assignments (valid or not), or only the named students'."""
    wanted = set(students) if students else None
    return [Task(a, folder) for a in assignments for folder in course.submission_folders(a)
            if wanted is None or folder.student in wanted]
