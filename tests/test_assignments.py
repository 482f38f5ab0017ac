"""The graded exercises: the question bank, the generated source notebooks and their release.

For every assignment in `considerations.assignments.ASSIGNMENTS`:
- the bank is well formed and its items are ids from data/;
- the source notebook is exactly what `autograder assign` generates (no drift), clean (no outputs),
  with each question's cells, grade ids, points and answer variable;
- `nbgrader generate_assignment` succeeds and strips every solution;
- the solutions score full marks and the released notebook scores zero.
Keys are tested in test_keys.py, partial credit in test_scoring.py, each type in test_question_types.py.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import ROOT, EXERCISES
from helpers.answers import messages, score_all
from helpers.book import toc_pages
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from autograder.commands.assign import _literal, build_notebook, wheel_name
from considerations import load_claims, load_considerations, load_sources, load_timeline
from considerations.assignments import ASSIGNMENTS, COMMENTARY, IESS, OPTION_TEXTS, question

VENV_BIN = Path(sys.executable).parent
NAMES = list(ASSIGNMENTS)
QID = re.compile(r"^q(\d+)_[a-z0-9]+(?:_[a-z0-9]+)*$")
SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


# ---------------------------------------------------------------- helpers

def source_path(assignment: str) -> Path:
    return EXERCISES / "source" / assignment / f"{assignment}.ipynb"


def read(path: Path):
    return nbformat.read(path, as_version=4)


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def by_grade_id(nb) -> dict[str, int]:
    return {meta(c)["grade_id"]: i for i, c in enumerate(nb.cells) if meta(c).get("grade_id")}


def auto_questions(assignment: str):
    return [q for q in ASSIGNMENTS[assignment] if q.auto_graded]


def auto_points(assignment: str) -> float:
    return float(sum(q.points for q in auto_questions(assignment)))


def known_ids() -> set[str]:
    return (
        set(load_claims()["claim_id"])
        | set(load_considerations()["consideration_id"])
        | set(load_timeline()["event_id"])
        | set(load_sources())
    )


def export_cell(qids: list[str]):
    return new_code_cell(
        "import json as _json\n"
        f"print(_json.dumps({{_q: globals()[_q] for _q in {qids!r} if _q in globals()}}))"
    )


def execute_answers(nb, workdir: Path, *, allow_errors: bool, assignment: str) -> tuple[dict, list]:
    """Run the notebook in a python3 kernel; return its answer variables (as the grader exports them)
    and the errors raised, as (grade id, exception name)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    qids = [q.qid for q in ASSIGNMENTS[assignment]]
    nb.cells.append(export_cell(qids))
    client = NotebookClient(
        nb, kernel_name="python3", timeout=120, allow_errors=allow_errors,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    streams = [o for o in nb.cells[-1].outputs if o.get("output_type") == "stream" and o.get("name") == "stdout"]
    assert streams, f"the export cell printed nothing: {nb.cells[-1].outputs}"
    errors = [(meta(c).get("grade_id"), o["ename"]) for c in nb.cells if c.cell_type == "code"
              for o in c.outputs if o.get("output_type") == "error"]
    return json.loads("".join(s["text"] for s in streams).strip().splitlines()[-1]), errors


# ---------------------------------------------------------------- the bank

@pytest.mark.parametrize("assignment", NAMES)
def test_bank_shape(assignment):
    qs = ASSIGNMENTS[assignment]
    assert 8 <= len(qs) <= 10
    assert 20 <= sum(q.points for q in qs) <= 30
    numbers = []
    for q in qs:
        m = QID.match(q.qid)
        assert m, f"{q.qid} is not lower snake case starting q<N>_"
        numbers.append(int(m.group(1)))
        assert q.chapter in toc_pages(), f"{q.qid}: {q.chapter} is not a page of book/_toc.yml"
        assert q.points > 0 and q.prompt and "\n" not in q.prompt
    assert numbers == list(range(1, len(qs) + 1)), "questions are numbered q1, q2, ... in order"
    kinds = {q.kind for q in qs}
    assert "free_text" in kinds and len(kinds) >= 4


@pytest.mark.parametrize("assignment", NAMES)
def test_bank_items_come_from_the_data(assignment):
    ids = known_ids()
    considerations = set(load_considerations()["consideration_id"])
    for q in ASSIGNMENTS[assignment]:
        for item in getattr(q, "items", ()):
            assert item in ids, f"{q.qid}: {item!r} is not an id in data/"
        if q.kind == "ordering":
            assert list(q.items) == sorted(q.items), f"{q.qid}: list the items alphabetically, not in answer order"
            assert not any(re.fullmatch(r"(iess|comm)-\d+", i) for i in q.items), (
                f"{q.qid}: claim ids follow the article's order and would give the answer away"
            )
        if q.kind == "weights":
            assert set(q.items) == considerations
        if q.kind == "evidence":
            assert q.consideration_id in considerations
            assert q.source_id in (None, IESS, COMMENTARY)
        if q.kind == "multiple_choice":
            texts = OPTION_TEXTS.get(assignment, {}).get(q.qid)
            if set(q.options) <= {"a", "b", "c", "d"}:
                assert texts, f"{q.qid}: lettered options need their wording in OPTION_TEXTS"
            if texts:
                assert list(texts) == list(q.options)
            if not texts:
                assert set(q.options) <= considerations
        if q.kind == "free_text":
            points = sum(float(re.match(r"^(\d+(?:\.\d+)?) points?:", r).group(1)) for r in q.rubric)
            assert points == q.points, f"{q.qid}: the rubric's points add up to {points}, not {q.points}"


# ---------------------------------------------------------------- the source notebooks

@pytest.mark.parametrize("assignment", NAMES)
def test_source_notebook_is_clean(assignment):
    nb = read(source_path(assignment))
    nbformat.validate(nb)
    assert nb.metadata.kernelspec["name"] == "python3"
    assert nb.metadata.kernelspec["language"] == "python"
    assert nb.metadata.language_info["name"] == "python"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "commit the source notebook without outputs"


@pytest.mark.parametrize("assignment", NAMES)
def test_source_notebook_layout(assignment):
    nb = read(source_path(assignment))
    headings = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if m := re.match(r"^(#+) (.*)", line):
                    headings.append((len(m.group(1)), m.group(2)))
    assert headings[0][0] == 1 and [h for h in headings if h[0] == 1] == headings[:1], "one H1 title, first"
    for (before, _), (after, text) in zip(headings, headings[1:]):
        assert after <= before + 1, f"heading level jumps from {before} to {after} at {text!r}"
    titles = [t for level, t in headings if level == 2]
    assert "Learning objectives" in titles and "How this works" in titles
    how = next(c.source for c in nb.cells if c.source.startswith("## How this works"))
    assert "form only" in how and "submit" in how.lower()

    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = code[0]
    assert meta(setup) == {"grade": False, "solution": False, "locked": True, "grade_id": "setup", "schema_version": 3}
    assert "from considerations.checks import Checker" in setup.source
    assert "except ImportError:" in setup.source and f"pip install {wheel_name()} " in setup.source
    assert setup.source.rstrip().endswith(f'check = Checker("{assignment}")')


@pytest.mark.parametrize("assignment", NAMES)
def test_notebook_cells_match_the_bank(assignment):
    nb = read(source_path(assignment))
    index = by_grade_id(nb)
    assert len(index) == sum(1 for c in nb.cells if meta(c).get("grade_id")), "grade ids must be unique"
    for cell in nb.cells:
        if meta(cell):
            assert meta(cell)["schema_version"] == 3
    graded = {meta(c)["grade_id"] for c in nb.cells if meta(c).get("grade")}
    assert graded == {q.qid for q in ASSIGNMENTS[assignment]}, "graded cells and bank questions differ"

    for q in ASSIGNMENTS[assignment]:
        prompt_at = index[f"{q.qid}_prompt"]
        prompt = nb.cells[prompt_at]
        assert prompt.cell_type == "markdown"
        assert meta(prompt) == {"grade": False, "solution": False, "locked": True,
                                "grade_id": f"{q.qid}_prompt", "schema_version": 3}
        assert f"{q.chapter}.html" in prompt.source, f"{q.qid}: the prompt points to its chapter"
        if q.kind == "free_text":
            answer = nb.cells[prompt_at + 1]
            assert answer.cell_type == "markdown"
            assert meta(answer) == {"grade": True, "solution": True, "locked": False, "points": q.points,
                                    "grade_id": q.qid, "schema_version": 3}
            assert len(answer.source.split()) >= q.min_words, f"{q.qid}: the model answer is shorter than asked"
            for criterion in q.rubric:
                assert criterion in prompt.source, f"{q.qid}: the rubric is shown in the prompt"
            continue
        answer, test = nb.cells[prompt_at + 1], nb.cells[prompt_at + 2]
        assert answer.cell_type == "code" and test.cell_type == "code"
        assert meta(answer) == {"grade": False, "solution": True, "locked": False,
                                "grade_id": f"{q.qid}_answer", "schema_version": 3}
        assert meta(test) == {"grade": True, "solution": False, "locked": True, "points": q.points,
                              "grade_id": q.qid, "schema_version": 3}
        assert test.source.strip() == f'check("{q.qid}", {q.qid})'
        lines = answer.source.splitlines()
        assert lines[0].startswith("# Form:"), f"{q.qid}: the answer cell starts with a comment on the form"
        regions = SOLUTION_REGION.findall(answer.source)
        assert len(regions) == 1 and lines[-1] == "### END SOLUTION"
        tree = ast.parse(regions[0])
        assigned = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                    if isinstance(t, ast.Name)}
        assert q.qid in assigned, f"{q.qid}: the solution must assign a top-level variable named {q.qid}"
        if q.kind == "multiple_choice" and q.qid in OPTION_TEXTS.get(assignment, {}):
            for option in q.options:
                assert f'`"{option}"`' in prompt.source, f"{q.qid}: option {option!r} is shown"


