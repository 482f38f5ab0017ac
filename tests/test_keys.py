"""The answer keys: computed from data/, fitting the bank, and reading each article on its own.

Keys load for every question that needs one, cite claims that exist, give feedback for every option,
follow the data (a fact corrected in data/ corrects the key), and a question about one article takes
that article's reading, not the other's.
"""

from __future__ import annotations

import pytest
from helpers.answers import accepted, first_label, keys
from helpers.answers import score as _score

from considerations import load_claims, load_readings, load_timeline
from considerations.assignments import ASSIGNMENTS, COMMENTARY, IESS, question

NAMES = list(ASSIGNMENTS)


def auto_questions(assignment: str):
    return [q for q in ASSIGNMENTS[assignment] if q.auto_graded]


@pytest.mark.parametrize("assignment", NAMES)
def test_keys_load_and_fit_the_bank(assignment):
    ks = keys(assignment)
    claim_ids = set(load_claims()["claim_id"])
    for q in auto_questions(assignment):
        if not q.needs_key:
            assert q.qid not in ks
            continue
        key = ks[q.qid]
        assert key.cite and set(key.cite) <= claim_ids, f"{q.qid}: cite claim ids from data/"
        if q.kind == "multiple_choice":
            assert set(key.option_feedback) == set(q.options), f"{q.qid}: feedback for every option"
        if q.kind == "number":
            assert isinstance(key.value, (int, float)) and not isinstance(key.value, bool)


def test_keys_follow_the_data():
    """Spot checks that keys are computed from data/, not typed in."""
    claims = load_claims().set_index("claim_id")
    readings = load_readings()
    rs = keys("reading_the_sources")
    assert rs["q2_voice"].value == {c: str(claims.at[c, "voice"]) for c in question("reading_the_sources", "q2_voice").items}
    order = [e for e in load_timeline()["event_id"] if e in question("reading_the_sources", "q7_timeline").items]
    assert rs["q7_timeline"].value == order
    comm = readings[readings["source_id"] == COMMENTARY].set_index("consideration_id")["direction"].astype(str)
    dc = keys("domestic_considerations")
    for item, label in dc["q2_commentary_domestic"].value.items():
        assert first_label(label) == (comm[item] if item in comm.index else "not_discussed")


SOURCE_PAIRS = [
    ("domestic_considerations", "q1_iess_domestic", "q2_commentary_domestic"),
    ("regional_and_international", "q1_iess_external", "q2_commentary_external"),
]


@pytest.mark.parametrize("assignment,iess_qid,comm_qid", SOURCE_PAIRS)
def test_question_about_one_article_takes_that_articles_reading(assignment, iess_qid, comm_qid):
    q = question(assignment, comm_qid)
    iess_accepts, comm_accepts = keys(assignment)[iess_qid].value, keys(assignment)[comm_qid].value
    iess_reading = {i: first_label(v) for i, v in iess_accepts.items()}
    comm_reading = {i: first_label(v) for i, v in comm_accepts.items()}
    # Items where no reading that one article allows is allowed for the other.
    differ = [i for i in q.items if not set(accepted(iess_accepts[i])) & set(accepted(comm_accepts[i]))]
    assert differ, "the test needs items where the articles' readings differ"
    # The commentary's reading gets full marks on the commentary question ...
    assert _score(assignment, comm_qid, comm_reading).status == "right"
    # ... the IESS reading does not, item by item where they differ ...
    result = _score(assignment, comm_qid, dict(iess_reading))
    assert result.score == pytest.approx(q.points * (len(q.items) - len(differ)) / len(q.items), abs=1e-4)
    # ... and the other way round on the IESS question.
    assert _score(assignment, iess_qid, dict(iess_reading)).status == "right"
    assert _score(assignment, iess_qid, comm_reading).status != "right"


def test_commentary_economy_differs_from_iess():
    # The clearest case: the economy pushes toward recognition in the IESS analysis, against in the commentary.
    dc = keys("domestic_considerations")
    assert dc["q1_iess_domestic"].value["economy"] == "toward"
    assert dc["q2_commentary_domestic"].value["economy"] == "against"
    answer = {i: first_label(v) for i, v in dc["q2_commentary_domestic"].value.items()}
    assert _score("domestic_considerations", "q2_commentary_domestic", answer).status == "right"
    answer["economy"] = "toward"
    assert _score("domestic_considerations", "q2_commentary_domestic", answer).status == "partial"


