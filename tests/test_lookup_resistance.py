"""Points need reading: a program that only looks things up scores under 20% of each assignment.

The lookup program answers every auto-graded question from what students receive and nothing
else, and never reads an article's text for meaning:

- the data as the student wheel ships it: the staging folder that packaging/student_wheel.py
  builds the wheel from (so a column or row the student copy leaves out, see
  considerations/student_data.py, is not available to it);
- every library function, on that copy: the loaders, `check_evidence` as an oracle for which
  sentences bear on a consideration, the factor model's constants;
- the notebook itself: its setup and helper cells (the tables it prints), the prompts and option
  texts, and every pandas computation a prompt asks for (the model answer's code, run on the
  student copy with the program's own earlier answers; when it needs what the copy leaves out it
  fails, as it would for a student).

Its strategies are the ones the content review found to work: directions and coverage from
readings and the sentence annotations, voices from claims (or from the words of the module's
paraphrase of a claim), orders from the timeline (or years written in its event texts), quotes from the sentences filed under a consideration (the first of
them, spread over the articles), the longest multiple-choice option, and the computations.
Where nothing can be looked up it gives the question's first label. What it does not do is read:
a program that searches the articles' own sentences for words such as "sources" or "analysts" does
part of what the voice question asks of a reader (exercises/README.md, "Why lookup cannot answer").
"""

from __future__ import annotations

import os
import re
from pathlib import Path
import sys
from contextlib import contextmanager

import nbformat
import pandas as pd
import pytest
from helpers import EXERCISES, ROOT
from helpers.answers import auto_points, keys

from autograder.keys import load_solutions
from considerations.assignments import ASSIGNMENTS, OPTION_TEXTS
from considerations.questions import MISSING

sys.path.insert(0, str(ROOT / "packaging"))
import student_wheel  # noqa: E402 (a build script, not a package)

LIMIT = 0.20


@pytest.fixture(scope="module")
def student_data(tmp_path_factory):
    """The data folder of the student wheel, staged exactly as the wheel is built."""
    for assignment in ASSIGNMENTS:
        keys(assignment)  # the grader's keys come from the full data, loaded before the bot runs
    staging = student_wheel.stage(tmp_path_factory.mktemp("student-wheel") / "stage")
    return staging / "considerations" / "_data"


@contextmanager
def student_copy(folder):
    """Library calls inside see only the student copy of the data."""
    before = os.environ.get("CONSIDERATIONS_DATA")
    os.environ["CONSIDERATIONS_DATA"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["CONSIDERATIONS_DATA"]
        else:
            os.environ["CONSIDERATIONS_DATA"] = before


def shipped_tables(folder) -> dict[str, pd.DataFrame]:
    tables = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("*.csv"))}
    assert "claims" in tables and "sources" in tables, "the wheel ships the articles' data"
    return tables


def _col(tables, table, column):
    frame = tables.get(table)
    return frame if frame is not None and column in frame.columns else None


def _source_of(q, tables) -> str | None:
    text = f"{q.qid} {q.prompt}".lower()
    for sid in tables["sources"]["source_id"]:
        if sid.split("-")[0] in text or ("commentary" in text and "commentary" in sid):
            return sid
    return None


def _about(tables, cid) -> set[str]:
    """The articles that have a sentence annotated with the consideration, or a claim filed under it."""
    sentences = tables["sentences"]
    annotated = sentences[sentences["considerations"].str.split(";").map(lambda c: cid in c)]
    claims = tables["claims"]
    return set(annotated["source_id"]) | set(claims[claims["consideration_id"] == cid]["source_id"])


def _direction(tables, cid, sid):
    readings = _col(tables, "readings", "direction")
    if readings is not None:
        row = readings[(readings["consideration_id"] == cid) & (readings["source_id"] == sid)]
        return "not_discussed" if row.empty else row["direction"].iloc[0]
    readings = tables.get("readings")
    if readings is not None and "source_id" in readings:
        read = readings[(readings["consideration_id"] == cid) & (readings["source_id"] == sid)]
        if read.empty:
            return "not_discussed"  # no reading of it in that article: the copy still says so
    return None


_VOICE_WORDS = (  # who a passage's words point to, first match wins
    ("named_official", ("spokesperson", "minister")),
    ("anonymous_official", ("sources", "officials", "agencies", "intelligence", "unnamed")),
    ("unnamed_analysts", ("analysts", "experts", "observers", "many consider", "many ")),
)


def _voice_by_keywords(tables, claim_id):
    """A voice guessed from the words of the module's paraphrase of the claim (`claim`), if the copy ships it: the
    paraphrase names the speaker ("Unnamed foreign ministry sources say ..."). The article's own sentences are not
    searched: finding who speaks in them is the reading the question asks for."""
    claims = tables["claims"].set_index("claim_id")
    if "claim" not in claims.columns:
        return None
    text = str(claims.at[claim_id, "claim"]).lower()
    for voice, words in _VOICE_WORDS:
        if any(w in text for w in words):
            return voice
    return "author"


