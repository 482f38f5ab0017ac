"""`autograder grade ASSIGNMENT`: grade every submission, in a sandbox, into the gradebook.

    autograder grade reading_the_sources [--course exercises] [--workers 2] [--timeout 60]
                     [--force] [--student ID ...] [--scheduler tcp://host:8786]
                     [--unsafe-no-sandbox]

Student code runs in bubblewrap; answers come back as data and are scored here,
against keys derived from data/. One bad submission never stops the batch. Re-running
is safe: unchanged submissions are not run again (use --force to run them anyway).
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from queue import Queue

from autograder.progress import Progress

DEFAULT_COURSE = "exercises"


def add_parser(verbs, name):
    p = verbs.add_parser(name, help="grade all submissions of an assignment (sandboxed) into the gradebook")
    p.add_argument("assignment", nargs="+", help="one or more assignments (as named under source/)")
    p.add_argument("--course", default=DEFAULT_COURSE, metavar="DIR", help="the nbgrader course folder (default: exercises/)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="sandboxes running at once (default 2)")
    p.add_argument("--timeout", type=float, default=60, metavar="SECONDS", help="wall-clock limit per notebook (default 60)")
    p.add_argument("--student", action="append", metavar="ID", help="grade only this student (repeatable)")
    p.add_argument("--force", action="store_true", help="run every submission again, even unchanged ones")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run the sandboxes on a Dask cluster (dask.distributed scheduler address)")
    p.add_argument("--cold", action="store_true",
                   help="start a new sandbox for every notebook instead of forking from a warm one (slower)")
    p.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="run student code WITHOUT a sandbox (only for trusted code, e.g. your own tests)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    # Imported here so that light verbs (sources, verify-quote) start fast.
    from autograder.course import open_course, valid_student_id
    from autograder.sandbox import Limits, WarmSandbox, sandbox_available

    course = open_course(args.course, args.assignment, "grade")
    if course is None:
        return 2
    if args.workers < 1:
        print("autograder grade: --workers must be at least 1", file=sys.stderr)
        return 2
    if not args.unsafe_no_sandbox:
        problem = sandbox_available()
        if problem:
            print(f"autograder grade: refusing to run student code without a sandbox: {problem}.\n"
                  "Install bubblewrap, or pass --unsafe-no-sandbox if you trust every submission.", file=sys.stderr)
            return 2
    else:
        print("WARNING: --unsafe-no-sandbox: student code runs with your permissions, network and files.", file=sys.stderr)

    limits = Limits(wall_seconds=args.timeout)
    # Warm sandboxes start importing now, while this process loads nbgrader and the keys.
    warm: list = []
    if not (args.scheduler or args.unsafe_no_sandbox or args.cold):
        for slot in range(args.workers):
            warm.append(WarmSandbox(slot, limits))
            warm[-1].spawn()
    try:
        return _grade(args, course, limits, warm, valid_student_id)
    finally:
        for sandbox in warm:
            sandbox.close()


def _grade(args, course, limits, warm, valid_student_id) -> int:
    from autograder import gradebook
    from autograder.grading import load_assignment_keys

    keys, tasks = {}, []
    for assignment in args.assignment:
        try:
            keys[assignment] = load_assignment_keys(course, assignment)
        except Exception as error:  # a broken key file: say which, grade nothing
            print(f"autograder grade: cannot load the keys of {assignment}: {type(error).__name__}: {error}",
                  file=sys.stderr)
            return 2
    try:
        gradebook.ensure_assignments(course, args.assignment, log=lambda m: print(m, file=sys.stderr))
    except gradebook.GradebookNotReady as error:
        print(f"autograder grade: {error}", file=sys.stderr)
        return 2
    for assignment in args.assignment:
        students = course.students_with_submissions(assignment)
        if args.student:
            students = [s for s in students if s in set(args.student)]
        for s in students:
            if valid_student_id(s):
                tasks.append((assignment, s))
            else:
                print(f"skipping folder {s!r}: not a valid student id", file=sys.stderr)
    if not tasks:
        print(f"no submissions for {', '.join(args.assignment)} under {course.root / 'submitted'}", file=sys.stderr)
        return 0

    with gradebook.GradebookWriter(course) as writer:
        return _run_tasks(args, course, limits, warm, keys, tasks, writer)


def _run_tasks(args, course, limits, warm, keys, tasks, writer) -> int:
    from autograder import gradebook
    from autograder.grading import SubmissionOutcome, cold_runner, grade_submission, store

    progress = Progress(len(tasks), label=f"grading {', '.join(args.assignment)}", enabled=not args.quiet)
    outcomes: list = []
    started = time.monotonic()

    def finish(outcome, records, run_fp, score_fp):
        # Only this (the coordinating) thread writes results and the gradebook.
        store(course, outcome, records, run_fp, score_fp)
        gradebook.write_autograded_notebooks(course, outcome, {r.name: r.graded_cells for r in records})
        writer.record(outcome, gradebook.read_timestamp(course, outcome.student, outcome.assignment))
        outcomes.append(outcome)
        manual = sum(q["points"] for nb in outcome.notebooks for q in nb.questions if q["status"] == "pending_manual")
        detail = (f"failed ({'; '.join(outcome.failures)[:60]})" if outcome.status == "failed"
                  else f"{outcome.score:g}/{outcome.max_score - manual:g} auto" + (f" +{manual:g} by hand" if manual else ""))
        label = outcome.student if len(args.assignment) == 1 else f"{outcome.student}/{outcome.assignment}"
        progress.step(f"{label}: {detail}{' (unchanged)' if outcome.reused == 'scores' else ''}")

    def failed(assignment, student, error):
        progress.step(f"{student}: ERROR {type(error).__name__}: {error}")
        outcomes.append(SubmissionOutcome(student, assignment, []))
        outcomes[-1].reused = f"error: {type(error).__name__}: {error}"

    if args.scheduler:
        from autograder.distributed import grade_on_cluster

        for assignment in args.assignment:
            students = [s for a, s in tasks if a == assignment]
            grade_on_cluster(args.scheduler, course, assignment, students, keys[assignment], limits, args.force,
                             finish, unsafe_no_sandbox=args.unsafe_no_sandbox)
    else:
        # One sandbox per worker slot: warm (imports done once, a fresh fork per notebook)
        # unless --cold; each slot has its own unprivileged uid.
        runners: Queue = Queue()
        for slot in range(args.workers):
            runners.put(warm[slot].run if warm else cold_runner(slot, unsafe_no_sandbox=args.unsafe_no_sandbox))

        def work(assignment, student):
            runner = runners.get()
            try:
                return grade_submission(course, assignment, student, keys[assignment], limits, runner=runner,
                                        force=args.force)
            finally:
                runners.put(runner)

        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            futures = {pool.submit(work, a, s): (a, s) for a, s in tasks}
            for future in as_completed(futures):
                try:
                    finish(*future.result())
                except Exception as error:  # a grader bug on one submission must not stop the batch
                    failed(*futures[future], error)
    progress.close()
    print_summary(outcomes, time.monotonic() - started)
    return 0


def print_summary(outcomes: list, seconds: float) -> None:
    graded = [o for o in outcomes if o.notebooks and o.status == "graded"]
    failed = [o for o in outcomes if o.notebooks and o.status == "failed"]
    errors = [o for o in outcomes if not o.notebooks]
    unchanged = [o for o in outcomes if o.reused == "scores"]
    rescored = [o for o in outcomes if o.reused == "answers"]
    pending = [o for o in outcomes if o.pending_manual]
    n = len(outcomes)
    print(f"\n{n} submission(s) in {seconds:.1f} s ({seconds / max(n, 1):.2f} s each): "
          f"{len(graded)} graded, {len(failed)} failed, {len(errors)} grader errors; "
          f"{len(unchanged)} unchanged since the last run, {len(rescored)} re-scored from stored answers "
          f"(keys or grading changed), {len(outcomes) - len(unchanged) - len(rescored) - len(errors)} run in the sandbox; "
          f"{len(pending)} awaiting manual grading")
    for o in failed:
        for reason in o.failures:
            print(f"  failed  {o.student}: {reason}")
    for o in errors:
        print(f"  ERROR   {o.student}: {o.reused}")
    if pending:
        print("  manual grading needed (formgrader): " + ", ".join(sorted(o.student for o in pending)))