def test_expected_outcome_per_article():
    key = keys("weighing_the_factors")["q7_expected_outcomes"]
    assert first_label(key.value[IESS]) != first_label(key.value[COMMENTARY])
    swapped = {IESS: first_label(key.value[COMMENTARY]), COMMENTARY: first_label(key.value[IESS])}
    assert _score("weighing_the_factors", "q7_expected_outcomes", swapped).status != "right"


# --- the key cache (autograder/keys.py) -----------------------------------------------------------

def _cache_course(tmp_path):
    import shutil

    from helpers import ROOT

    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises" / "keys", course / "keys")
    if (ROOT / "exercises" / "outlines").is_dir():
        shutil.copytree(ROOT / "exercises" / "outlines", course / "outlines")
    return course


@pytest.mark.parametrize("assignment", NAMES)
def test_cached_keys_read_back_exactly_as_computed(tmp_path, assignment, monkeypatch):
    from autograder import keys as keys_module

    course = _cache_course(tmp_path)
    computed = keys_module.load_keys_cached(assignment, course, "fp-1")
    assert computed == keys_module.load_keys(assignment, course)
    assert keys_module._key_cache_path(course, assignment).is_file()

    def not_again(*args):
        raise AssertionError("the keys were computed again although nothing changed")

    monkeypatch.setattr(keys_module, "load_keys", not_again)
    cached = keys_module.load_keys_cached(assignment, course, "fp-1")
    assert cached == computed  # tuples stay tuples, dicts stay dicts: the same Key objects
    assert {qid: type(k.value) for qid, k in cached.items()} == {qid: type(k.value) for qid, k in computed.items()}


def test_a_changed_fingerprint_or_a_damaged_cache_computes_the_keys_again(tmp_path, monkeypatch):
    import json

    from autograder import keys as keys_module

    assignment = NAMES[0]
    course = _cache_course(tmp_path)
    good = keys_module.load_keys_cached(assignment, course, "fp-1")
    path = keys_module._key_cache_path(course, assignment)
    calls = []
    real = keys_module.load_keys

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(keys_module, "load_keys", counting)
    assert keys_module.load_keys_cached(assignment, course, "fp-2") == good  # data or code changed
    assert len(calls) == 1
    data = json.loads(path.read_text())
    qid = next(iter(data["keys"]))
    for damage in ("not json", json.dumps({**data, "keys": {**data["keys"], qid: {"value": {"bogus": 1}}}}),
                   json.dumps({**data, "keys": {qid: data["keys"][qid]}}),  # keys missing
                   json.dumps({**data, "keys": {**data["keys"], "no_such_question": data["keys"][qid]}})):
        path.write_text(damage)
        assert keys_module.load_keys_cached(assignment, course, "fp-2") == good
    assert len(calls) == 5  # each damaged file was refused and the keys computed again


def test_the_grader_scores_from_cached_keys_without_pandas(tmp_path):
    """The table loaders (pandas, ~0.5 s to import) are not needed to grade once the keys are cached:
    not for the keys, nor for checking evidence, nor for the passages feedback cites."""
    import subprocess
    import sys

    from helpers import ROOT

    course = _cache_course(tmp_path)
    code = (
        "import sys\nfrom pathlib import Path\nfrom autograder.keys import load_keys_cached\n"
        f"for a in {NAMES!r}:\n    load_keys_cached(a, Path({str(course)!r}), 'fp')\n"
        # what scoring an evidence answer and writing its feedback ask of the library
        "from considerations import check_evidence\nfrom considerations.questions import sentences_of_claims\n"
        "from considerations.sources import load_sources\nbody = next(iter(load_sources().values())).body\n"
        "check_evidence(' '.join(body.split()[:8]), consideration='economy')\nsentences_of_claims(['iess-04'])\n"
        "print('pandas' in sys.modules)"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert first.stdout.strip() == "True", first.stderr  # computing them reads the tables
    assert again.stdout.strip() == "False", again.stderr
