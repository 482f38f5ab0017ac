"""`autograder export ASSIGNMENT --to grades.csv`: per-question and total scores, one row per submission.

Auto scores come from the grader's stored results, hand-given scores from the gradebook
(formgrader). Unlike nbgrader's own CSV, it lists every folder under submitted/: failed
runs and invalid folders get a row with the reason, a column says which submissions
still await hand grading, and notes name unexpected notebooks and integrity flags.

Every cell a student controls (the folder name, reasons and notes that quote it) goes
through `csv_safe`, so a spreadsheet shows it as text and never runs it as a formula.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

FIXED = ["student", "assignment", "status"]
TOTALS = ["auto_score", "manual_score", "total", "max_score", "needs_manual_grading", "failure", "notes"]


def add_parser(verbs, name):
    p = verbs.add_parser(
        name, help="export per-question and total scores to CSV",
        description="Write one CSV row per submission of ASSIGNMENT: each question's score, the automatic and "
                    "hand-given totals, whether hand grading is still needed, and for failed or invalid "
                    "submissions the reason. Cells students control are made formula-safe.")
    p.add_argument("assignment", help="the assignment to export (a folder of COURSE/source/)")
    p.add_argument("--course", default="exercises", metavar="DIR",
                   help="the nbgrader course folder (default: exercises; '.' from inside it)")
    p.add_argument("--to", required=True, metavar="FILE",
                   help="the CSV file to write ('-' for standard output); a missing folder is created")


def header(assignment: str) -> list[str]:
    from autograder.reporting import bank

    return [*FIXED, *bank(assignment), *TOTALS]


def _number(value: float | None) -> str:
    from autograder.reporting import fmt

    return "" if value is None else fmt(value)


def row(view, qids: list[str]) -> dict:
    """One CSV row from a SubmissionView (see autograder.reporting)."""
    from autograder.sanitise import csv_safe

    out = {"student": csv_safe(view.student), "assignment": csv_safe(view.assignment), "status": view.status}
    if view.status in ("not graded", "invalid"):
        # No scores: an invalid folder is nobody's submission (its stored zeros only replace old scores).
        out["failure"] = csv_safe(view.reason)
        return out
    by_qid = {q.qid: q for q in view.questions}
    notes = list(view.notes)
    for qid in qids:
        q = by_qid.get(qid)
        if q is None:
            continue
        if q.broken:
            out[qid] = ""
        elif q.manual_state == "pending":
            out[qid] = ""
        else:
            out[qid] = _number(q.score)
    notes += [f"the stored result of question {b} could not be read" for b in view.broken]
    out.update(auto_score=_number(view.auto_score), manual_score=_number(view.manual_score),
               total=_number(view.total), max_score=_number(view.max_score),
               needs_manual_grading="yes" if view.pending else "no",
               failure=csv_safe(view.reason if view.status in ("failed", "invalid") else ""),
               notes=csv_safe("; ".join(dict.fromkeys(notes))))
    return out


def collect_rows(course, assignment: str, warn) -> list[dict]:
    from autograder.commands.feedback import students_of
    from autograder.results import result_path
    from autograder.course import valid_student_id
    from autograder.reporting import hand_grades, load_result, submission_view

    qids = list(header(assignment)[len(FIXED):-len(TOTALS)])
    students = students_of(course, assignment)
    grades = hand_grades(course, assignment, students, warn=warn)
    rows = []
    for student in students:
        stored = load_result(result_path(course, student, assignment))
        if stored is None:
            stored = ({"status": "not graded", "reason": f"no result yet: run `autograder grade {assignment}`"}
                      if valid_student_id(student) else
                      {"status": "invalid", "reason": f"the folder name '{student}' is not a valid student id "
                                                      "(letters, digits and ._@- only), so it was not graded"})
        manual = {(nb, qid): value for (s, nb, qid), value in grades.items() if s == student}
        view = submission_view(stored, student, assignment, folder=course.feedback_dir(student, assignment),
                               manual=manual)
        if stored.get("status") == "not graded":
            view.status, view.reason = "not graded", stored["reason"]
        rows.append(row(view, qids))
    return rows


def _open_target(target: str):
    """The file to write, its folder created when missing; a clear error for a folder or no permission."""
    path = Path(target)
    if path.is_dir():
        raise ValueError(f"{target} is a folder; give a file name, e.g. {path / 'grades.csv'}")
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"created the folder {path.parent}", file=sys.stderr)
    return path.open("w", newline="", encoding="utf-8")


def run(args) -> int:
    from autograder.course import open_course
    from autograder.sanitise import terminal_safe

    course = open_course(args.course, [args.assignment], "export")
    if course is None:
        return 2

    def warn(message: str) -> None:
        print(f"  {terminal_safe(message, 400)}", file=sys.stderr)

    rows = collect_rows(course, args.assignment, warn)
    try:
        out = sys.stdout if args.to == "-" else _open_target(args.to)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        print(f"autograder export: cannot write {args.to}: {reason}", file=sys.stderr)
        return 2
    try:
        writer = csv.DictWriter(out, fieldnames=header(args.assignment), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if out is not sys.stdout:
            out.close()
    problems = [r for r in rows if r["status"] != "graded"]
    if args.to != "-":
        print(f"wrote {len(rows)} row(s) to {args.to}", file=sys.stderr)
    for r in problems:
        warn(f"{r['student']}: {r['status']}" + (f": {r['failure']}" if r.get("failure") else ""))
    return 0
