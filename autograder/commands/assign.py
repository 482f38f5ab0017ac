"""`autograder assign`: write each source notebook from the one definition of its questions.

A question is written once. What the grader and the checks need (type, points, chapter,
items, options, rubric) is in the bank, `considerations/assignments.py`; the words around
it (title, objectives, the prompt's prose, helper cells) are in `exercises/outlines/<a>.md`;
its model answer is `SOLUTIONS` in the private `exercises/keys/<a>.py`. This verb generates
every prompt's form line, options, rubric and chapter link, the answer cell (solution between
### BEGIN SOLUTION / ### END SOLUTION) and the check cell, with nbgrader's metadata, into
`exercises/source/<a>/<a>.ipynb`. Edit those three places, never the notebook.

Outline syntax: cells separated by directive lines
    <!-- markdown -->                  a Markdown cell (the text that follows)
    <!-- code: GRADE_ID -->            a read-only code cell (helper tables for a question)
    <!-- coding: NAME -->               a read-only code cell defining and showing the DataFrame NAME: the module's
                                       coding of the readings (direction, weight), from data/readings.csv, which
                                       the student copy of the data leaves out (the capstone computes on it)
    <!-- heading: QID · Title -->      "### Question N · Title (P points)"
    <!-- question: QID -->             the question's prompt (prose that follows), answer and check cells
    <!-- standard: start|end -->       the shared "How this works" and setup cells / "Before you submit"
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from considerations.assignments import ASSIGNMENTS, OPTION_TEXTS, question, total_points
from considerations.paths import book_url, chapter_url

ROOT = Path(__file__).resolve().parents[2]
DIRECTIVE = re.compile(r"^<!-- (markdown|code|coding|heading|question|standard)(?:: (.+?))? -->$")
LOADERS = "load_claims, load_considerations, load_readings, load_timeline, verify_quote"


def add_parser(verbs, name):
    p = verbs.add_parser(name, help="write the source notebooks from the question bank, outlines and keys")
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: every assignment")
    p.add_argument("--course", default="exercises", metavar="DIR", help="course folder (default: exercises)")
    p.add_argument("--to", metavar="DIR", help="write DIR/<a>/<a>.ipynb instead of the course's source/")


def run(args) -> int:
    course = Path(args.course)
    names = args.assignments or list(ASSIGNMENTS)
    unknown = [a for a in names if a not in ASSIGNMENTS]
    if unknown:
        print(f"autograder assign: unknown assignment(s) {unknown}; known: {list(ASSIGNMENTS)}", file=sys.stderr)
        return 2
    out = Path(args.to) if args.to else course / "source"
    for assignment in names:
        path = write_notebook(assignment, course, out)
        print(f"wrote {path}")
    return 0


def write_notebook(assignment: str, course: Path, out: Path) -> Path:
    path = out / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Chapter links are relative to where the notebook lives in the course, wherever it is written.
    nb = build_notebook(assignment, course, link_from=course / "source" / assignment)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return path


def wheel_name() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"


def _meta(grade_id: str, *, grade=False, solution=False, locked=True, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _outline(assignment: str, course: Path) -> list[tuple[str, str, str]]:
    """(directive, argument, text) per cell of the outline."""
    cells, current = [], None
    for line in (course / "outlines" / f"{assignment}.md").read_text(encoding="utf-8").splitlines():
        m = DIRECTIVE.match(line)
        if m:
            current = [m.group(1), (m.group(2) or "").strip(), []]
            cells.append(current)
        elif current is None:
            if line.strip():
                raise ValueError(f"outline of {assignment}: text before the first directive: {line!r}")
        else:
            current[2].append(line)
    return [(kind, arg, "\n".join(text).strip()) for kind, arg, text in cells]


def _solutions(assignment: str, course: Path) -> dict[str, str]:
    """The keys' model answers; where the key gives the answer, it is written from the key (the question
    type's first right answer), so a corrected fact corrects the solution too."""
    from autograder.keys import load_keys, load_solutions

    solutions = dict(load_solutions(assignment, course))
    for qid, key in load_keys(assignment, course).items():
        if qid not in solutions:
            # The question type's own right answer from the key (first accepted label, a sentence per part...).
            value = question(assignment, qid).examples(key).right[0]
            solutions[qid] = f"{qid} = {_literal(value)}\n"
    return solutions


def _scalar(value) -> str:
    """Python source for a key's value: JSON's strings and numbers are Python's, its true/false/null are not."""
    return repr(value) if value is None or isinstance(value, bool) else json.dumps(value, ensure_ascii=False)


def _literal(value) -> str:
    if isinstance(value, dict):
        return "{\n" + "".join(f"    {json.dumps(k)}: {_scalar(v)},\n" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[\n" + "".join(f"    {_scalar(v)},\n" for v in value) + "]"
    return _scalar(value)


def _coding_cell(name: str, comment: str) -> str:
    """Code defining the DataFrame `name`: each reading's direction and weight, from data/readings.csv."""
    from considerations import load_readings

    columns = ["consideration_id", "source_id", "direction", "weight"]
    rows = "".join(f"        {tuple(str(v) for v in row)!r},\n" for row in load_readings()[columns].itertuples(index=False))
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in comment.splitlines())
    return f"{head}{name} = pd.DataFrame(\n    [\n{rows}    ],\n    columns={columns!r},\n)\n{name}"


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def _prompt(assignment: str, q, prose: str, link_from: Path) -> str:
    parts = [prose] if prose else []
    texts = OPTION_TEXTS.get(assignment, {}).get(q.qid)
    if texts:
        parts.append("\n".join(f'- **`"{k}"`**: {v}' for k, v in texts.items()))
    if not q.auto_graded:  # graded by hand: the rubric is part of the question
        parts.append(f"**Rubric ({_points(q.points)}, graded by hand):**\n\n" + "\n".join(f"- {r}" for r in q.rubric))
    parts.append(q.answer_instructions())
    link = chapter_url(q.chapter, q.section, relative_to=None if book_url() else link_from)
    parts.append(f"**Chapter:** [`{q.chapter}`]({link})")
    return "\n\n".join(parts)


