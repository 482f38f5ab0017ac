"""`autograder export ASSIGNMENT --to grades.csv`: per-question and total scores.

Auto scores come from the grader's results, hand-given scores from the gradebook
(formgrader). Unlike nbgrader's own CSV, a column says which submissions still
await manual grading.
"""

from __future__ import annotations

import csv
import sys


def add_parser(verbs, name):
    p = verbs.add_parser(name, help="export per-question and total scores to CSV")
    p.add_argument("assignment")
    p.add_argument("--course", default="exercises", metavar="DIR")
    p.add_argument("--to", required=True, metavar="FILE", help="CSV file to write ('-' for standard output)")


def run(args) -> int:
    from nbgrader.api import Gradebook, MissingEntry
    from autograder.course import open_course
    from autograder.grading import load_stored, outcome_from_stored
    from autograder.submission import unanswered
    from considerations.assignments import ASSIGNMENTS

    course = open_course(args.course, [args.assignment], "export")
    if course is None:
        return 2
    qids = [q.qid for q in ASSIGNMENTS[args.assignment]]
    header = ["student", "assignment", "status", *qids, "auto_score", "manual_score", "total", "max_score",
              "needs_manual_grading", "failure"]
    rows = []
    with Gradebook(course.gradebook_url) as gb:
        for student in course.students_with_submissions(args.assignment):
            stored = load_stored(course, args.assignment, student)
            if stored is None:
                rows.append({"student": student, "assignment": args.assignment, "status": "not graded"})
                continue
            outcome = outcome_from_stored(stored)
            row = {"student": student, "assignment": args.assignment, "status": outcome.status,
                   "failure": "; ".join(outcome.failures)}
            auto = manual = maximum = 0.0
            pending = False
            for nb in outcome.notebooks:
                for q in nb.questions:
                    maximum += q["points"]
                    if q["status"] == "pending_manual":
                        try:
                            grade = gb.find_grade(q["qid"], nb.name, args.assignment, student)
                            given = grade.manual_score
                        except MissingEntry:
                            given = None
                        if given is None and not unanswered(nb.free_text.get(q["qid"], "")):
                            pending = True
                            row[q["qid"]] = ""
                        else:
                            row[q["qid"]] = given or 0.0
                            manual += given or 0.0
                    else:
                        row[q["qid"]] = q["score"]
                        auto += q["score"]
            row.update(auto_score=auto, manual_score=manual, total=auto + manual, max_score=maximum,
                       needs_manual_grading="yes" if pending else "no")
            rows.append(row)
    out = sys.stdout if args.to == "-" else open(args.to, "w", newline="", encoding="utf-8")  # noqa: SIM115 (stdout or a file, closed below)
    try:
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if out is not sys.stdout:
            out.close()
    if args.to != "-":
        print(f"wrote {len(rows)} row(s) to {args.to}", file=sys.stderr)
    return 0
