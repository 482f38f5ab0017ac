"""`autograder grade ASSIGNMENT`: grade every submission, in a sandbox, into the gradebook.

    autograder grade reading_the_sources [--course exercises] [--workers 2] [--timeout 60]
                     [--force] [--student ID ...] [--scheduler tcp://host:8786]
                     [--unsafe-no-sandbox]

Student code runs in bubblewrap; answers come back as data and are scored here,
against keys derived from data/. One bad submission never stops the batch: it is
recorded as failed, with the reason. Re-running is safe: unchanged submissions are
not run again (use --force to run them anyway). This module only reads the command
line and prints; the batch itself is autograder.pipeline's.
"""

from __future__ import annotations

import argparse
import gc
import sys

DEFAULT_COURSE = "exercises"


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
        return value
    return parse


def add_parser(verbs, name):
    p = verbs.add_parser(
        name, help="grade all submissions of an assignment (sandboxed) into the gradebook",
        description="Run each submission's notebook in a sandbox, score the answers against the keys, and record "
                    "the results in autograded/ and nbgrader's gradebook. Submissions whose files did not change "
                    "since the last run are not run again.")
    p.add_argument("assignment", nargs="+", help="one or more assignments (as named under source/)")
    p.add_argument("--course", default=DEFAULT_COURSE, metavar="DIR",
                   help="the nbgrader course folder (default: exercises/, or the current folder when it holds "
                        "nbgrader_config.py)")
    p.add_argument("--workers", type=_positive(int), default=2, metavar="N", help="sandboxes running at once (default 2)")
    p.add_argument("--timeout", type=_positive(float), default=60, metavar="SECONDS",
                   help="wall-clock limit per notebook, more than 0 (default 60)")
    p.add_argument("--student", action="append", metavar="ID",
                   help="grade only this student (repeatable); an unknown id is an error")
    p.add_argument("--force", action="store_true", help="run every submission again, even unchanged ones")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the sandboxes on a Dask cluster (dask.distributed scheduler address, e.g. tcp://host:8786)")
    p.add_argument("--cold", action="store_true",
                   help="start a new sandbox for every notebook instead of forking from a warm one (slower)")
    p.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="run student code WITHOUT a sandbox (only for trusted code, e.g. your own tests)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _err(message: str) -> int:
    print(f"autograder grade: {message}", file=sys.stderr)
    return 2


def run(args) -> int:
    # Start-up (imports, keys, the gradebook) makes ~90k objects that live as long as the run; the
    # collector walking them over and over cost ~0.2 s of a 40-submission run. Collection is off while
    # they are made; _grade freezes them (out of the collector's sight) and turns it back on for the
    # batch, where each submission's garbage is collected as usual (memory stays flat).
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.unfreeze()
        gc.enable()


def _run(args) -> int:
    # Imported here so that light verbs (sources, verify-quote) start fast.
    from autograder.course import open_course
    from autograder.executors import DaskExecutor, LocalExecutor
    from autograder.sandbox import Limits, sandbox_available
    from autograder.sanitise import terminal_safe

    course = open_course(args.course, args.assignment, "grade")
    if course is None:
        return 2
    if not args.unsafe_no_sandbox:
        problem = sandbox_available()
        if problem:
            return _err(f"refusing to run student code without a sandbox: {problem}.\n"
                        "Install bubblewrap, or pass --unsafe-no-sandbox if you trust every submission.")
    else:
        print("WARNING: --unsafe-no-sandbox: student code runs with your permissions, network and files.", file=sys.stderr)

    if args.student:
        known = {f.student for a in args.assignment for f in course.submission_folders(a)}
        unknown = [s for s in args.student if s not in known]
        if unknown:
            listed = ", ".join(terminal_safe(s, 40) for s in sorted(known)[:20]) or "none"
            more = f" (and {len(known) - 20} more; see {course.root / 'submitted'})" if len(known) > 20 else ""
            return _err(f"no submission of {', '.join(args.assignment)} from "
                        f"{', '.join(terminal_safe(s, 40) for s in unknown)}; students with one: {listed}{more}")

    limits = Limits(wall_seconds=args.timeout)
    if args.scheduler:
        executor = DaskExecutor(args.scheduler, limits, unsafe_no_sandbox=args.unsafe_no_sandbox)
    else:
        mode = "unsafe" if args.unsafe_no_sandbox else "cold" if args.cold else "warm"
        executor = LocalExecutor(args.workers, limits, mode)
        if args.force or _anything_new(course, args.assignment, args.student):
            # The sandboxes import Python and the library while this process loads the keys and the
            # gradebook. When every result looks current they start only if a submission needs them
            # (a no-change re-run would otherwise spend 2 cores' start-up on sandboxes it never uses).
            executor.start()
    try:
        return _grade(args, course, limits, executor)
    finally:
        executor.close()


def _anything_new(course, assignments, students) -> bool:
    """A cheap guess (file times only) that some submission has no result or changed since it."""
    import os

    from autograder.results import RESULT_FILE

    for assignment in assignments:
        for folder in course.submission_folders(assignment):
            if folder.problem or (students and folder.student not in students):
                continue
            try:
                graded = os.stat(course.autograded_dir(folder.student, assignment) / RESULT_FILE).st_mtime_ns
                with os.scandir(course.submission_dir(folder.student, assignment)) as entries:
                    if any(e.stat(follow_symlinks=False).st_mtime_ns > graded for e in entries):
                        return True
            except OSError:
                return True
    return False


def _light_nbgrader() -> None:
    """Let `import nbgrader.api` load the gradebook's models without nbgrader/__init__.py, which
    imports its server extensions, exchange and application layers (nbconvert, traitlets apps):
    1.5-3 s of start-up a grading run never uses (measured with python -X importtime). The stub
    package keeps nbgrader's real folder as its path, so any submodule still imports normally.
    Only in this command's own process: in a process that already has nbgrader, nothing changes."""
    import importlib.util
    import types

    if "nbgrader" in sys.modules:
        return
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or not spec.submodule_search_locations:
        return
    stub = types.ModuleType("nbgrader")
    stub.__path__ = list(spec.submodule_search_locations)
    stub.__spec__, stub.__file__ = spec, spec.origin
    sys.modules["nbgrader"] = stub
    if "setuptools" not in sys.modules:
        # nbgrader.utils imports setuptools (0.2-0.8 s) for the archive helpers of `nbgrader zip_collect`.
        archive = types.ModuleType("setuptools.archive_util")

        def unavailable(*args, **kwargs):
            raise RuntimeError("archive unpacking is not available in `autograder grade`")
        archive.unpack_archive = archive.unpack_tarfile = archive.unpack_zipfile = unavailable
        sys.modules.setdefault("setuptools.archive_util", archive)


def _grade(args, course, limits, executor) -> int:
    _light_nbgrader()
    from autograder import gradebook
    from autograder.grading import load_assignment_keys
    from autograder.pipeline import Batch, tasks_for
    from autograder.progress import Progress
    from autograder.results import GradebookUnavailable

    keys = {}
    for assignment in args.assignment:
        try:
            keys[assignment] = load_assignment_keys(course, assignment)
        except Exception as error:  # noqa: BLE001 (a broken key file: say which, grade nothing)
            return _err(f"cannot load the keys of {assignment}: {type(error).__name__}: {error}")
    try:
        gradebook.ensure_assignments(course, args.assignment, log=lambda m: print(m, file=sys.stderr))
    except gradebook.GradebookNotReady as error:
        return _err(str(error))
    tasks = tasks_for(course, args.assignment, args.student)
    if not tasks:
        print(f"no submissions for {', '.join(args.assignment)} under {course.root / 'submitted'}", file=sys.stderr)
        return 0
    progress = Progress(len(tasks), label=f"grading {', '.join(args.assignment)}", enabled=not args.quiet)
    try:
        with gradebook.GradebookWriter(course) as writer:
            batch = Batch(course, keys, limits, executor, force=args.force, writer=writer, progress=progress,
                          label_with_assignment=len(args.assignment) > 1,
                          write_notebooks=gradebook.write_autograded_notebooks)
            gc.freeze()
            gc.enable()
            summary = batch.run(tasks)
    except GradebookUnavailable as error:  # the last batch's commit, at the end
        summary = batch.summary
        summary.gradebook_error = str(error)
    progress.close()
    print("\n".join(summary.lines()))
    return 0