def _standard_start(assignment: str) -> list:
    total = total_points(assignment)
    by_hand = sum(q.points for q in ASSIGNMENTS[assignment] if not q.auto_graded)
    how = f"""## How this works

- **Answer in the marked cells.** Each question has an answer cell: put your answer in the variable it names
  (e.g. `q1_...`) and keep that name. Answers are plain Python values: strings, numbers, lists and dicts.
  Written answers go in the Markdown cell under the question.
- **The check under each answer tests its form only**: the right keys, every item once, quotes that really occur
  in the article. "form OK" does not mean the answer is right, and a check never tells you whether it is.
- **Run the cells one by one as you answer.** *Run All* stops at the first question you have not answered yet
  (its cell says `NotImplementedError`): that is expected, not a bug. Answer it, then go on.
- **Grading happens after you submit.** A grader runs your notebook and scores each answer against the articles
  ({total:g} points in all, of which {by_hand:g} for written answers, graded by hand against the rubric shown with
  each question). Your feedback says which parts were wrong and points to the sentences to reread.
- **It is open book**: use the book, the tables (`load_claims()`, `load_readings()`, ...) and the two articles.
  Quotes must be copied word for word; test one with `verify_quote("...")`.
- **To submit**: *Kernel → Restart Kernel and Run All Cells*, make sure every answer cell runs without an error,
  save, and hand in this notebook under its original name (through the *Assignments* tab if your course uses one,
  or as your instructor tells you)."""
    setup = ("## Setup\n\nRun the two cells below first. The first loads the course library and this assignment's "
             "checks; the second lists the considerations and their ids, which the questions use.")
    code = f'''try:
    from considerations.checks import Checker
    from considerations import {LOADERS}
except ImportError:
    raise ImportError("This notebook needs the course library `considerations`. Install it in the environment of this notebook with:  pip install {wheel_name()}  (download the file from the book's 'Introduction' page, 'Setting up'); then restart the kernel.") from None
check = Checker("{assignment}")'''
    table = '''import pandas as pd

pd.set_option("display.max_colwidth", None)  # show quotes and readings in full
load_considerations()[["consideration_id", "name", "group", "chapter"]]'''
    return [new_markdown_cell(how), new_markdown_cell(setup), new_code_cell(code, metadata=_meta("setup")),
            new_code_cell(table, metadata=_meta("considerations_table"))]


END = ("## Before you submit\n\nRestart the kernel and run all cells, check that every answer cell runs and every "
       'check says "form OK", then save. Well done: the feedback will show you the passages behind each answer.')


def build_notebook(assignment: str, course: Path, link_from: Path):
    solutions = _solutions(assignment, course)
    cells, seen = [], []
    for kind, arg, text in _outline(assignment, course):
        if kind == "markdown":
            cells.append(new_markdown_cell(text))
        elif kind == "code":
            cells.append(new_code_cell(text, metadata=_meta(arg)))
        elif kind == "coding":
            cells.append(new_code_cell(_coding_cell(arg, text), metadata=_meta(arg)))
        elif kind == "standard":
            cells += _standard_start(assignment) if arg == "start" else [new_markdown_cell(END)]
        elif kind == "heading":
            qid, _, title = (part.strip() for part in arg.partition("·"))
            q = question(assignment, qid)
            number = int(re.match(r"q(\d+)_", qid).group(1))
            cells.append(new_markdown_cell(f"### Question {number} · {title} ({_points(q.points)})"))
        elif kind == "question":
            q = question(assignment, arg)
            seen.append(q.qid)
            if q.qid not in solutions:
                raise ValueError(f"keys/{assignment}.py: SOLUTIONS has no model answer for {q.qid}")
            cells.append(new_markdown_cell(_prompt(assignment, q, text, link_from), metadata=_meta(f"{q.qid}_prompt")))
            solution = solutions[q.qid].rstrip("\n")
            if not q.auto_graded:
                cells.append(new_markdown_cell(solution, metadata=_meta(q.qid, grade=True, solution=True, locked=False,
                                                                        points=q.points)))
                continue
            answer = f"# Form: {q.describe_form()}\n### BEGIN SOLUTION\n{solution}\n### END SOLUTION"
            cells.append(new_code_cell(answer, metadata=_meta(f"{q.qid}_answer", solution=True, locked=False)))
            cells.append(new_code_cell(f'check("{q.qid}", {q.qid})', metadata=_meta(q.qid, grade=True,
                                                                                     points=q.points)))
    expected = [q.qid for q in ASSIGNMENTS[assignment]]
    if seen != expected:
        raise ValueError(f"outline of {assignment}: questions {seen} differ from the bank's {expected}")
    for number, cell in enumerate(cells):
        # Ids from the grade id or the position: regenerating gives the same notebook byte for byte.
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell["id"] = grade_id.replace("_", "-") if grade_id else f"cell-{number}"
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
