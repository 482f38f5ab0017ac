"""`autograder release --to DIR`: the student versions of every assignment, for download.

Runs nbgrader's generate_assignment in a scratch copy of the course (so the course's
own gradebook and release/ folder are untouched) and copies each released notebook
to DIR/<assignment>.ipynb. The book offers them from its Introduction.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def add_parser(verbs, name):
    p = verbs.add_parser(
        name, help="write the student (release) notebooks of all assignments to a folder",
        description="Run nbgrader generate_assignment for every assignment in a scratch copy of the course "
                    "(the course's gradebook and release/ are untouched) and copy the student notebooks, "
                    "solutions removed, to DIR/<assignment>.ipynb, e.g. for the book's downloads.")
    p.add_argument("--course", default="exercises", metavar="DIR",
                   help="the nbgrader course folder (default: exercises; '.' from inside it)")
    p.add_argument("--to", required=True, metavar="DIR",
                   help="the folder to write the student notebooks to (created when missing)")


def run(args) -> int:
    from autograder.course import open_course

    course = open_course(args.course, [], "release")
    if course is None:
        return 2
    out = Path(args.to)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        scratch = Path(tmp) / "course"
        scratch.mkdir()
        shutil.copy(course.root / "nbgrader_config.py", scratch)
        shutil.copytree(course.root / "source", scratch / "source")
        print(f"==> releasing {', '.join(course.assignments())} (nbgrader generate_assignment)", file=sys.stderr)
        # One nbgrader run for all assignments: its start-up is most of the cost.
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--force",
                               "--log-level=WARN"], cwd=scratch, capture_output=True, text=True)
        for assignment in course.assignments():
            released = sorted((scratch / "release" / assignment).glob("*.ipynb"))
            if proc.returncode != 0 or not released or "ERROR" in proc.stderr:
                print(f"autograder release: nbgrader could not release {assignment}:\n{proc.stderr[-2000:]}", file=sys.stderr)
                return 1
            for notebook in released:
                shutil.copy(notebook, out / notebook.name)
    print(f"wrote the student notebooks of {len(course.assignments())} assignment(s) to {out}")
    return 0