def test_a_model_answer_written_from_a_key_is_python():
    """A type whose key holds True, False or None gets Python in its solution cell, not JSON's true/null."""
    for value in (False, None, {"a": True, "b": "é"}, ["x", 1.5], "it's"):
        assert ast.literal_eval(_literal(value)) == value


@pytest.mark.parametrize("assignment", NAMES)
def test_source_notebook_is_generated_from_the_bank_outline_and_keys(assignment, monkeypatch):
    """No drift: the committed notebook is exactly what `autograder assign` writes (with the course's own
    book setting: a publishing run's COURSE_BOOK_URL is for the released copies, not the committed ones)."""
    monkeypatch.delenv("COURSE_BOOK_URL", raising=False)
    generated = build_notebook(assignment, EXERCISES, link_from=source_path(assignment).parent)
    committed = source_path(assignment).read_text(encoding="utf-8")
    assert nbformat.writes(generated) + "\n" == committed, (
        f"{assignment}: the source notebook differs from its definition; run `autograder assign {assignment}` "
        "(edit considerations/assignments.py, exercises/outlines/ or the keys' SOLUTIONS, never the notebook)"
    )


@pytest.mark.parametrize("assignment", NAMES)
def test_helper_cells_are_read_only(assignment):
    nb = read(source_path(assignment))
    answer_ids = {f"{q.qid}_answer" for q in ASSIGNMENTS[assignment]}
    for cell in nb.cells:
        m = meta(cell)
        if cell.cell_type == "code" and m.get("grade_id") not in answer_ids:
            assert m, "every code cell outside the answers is an nbgrader cell"
            assert m["locked"] and not m["solution"], f"{m['grade_id']} should be read-only"
            assert "### BEGIN SOLUTION" not in cell.source


