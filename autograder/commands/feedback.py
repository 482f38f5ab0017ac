"""`autograder feedback ASSIGNMENT`: one self-contained HTML page per student and assignment.

Per question the page shows the student's answer, the score (rounded as a person writes
it), what was wrong item by item, the one or two sentences of the article that support
the right reading (for what was wrong, each sentence once per page), a link to the
chapter section that teaches it, and for a hand-graded answer the score and comment the
instructor gave in formgrader; the total includes the hand-graded points. Without
--reveal it never shows a key, and evidence questions point to the chapter and the
article instead of quoting the passages (they would be the answer). A failed or invalid
submission gets a page that says what went wrong and what to do.

The page is rendered by a Jinja2 template (autograder/templates/feedback.html.j2) with
autoescaping on: student text is escaped by default, never by remembering to.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from autograder.results import result_path


def add_parser(verbs, name):
    p = verbs.add_parser(
        name, help="write HTML feedback for every graded submission",
        description="Write feedback/<student>/<assignment>/<assignment>.html for each student: the answers, "
                    "the scores (with the hand grades and comments given in formgrader), what was wrong, the "
                    "sentences of the articles that support the right reading and links to the chapters.")
    p.add_argument("assignment", help="the assignment to write feedback for (a folder of COURSE/source/)")
    p.add_argument("--course", default="exercises", metavar="DIR",
                   help="the nbgrader course folder (default: exercises; '.' from inside it)")
    p.add_argument("--reveal", action="store_true",
                   help="also show the right answers (the keys); evidence passages are shown too")
    p.add_argument("--student", action="append", metavar="ID",
                   help="only this student (repeat for several); default: every submission")


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).resolve().parent.parent / "templates")),
        autoescape=True,  # every value escaped; the template never marks student text safe
        undefined=StrictUndefined,  # a template slip is an error in the tests, not a blank on a page
        trim_blocks=True, lstrip_blocks=True,
    )
    return env.get_template("feedback.html.j2")


def render_page(view) -> str:
    from autograder.reporting import assignment_title, fmt

    return _template().render(v=view, fmt=fmt, assignment_title=assignment_title(view.assignment))


def students_of(course, assignment: str) -> list[str]:
    """Every folder that has a submission of the assignment or a stored result for it."""
    names = set(course.students_with_submissions(assignment))
    autograded = course.root / "autograded"
    if autograded.is_dir():
        names |= {p.name for p in autograded.iterdir() if (p / assignment / "autograder.json").is_file()}
    return sorted(names)


def revealed(course, assignment: str, stored: dict, keys: dict, warn) -> dict:
    """The stored answers re-scored with reveal=True (the stored result holds no keys)."""
    if not isinstance(stored, dict) or not isinstance(stored.get("records"), list) or not stored["records"]:
        return stored
    try:
        from autograder import grading

        to_records = getattr(grading, "records_from_stored", None)
        records = to_records(stored) if to_records else [grading.RunRecord(**r) for r in stored["records"]]
        notebooks = grading.score_records(course, assignment, records, keys, reveal=True)
        return {**stored, "notebooks": [dict(vars(nb)) for nb in notebooks]}
    except Exception as error:  # noqa: BLE001 (no keys shown beats no feedback)
        warn(f"could not re-score to reveal the answers ({type(error).__name__}: {error}); shown without them")
        return stored


def write_feedback(course, assignment: str, student: str, stored, *, reveal: bool, manual: dict):
    """Write the student's page; returns (path, the page's view)."""
    from autograder.reporting import submission_view

    folder = course.feedback_dir(student, assignment)
    view = submission_view(stored, student, assignment, reveal=reveal, folder=folder, manual=manual)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.html"
    path.write_text(render_page(view), encoding="utf-8")
    return path, view


def run(args) -> int:
    from autograder.course import open_course, valid_student_id
    from autograder.reporting import hand_grades, load_result
    from autograder.sanitise import terminal_safe

    course = open_course(args.course, [args.assignment], "feedback")
    if course is None:
        return 2

    def warn(message: str) -> None:
        print(f"  {terminal_safe(message, 400)}", file=sys.stderr)

    known = students_of(course, args.assignment)
    if args.student:
        unknown = [s for s in args.student if s not in known]
        if unknown:
            print(f"autograder feedback: no submission of {args.assignment} by "
                  f"{', '.join(terminal_safe(s, 60) for s in unknown)} under {course.root / 'submitted'}", file=sys.stderr)
            return 2
        students = list(dict.fromkeys(args.student))
    else:
        students = known
    keys = {}
    if args.reveal:
        from autograder.grading import load_assignment_keys

        keys = load_assignment_keys(course, args.assignment)
    grades = hand_grades(course, args.assignment, students, warn=warn)
    written = skipped = 0
    for student in students:
        stored = load_result(result_path(course, student, args.assignment))
        if stored is None:
            if valid_student_id(student):
                warn(f"{student}: not graded yet (run `autograder grade {args.assignment}` first)")
                skipped += 1
                continue
            stored = {"status": "invalid", "reason": f"the folder name '{student}' is not a valid student id "
                                                     "(letters, digits and ._@- only), so it was not graded"}
        if args.reveal:
            stored = revealed(course, args.assignment, stored, keys, warn)
        manual = {(nb, qid): value for (s, nb, qid), value in grades.items() if s == student}
        try:
            _, view = write_feedback(course, args.assignment, student, stored, reveal=args.reveal, manual=manual)
        except OSError as error:
            warn(f"{student}: the feedback could not be written ({error.strerror}: {error.filename})")
            continue
        written += 1
        if view.broken:
            warn(f"{student}: some results could not be shown ({', '.join(view.broken)}); look at "
                 f"{result_path(course, student, args.assignment)}")
    print(f"wrote {written} feedback page(s) under {course.root / 'feedback'}"
          + (f"; {skipped} submission(s) not graded yet" if skipped else ""))
    return 0