def lookup_classification(q, tables):
    from considerations import model

    labels = set(q.labels)
    answer = {}
    claims = tables["claims"]
    sources = set(tables["sources"]["source_id"])
    timeline = tables["timeline"].set_index("event_id")
    for item in q.items:
        guess = None
        if item in set(claims["claim_id"]):
            guess = (claims.set_index("claim_id").at[item, "voice"] if "voice" in claims.columns
                     else _voice_by_keywords(tables, item))
        elif "not_discussed" in labels:
            guess = _direction(tables, item, _source_of(q, tables))
        elif labels & sources:
            read_by = _about(tables, item)
            guess = "both" if read_by == sources else (read_by.pop() if len(read_by) == 1 else None)
        elif {"different_direction", "same_direction"} <= labels:
            a, b = (_direction(tables, item, s) for s in sorted(sources))
            if "not_discussed" in (a, b):
                guess = "one_article_silent"
            elif a and b:
                guess = "same_direction" if a == b else "different_direction"
        elif "separate" in labels and item in timeline.index and timeline.at[item, "policy_period"]:
            # The factor model's constants ship: which periods separate the Taliban from the TTP.
            stance = model.POLICY_PERIOD_STANCE.get(int(timeline.at[item, "policy_period"]), "")
            guess = "separate" if stance.startswith("separ") else next(lab for lab in q.labels if "link" in lab)
        answer[item] = guess if guess in labels else q.labels[0]
    return answer


def lookup_evidence(q, tables):
    """The first sentences that check_evidence says bear on the consideration, one per part, taken in turn
    from each article the question allows."""
    from considerations import UnusableQuote, check_evidence

    sentences = tables["sentences"]
    sources = [q.source_id] if q.source_id else list(tables["sources"]["source_id"])
    pools = []
    for sid in sources:
        texts = [t for t in sentences[sentences["source_id"] == sid]["text"] if len(t.split()) >= 4]
        pool = []
        for t in texts:
            try:
                if check_evidence(t, consideration=q.consideration_id, source=sid).about:
                    pool.append(t)
            except UnusableQuote:  # too few words once quotation marks and dashes are set aside
                continue
        pools.append(pool)
    quotes = []
    while len(quotes) < q.min_quotes and any(pools):
        for pool in pools:
            if pool and len(quotes) < q.min_quotes:
                quotes.append(pool.pop(0))
    return quotes


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def lookup_ordering(q, tables):
    timeline = tables["timeline"]
    if "sequence" in timeline.columns:
        order = timeline.assign(n=timeline["sequence"].astype(int)).sort_values("n")["event_id"].tolist()
        return [e for e in order if e in q.items] + [e for e in q.items if e not in order]
    # No order ships: the years the event texts mention, undated last, ties alphabetical.
    text = timeline.set_index("event_id")
    year = {}
    for event in q.items:
        found = _YEAR.findall(" ".join(str(text.at[event, c]) for c in text.columns if c in ("event", "when_in_article"))) \
            if event in text.index else []
        year[event] = min(map(int, found)) if found else 9999
    return sorted(q.items, key=lambda e: (year[e], e))