# ---------------------------------------------------------------- release (nbgrader)

def generate_release(course: Path) -> str:
    """Run `nbgrader generate_assignment` for every assignment in a private copy of the course folder."""
    course.mkdir(parents=True)
    shutil.copy(EXERCISES / "nbgrader_config.py", course)
    shutil.copytree(EXERCISES / "source", course / "source")
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # nbgrader runs `alembic`
           "JUPYTER_CONFIG_DIR": str(course.parent / "jupyter-config")}
    proc = subprocess.run(
        [str(VENV_BIN / "nbgrader"), "generate_assignment", "*", "--force"],
        cwd=course, env=env, capture_output=True, text=True, timeout=600,
    )
    output = proc.stdout + proc.stderr
    # The exit code and the log both count: nbgrader logs a failed notebook as ERROR.
    assert proc.returncode == 0, output
    assert "ERROR" not in output, output
    return output


def check_release_strips_solutions(course: Path, assignment: str) -> None:
    release = read(course / "release" / assignment / f"{assignment}.ipynb")
    source = read(source_path(assignment))
    for cell in release.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    text = "\n".join(c.source for c in release.cells)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    # What the release may contain: the source without its solution regions and model answers.
    public = "\n".join(
        SOLUTION_REGION.sub("", c.source) for c in source.cells if not (c.cell_type == "markdown" and meta(c).get("solution"))
    )
    index, source_index = by_grade_id(release), by_grade_id(source)
    for q in ASSIGNMENTS[assignment]:
        if not q.auto_graded:
            assert release.cells[index[q.qid]].source == "YOUR ANSWER HERE"
            model = source.cells[source_index[q.qid]].source
            for sentence in re.split(r"(?<=[.:;])\s+", model):
                if len(sentence) > 30:
                    assert sentence not in text, f"{q.qid}: the model answer leaked into the release"
            continue
        answer = release.cells[index[f"{q.qid}_answer"]].source
        assert answer.startswith("# Form:") and answer.endswith(CODE_STUB)
        assert release.cells[index[q.qid]].source == f'check("{q.qid}", {q.qid})'
        solution = SOLUTION_REGION.search(source.cells[source_index[f"{q.qid}_answer"]].source).group(1)
        for line in (ln.strip() for ln in solution.splitlines()):
            if len(line) > 8 and line not in public:
                assert line not in text, f"{q.qid}: solution line {line!r} is in the release"


