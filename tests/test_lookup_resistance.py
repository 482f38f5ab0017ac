"""Points need reading: a program that only looks things up scores under 20% of each assignment.

The lookup program answers every auto-graded question from what students receive and nothing
else: the data tables shipped in the student wheel (read from the built wheel's file list, so a
table or column the wheel leaves out is not available to it), the notebooks' prompts and option
texts, and pandas. It never reads an article's text for meaning. Its strategies are the ones the
content review found to work: directions and coverage from readings, voices from claims, orders
from the timeline, quotes from the sentences or claims filed under a consideration, the longest
multiple-choice option, and every pandas computation the prompt asks for.
"""

from __future__ import annotations

import pandas as pd
import pytest
from helpers.answers import ROOT, auto_points, keys
from helpers.answers import right as right_answer

from considerations.assignments import ASSIGNMENTS, OPTION_TEXTS
from considerations.questions import MISSING

LIMIT = 0.20


def shipped_data_files() -> list:
    """The data files the student wheel carries, by its build configuration: the folders that
    pyproject.toml force-includes into the package, less the wheel's exclude patterns. (Building the
    wheel here would need the build backend from the network.)"""
    import fnmatch
    import tomllib

    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"]["wheel"]
    excluded = wheel.get("exclude", [])
    files = []
    for source, target in wheel.get("force-include", {}).items():
        if not target.startswith("considerations/_data"):
            continue
        origin = ROOT / source
        for path in [origin] if origin.is_file() else sorted(origin.rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if path.is_file() and not any(fnmatch.fnmatch(relative, pattern.lstrip("/")) for pattern in excluded):
                files.append(path)
    return files


@pytest.fixture(scope="module")
def shipped() -> dict[str, pd.DataFrame]:
    """The data tables as the student wheel ships them."""
    tables = {path.stem: pd.read_csv(path, dtype=str, keep_default_na=False)
              for path in shipped_data_files() if path.suffix == ".csv"}
    assert "claims" in tables and "sources" in tables, "the wheel ships the articles' data"
    return tables


def _col(tables, table, column):
    frame = tables.get(table)
    return frame if frame is not None and column in frame.columns else None


def _source_of(q, tables) -> str | None:
    sources = tables["sources"]["source_id"].tolist()
    text = f"{q.qid} {q.prompt}".lower()
    for sid in sources:
        short = sid.split("-")[0]
        if short in text or ("commentary" in text and "commentary" in sid):
            return sid
    return None


def _direction(tables, cid, sid):
    readings = _col(tables, "readings", "direction")
    if readings is None:
        return None
    row = readings[(readings["consideration_id"] == cid) & (readings["source_id"] == sid)]
    return "not_discussed" if row.empty else row["direction"].iloc[0]


def lookup_classification(q, tables):
    labels = set(q.labels)
    answer = {}
    claims = tables["claims"]
    sources = set(tables["sources"]["source_id"])
    for item in q.items:
        guess = None
        if "voice" in claims.columns and item in set(claims["claim_id"]):
            guess = claims.set_index("claim_id").at[item, "voice"]
        elif "not_discussed" in labels:
            guess = _direction(tables, item, _source_of(q, tables))
        elif labels & sources:
            # Coverage: the articles that have a reading of the item, else the articles with claims on it.
            readings = _col(tables, "readings", "source_id")
            table = readings if readings is not None else claims
            read_by = set(table[table["consideration_id"] == item]["source_id"])
            guess = "both" if read_by == sources else (read_by.pop() if len(read_by) == 1 else None)
        elif {"different_direction", "same_direction"} <= labels:
            a, b = (_direction(tables, item, s) for s in sorted(sources))
            if a and b:
                guess = ("one_article_silent" if "not_discussed" in (a, b)
                         else "same_direction" if a == b else "different_direction")
        answer[item] = guess if guess in labels else q.labels[0]
    return answer


def lookup_evidence(q, tables):
    """Sentences (or claim quotes) filed under the consideration, first ones first."""
    quotes = []
    sentences = _col(tables, "sentences", "considerations")
    if sentences is not None:
        rows = sentences[sentences["considerations"].str.split(";").map(lambda c: q.consideration_id in c)]
        if q.source_id:
            rows = rows[rows["source_id"] == q.source_id]
        quotes += rows["text"].tolist()
    claims = tables["claims"]
    if "consideration_id" in claims.columns:
        rows = claims[claims["consideration_id"] == q.consideration_id]
        if q.source_id:
            rows = rows[rows["source_id"] == q.source_id]
        quotes += rows["quote"].tolist()
    quotes = [s for s in dict.fromkeys(quotes) if len(s.split()) >= 4]
    return quotes[: max(q.min_quotes, 3)]


def lookup_ordering(q, tables):
    timeline = _col(tables, "timeline", "sequence")
    if timeline is None:
        return sorted(q.items)
    order = timeline.assign(n=timeline["sequence"].astype(int)).sort_values("n")["event_id"].tolist()
    return [e for e in order if e in q.items] + [e for e in q.items if e not in order]


def lookup_choice(assignment, q):
    texts = OPTION_TEXTS.get(assignment, {}).get(q.qid)
    if texts:
        return max(texts, key=lambda option: len(texts[option]))  # the longest option
    # Options without wording are ids the prompt asks to compute from the tables: a computation.
    return right_answer(assignment, q)


def lookup_answer(assignment, q, tables):
    kind = q.kind
    if kind == "classification":
        return lookup_classification(q, tables)
    if kind == "evidence":
        return lookup_evidence(q, tables)
    if kind == "ordering":
        return lookup_ordering(q, tables)
    if kind == "multiple_choice":
        return lookup_choice(assignment, q)
    if kind in ("number", "weights"):
        # Computations on the shipped tables, and the student's own judgement: a program does these as
        # well as a reader, so they count as lookup points.
        return right_answer(assignment, q)
    return MISSING


def lookup_score(assignment, tables) -> float:
    total = 0.0
    for q in ASSIGNMENTS[assignment]:
        if q.auto_graded:
            total += q.grade(lookup_answer(assignment, q, tables), keys(assignment).get(q.qid)).score
    return total


# Where each assignment stands now: a ratchet, lowered as questions are redesigned, never raised.
# The goal is LIMIT for every assignment (the strict xfail below turns red once it is reached).
CEILING = {
    "reading_the_sources": 0.70,
    "domestic_considerations": 0.59,
    "regional_and_international": 0.64,
    "weighing_the_factors": 0.56,
}


def _share(assignment, shipped, capsys) -> float:
    score = lookup_score(assignment, shipped)
    share = score / auto_points(assignment)
    with capsys.disabled():
        print(f"\nlookup-only score, {assignment}: {score:g} of {auto_points(assignment):g} automatic points "
              f"({share:.0%})")
    return share


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_the_lookup_only_share_never_rises(assignment, shipped, capsys):
    assert _share(assignment, shipped, capsys) <= CEILING[assignment]


@pytest.mark.xfail(strict=True, reason="the goal: lookup-only under 20% everywhere; direction, voice, timeline and "
                   "coverage labels still ship in the student data (see the closing note)")
@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_a_lookup_only_submission_scores_under_a_fifth(assignment, shipped, capsys):
    assert _share(assignment, shipped, capsys) < LIMIT


def test_the_right_option_is_not_the_longest_nor_always_in_one_place():
    longest, positions = [], []
    for assignment, qs in ASSIGNMENTS.items():
        for q in qs:
            texts = OPTION_TEXTS.get(assignment, {}).get(q.qid)
            if q.kind != "multiple_choice" or not texts:
                continue
            key = keys(assignment)[q.qid].value
            longest.append(max(texts, key=lambda o: len(texts[o])) == key)
            positions.append(list(texts).index(key))
    assert sum(longest) <= len(longest) // 4, f"the right option is the longest in {sum(longest)} of {len(longest)}"
    assert max(positions.count(p) for p in set(positions)) <= (len(positions) + 1) // 2, positions