class Notebook:
    """The assignment's notebook as a student runs it, on the student copy: its setup and helper cells, and
    the computations its prompts ask for."""

    def __init__(self, assignment):
        nb = nbformat.read(EXERCISES / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        self.cells = [c for c in nb.cells if c.cell_type == "code"]
        self.solutions = load_solutions(assignment, EXERCISES)
        self.namespace: dict = {}
        self.done = 0

    def run_helpers_before(self, qid):
        """Run the read-only cells (setup, printed tables) up to the question's answer cell."""
        for i, cell in enumerate(self.cells[self.done:], start=self.done):
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade_id") == f"{qid}_answer":
                self.done = i + 1
                return
            if meta.get("locked") and not meta.get("grade") and not meta.get("solution"):
                try:
                    exec(cell.source, self.namespace)
                except Exception:  # a helper that needs what the copy leaves out prints nothing
                    pass
        self.done = len(self.cells)

    def compute(self, qid):
        """The pandas computation the prompt asks for (the model answer's code), or MISSING if it cannot run."""
        code = self.solutions.get(qid)
        if not code:
            return MISSING
        try:
            exec(code, self.namespace)
        except Exception:
            return MISSING
        return self.namespace.get(qid, MISSING)


def lookup_answers(assignment, tables) -> dict:
    notebook = Notebook(assignment)
    answers = {}
    for q in ASSIGNMENTS[assignment]:
        notebook.run_helpers_before(q.qid)
        if not q.auto_graded:
            continue
        kind = q.kind
        if kind == "classification":
            answer = lookup_classification(q, tables)
        elif kind == "evidence":
            answer = lookup_evidence(q, tables)
        elif kind == "ordering":
            answer = lookup_ordering(q, tables)
        elif kind == "multiple_choice":
            texts = OPTION_TEXTS.get(assignment, {}).get(q.qid)
            if texts and not set(q.options) <= set(tables["considerations"]["consideration_id"]):
                answer = max(texts, key=lambda option: len(texts[option]))  # the longest option
            else:  # options that are ids the prompt asks to compute from the tables
                answer = notebook.compute(q.qid)
                answer = answer if answer in q.options else q.options[0]
        elif kind == "number":
            answer = notebook.compute(q.qid)
        elif kind == "weights":
            answer = {i: 5 for i in q.items}  # the student's own judgement: any well-formed answer
        else:
            answer = MISSING
        answers[q.qid] = answer
        notebook.namespace[q.qid] = answer  # later computations may use earlier answers
    return answers


def lookup_score(assignment, student_data) -> tuple[float, dict]:
    with student_copy(student_data):
        tables = shipped_tables(student_data)
        answers = lookup_answers(assignment, tables)
    scores = {}
    for q in ASSIGNMENTS[assignment]:
        if q.auto_graded:
            scores[q.qid] = q.grade(answers.get(q.qid, MISSING), keys(assignment).get(q.qid)).score
    return sum(scores.values()), scores


def _share(assignment, student_data, capsys) -> float:
    score, scores = lookup_score(assignment, student_data)
    share = score / auto_points(assignment)
    earned = ", ".join(f"{qid} {s:g}" for qid, s in scores.items() if s)
    with capsys.disabled():
        print(f"\nlookup-only score, {assignment}: {score:g} of {auto_points(assignment):g} automatic points "
              f"({share:.0%}){'; from ' + earned if earned else ''}")
    return share


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_a_lookup_only_submission_scores_under_a_fifth(assignment, student_data, capsys):
    assert _share(assignment, student_data, capsys) < LIMIT


def test_the_student_copy_leaves_out_what_questions_grade(student_data):
    from considerations.student_data import DROPPED_COLUMNS, HEADER_ONLY

    tables = shipped_tables(student_data)
    for file, columns in DROPPED_COLUMNS.items():
        assert not set(columns) & set(tables[file.removesuffix(".csv")].columns), file
    for file in HEADER_ONLY:
        assert tables[file.removesuffix(".csv")].empty, f"{file} ships rows: answers to graded questions"
    assert list(tables["timeline"]["event_id"]) == sorted(tables["timeline"]["event_id"]), "row order gives time order"


def test_the_right_option_is_not_the_longest_nor_always_in_one_place():
    longest, positions = [], []
    for assignment, qs in ASSIGNMENTS.items():
        for q in qs:
            texts = OPTION_TEXTS.get(assignment, {}).get(q.qid)
            if q.kind != "multiple_choice" or not texts:
                continue
            key = keys(assignment)[q.qid].value
            key = key[0] if isinstance(key, tuple) else key
            longest.append(max(texts, key=lambda o: len(texts[o])) == key)
            positions.append(list(texts).index(key))
    assert sum(longest) <= len(longest) // 4, f"the right option is the longest in {sum(longest)} of {len(longest)}"
    assert max(positions.count(p) for p in set(positions)) <= (len(positions) + 1) // 2, positions


def test_the_library_works_on_the_student_copy(student_data):
    """Loaders and validation take the reduced copy; a dropped column is absent, not empty; the widgets a student
    may open in JupyterLab still build, with a clear warning where they have nothing to show."""
    import warnings

    from considerations import load_claims, load_readings, load_timeline, validate_data, widgets
    from considerations.student_data import StudentDataError

    with student_copy(student_data):
        validate_data()
        assert "voice" not in load_claims().columns and "direction" not in load_readings().columns
        assert "sequence" not in load_timeline().columns
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for cls in (widgets.WeighingBoard, widgets.ClaimsExplorer, widgets.TimelineExplorer,
                        widgets.PolicyPeriodStepper, widgets.ActorMap, widgets.ReadingsComparison):
                cls()
        assert any("student copy" in str(w.message) for w in caught)
        with pytest.raises(StudentDataError, match="student copy"):
            widgets.WeighingBoard().load("iess")


def test_the_graders_sandbox_shows_submitted_code_only_the_student_copy():
    """Code that reads a dropped column fails in the student's kernel; it must not succeed at grading time."""
    from autograder.sandbox.bwrap import sandbox_env
    from considerations.student_data import DROPPED_COLUMNS, HEADER_ONLY

    folder = Path(sandbox_env()["CONSIDERATIONS_DATA"])
    tables = shipped_tables(folder)
    for file, columns in DROPPED_COLUMNS.items():
        assert not set(columns) & set(tables[file.removesuffix(".csv")].columns), file
    for file in HEADER_ONLY:
        assert tables[file.removesuffix(".csv")].empty, file