def test_generate_assignment_and_the_release_scores_zero(tmp_path):
    """One test for all assignments, so that only one xdist worker runs nbgrader."""
    course = tmp_path / "exercises"
    output = generate_release(course)
    assert (course / "gradebook.db").is_file()
    for assignment in NAMES:
        assert f"Updating/creating assignment '{assignment}'" in output, output
        check_release_strips_solutions(course, assignment)
        nb = read(course / "release" / assignment / f"{assignment}.ipynb")
        answers, errors = execute_answers(nb, tmp_path, allow_errors=True, assignment=assignment)
        assert answers == {}, f"{assignment}: the released notebook must not define any answer"
        # Only the blank answers (the stub) and their checks (no variable yet) fail; every helper cell runs.
        auto = [q.qid for q in auto_questions(assignment)]
        assert sorted(errors) == sorted([(f"{qid}_answer", "NotImplementedError") for qid in auto]
                                        + [(qid, "NameError") for qid in auto]), errors
        results = score_all(assignment, answers)
        assert all(r.score == 0 for r in results), assignment
        assert {r.status for r in results} <= {"missing", "pending_manual"}


# ---------------------------------------------------------------- scoring the solutions

@pytest.mark.parametrize("assignment", NAMES)
def test_solutions_score_full_marks(assignment, tmp_path):
    answers, _ = execute_answers(read(source_path(assignment)), tmp_path, allow_errors=False, assignment=assignment)
    results = score_all(assignment, answers)
    for r in results:
        if not question(assignment, r.qid).auto_graded:
            assert r.status == "pending_manual"
        else:
            assert r.status == "right", (r.qid, messages(r))
    assert sum(r.score for r in results) == pytest.approx(auto_points(assignment))


@pytest.mark.parametrize("assignment", NAMES)
def test_chapter_links_point_at_chapters_of_the_book(assignment):
    text = source_path(assignment).read_text(encoding="utf-8")
    assert "example.org" not in text
    links = re.findall(r"\]\(([^)]+\.html)(?:#[\w-]+)?\)", text)
    assert links, "every prompt links its chapter"
    for link in links:
        page = link.rsplit("/", 1)[-1].removesuffix(".html")
        assert (ROOT / "book" / f"{page}.md").is_file(), f"{link} names no chapter of the book"
        if not link.startswith(("http://", "https://")):
            # Without a book URL, links are relative to the notebook and land in the locally built book.
            target = (source_path(assignment).parent / link).resolve()
            assert target == (ROOT / "book" / "_build" / "html" / f"{page}.html").resolve(), link
