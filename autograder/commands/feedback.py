"""`autograder feedback ASSIGNMENT`: an HTML page per student and notebook.

Each page gives the score per question, what was wrong, a hint pointing at the
chapter, and for evidence and source questions the passage of the article that
supports the right reading. It never shows the checks' code; it shows the right
answer only with --reveal. Output the student's code printed is capped.
"""

from __future__ import annotations

import html
import sys


MAX_SHOWN_OUTPUT = 2_000


def add_parser(verbs, name):
    p = verbs.add_parser(name, help="write HTML feedback for every graded submission")
    p.add_argument("assignment")
    p.add_argument("--course", default="exercises", metavar="DIR")
    p.add_argument("--reveal", action="store_true", help="show the right answers in the feedback")
    p.add_argument("--student", action="append", metavar="ID")


def run(args) -> int:
    from autograder.course import open_course
    from autograder.grading import RunRecord, load_assignment_keys, load_stored, score_records
    course = open_course(args.course, [args.assignment], "feedback")
    if course is None:
        return 2
    keys = load_assignment_keys(course, args.assignment) if args.reveal else {}
    written = 0
    students = args.student or course.students_with_submissions(args.assignment)
    for student in students:
        stored = load_stored(course, args.assignment, student)
        if stored is None:
            print(f"  {student}: not graded yet (run `autograder grade {args.assignment}` first)", file=sys.stderr)
            continue
        if args.reveal:
            records = [RunRecord(**r) for r in stored["records"]]
            notebooks = score_records(course, args.assignment, records, keys, reveal=True)
        else:
            from autograder.grading import outcome_from_stored

            notebooks = outcome_from_stored(stored).notebooks
        folder = course.feedback_dir(student, args.assignment)
        folder.mkdir(parents=True, exist_ok=True)
        for nb in notebooks:
            page = render(student, args.assignment, nb, stored.get("graded_at", ""))
            (folder / f"{nb.name}.html").write_text(page, encoding="utf-8")
            written += 1
    print(f"wrote {written} feedback page(s) under {course.root / 'feedback'}")
    return 0


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def render(student: str, assignment: str, nb, graded_at: str) -> str:
    from considerations.assignments import ASSIGNMENTS
    from considerations.paths import chapter_url as chapter_link

    prompts = {q.qid: q for q in ASSIGNMENTS[assignment]}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Feedback: {_e(assignment)} / {_e(nb.name)} ({_e(student)})</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}"
        "h1{font-size:1.6rem}.q{border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}"
        ".correct{border-left:6px solid #1a7f37}.partial{border-left:6px solid #9a6700}.incorrect,.missing{border-left:6px solid #cf222e}"
        ".pending_manual{border-left:6px solid #0969da}blockquote{margin:.5rem 0;padding:.3rem .8rem;background:#f6f8fa;border-left:3px solid #8c959f}"
        "pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;overflow:auto}.score{font-weight:bold}</style></head><body>",
        f"<h1>Feedback: {_e(assignment.replace('_', ' '))}</h1>",
        f"<p>Student: <strong>{_e(student)}</strong> · notebook: {_e(nb.name)}.ipynb · graded {_e(graded_at)}</p>",
        f"<p class='score'>Auto-graded score: {nb.score:g} / {sum(q['points'] for q in nb.questions if q['status'] != 'pending_manual'):g}</p>",
    ]
    if nb.failure:
        parts.append(f"<p role='alert'><strong>This notebook could not be graded:</strong> {_e(nb.failure)}</p>")
    if nb.notes:
        parts.append("<h2>About your notebook</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in nb.notes) + "</ul>")
    parts.append("<h2>Questions</h2>")
    for q in nb.questions:
        question = prompts.get(q["qid"])
        parts.append(f"<section class='q {_e(q['status'])}'><h3>{_e(q['qid'])}: {_e(question.prompt if question else '')}</h3>")
        if q["status"] == "pending_manual":
            parts.append(f"<p>Graded by hand against the rubric ({q['points']:g} points).</p>")
        else:
            parts.append(f"<p class='score'>{q['score']:g} / {q['points']:g} · {_e(q['status'])}</p><p>{_e(q['message'])}</p>")
        if q.get("hint"):
            chapter = question.chapter if question else ""
            parts.append(f"<p>Hint: {_e(q['hint'])} <a href='{_e(chapter_link(chapter))}'>Open the chapter</a></p>")
        for c in q.get("citations", []):
            parts.append(f"<p>From {_e(c['source'])} (claim {_e(c['claim_id'])}):</p><blockquote>{_e(c['passage'])}</blockquote>")
        if q.get("answer_shown"):
            parts.append(f"<p>The answer: <code>{_e(q['answer_shown'])}</code></p>")
        parts.append("</section>")
    errors = [(i, c) for i, c in enumerate(nb.cells, start=1) if c.get("error")]
    if errors:
        parts.append("<h2>Errors while running your notebook</h2><ul>")
        parts += [f"<li>code cell {i}: <code>{_e(c['error'][:300])}</code></li>" for i, c in errors]
        parts.append("</ul>")
    printed = "".join(c.get("output", "") for c in nb.cells) + (nb.stream or "")
    if printed.strip():
        shown = printed[:MAX_SHOWN_OUTPUT]
        more = len(printed) - len(shown) + sum(c.get("truncated", 0) for c in nb.cells)
        parts.append("<details><summary>What your code printed</summary><pre>" + _e(shown) + "</pre>")
        if more > 0:
            parts.append(f"<p>({more} more characters not shown)</p>")
        parts.append("</details>")
    parts.append("</body></html>")
    return "\n".join(parts)
