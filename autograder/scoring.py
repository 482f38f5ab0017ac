"""Score one answer against its key, in the grader's own process.

The answer arrives as plain JSON data exported from the sandbox; nothing the
student's code did can change how these functions run. Each result says what was
wrong and gives a hint, and for evidence and source-reading questions cites the
article passage that supports the right reading.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from considerations import load_claims, load_sources, verify_quote
from considerations.evidence import UnusableQuote
from considerations.paths import data_dir
from considerations.questions import Question

MISSING = object()  # the answer variable was not defined, or could not be exported


@dataclass
class Citation:
    claim_id: str
    source: str  # the article's short name
    quote: str
    passage: str


@dataclass
class QuestionResult:
    qid: str
    kind: str
    points: float
    score: float
    status: str  # correct | partial | incorrect | missing | pending_manual
    message: str
    hint: str = ""
    citations: list[Citation] = field(default_factory=list)
    answer_shown: str = ""  # the right answer, filled only when the instructor asks (--reveal)

    def to_dict(self) -> dict:
        return asdict(self)


def _status(score: float, points: float) -> str:
    if points and abs(score - points) < 1e-9:
        return "correct"
    return "partial" if score > 0 else "incorrect"


@dataclass(frozen=True)
class _ClaimPlace:
    source_id: str
    consideration_id: str
    quote: str
    passage: str  # the paragraph of the article holding the quote
    start: int  # the paragraph's offsets in the article's body
    end: int


@lru_cache(maxsize=4)
def _claim_places(data_folder: str) -> dict[str, _ClaimPlace]:
    """Where every claim's quote sits in its article. Computed once per data folder: every
    submission's citations and evidence checks need the same answer."""
    sources = load_sources()
    places = {}
    for row in load_claims().itertuples():
        sid = str(row.source_id)
        match = verify_quote(row.quote, source=sid)
        body = sources[sid].body
        start = body.rfind("\n", 0, match.start) + 1
        end = body.find("\n", match.end)
        places[row.claim_id] = _ClaimPlace(sid, str(row.consideration_id), row.quote, match.passage or "",
                                           start, end if end != -1 else len(body))
    return places


def claim_places() -> dict[str, _ClaimPlace]:
    return _claim_places(str(data_dir()))


def _citations(claim_ids) -> list[Citation]:
    places = claim_places()
    sources = load_sources()
    return [Citation(cid, sources[places[cid].source_id].short_name, places[cid].quote, places[cid].passage)
            for cid in claim_ids if cid in places]


def _hint(question: Question) -> str:
    return f"Revisit the chapter '{question.chapter}'."


def score_answer(question: Question, answer: Any, key, *, reveal: bool = False, missing_reason: str = "") -> QuestionResult:
    """Score one answer. `key` is an autograder.keys.Key (None for evidence, weights, free text)."""
    points = float(question.points)
    base = dict(qid=question.qid, kind=question.kind, points=points, hint=_hint(question))
    if question.kind == "free_text":
        return QuestionResult(score=0.0, status="pending_manual", message="graded by hand against the rubric", **base)
    if answer is MISSING:
        return QuestionResult(score=0.0, status="missing", message=missing_reason or "no answer was given", **base)
    problems = question.form_problems(answer) if question.kind != "evidence" else _evidence_form(question, answer)
    if problems:
        return QuestionResult(score=0.0, status="incorrect", message="the answer's form is wrong: " + "; ".join(problems), **base)
    scorer = _SCORERS[question.kind]
    score, message, cites = scorer(question, answer, key)
    result = QuestionResult(score=round(float(score), 4), status=_status(score, points), message=message, citations=_citations(cites), **base)
    if result.status == "correct":
        result.hint = ""
    if reveal and key is not None and question.kind not in ("evidence", "weights"):
        result.answer_shown = repr(key.value)
    return result


def _evidence_form(question, answer) -> list[str]:
    if type(answer) not in (list, tuple) or not all(type(q) is str for q in answer):
        return ["give a list of quotes (strings)"]
    return []


def _score_choice(question, answer, key):
    feedback = key.option_feedback.get(answer, "")
    if answer == key.value:
        return question.points, feedback or "right", key.cite
    return 0.0, feedback or "not the best answer", key.cite


def _acceptable(value) -> tuple:
    return value if isinstance(value, (tuple, list)) else (value,)


def _score_classification(question, answer, key):
    wrong = [item for item in question.items if answer[item] not in _acceptable(key.value[item])]
    right = len(question.items) - len(wrong)
    score = question.points * right / len(question.items)
    message = f"{right} of {len(question.items)} right"
    if wrong:
        message += "; look again at: " + ", ".join(wrong)
    return score, message, key.cite


def _score_ordering(question, answer, key):
    # Partial credit by how far off: Spearman's footrule against the key, scaled to [0, 1].
    position = {item: i for i, item in enumerate(key.value)}
    distance = sum(abs(i - position[item]) for i, item in enumerate(answer))
    n = len(key.value)
    worst = (n * n) // 2 or 1
    score = question.points * max(0.0, 1 - distance / worst)
    misplaced = [item for i, item in enumerate(answer) if position[item] != i]
    message = "in the right order" if not misplaced else f"{len(misplaced)} of {n} items out of place"
    return score, message, key.cite


def _score_number(question, answer, key):
    if abs(float(answer) - float(key.value)) <= key.tolerance:
        return question.points, "right", key.cite
    return 0.0, "not the value the data give; check your filter and your weights", key.cite


def _score_weights(question, answer, key):
    return question.points, "your weights are your judgement; they are used in the next questions", ()


def _claim_spans(consideration_id: str) -> dict[str, list[tuple[int, int, str]]]:
    """For each source, the paragraphs (start, end, claim id) that carry a claim on the consideration."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for cid, place in claim_places().items():
        if place.consideration_id == consideration_id:
            spans.setdefault(place.source_id, []).append((place.start, place.end, cid))
    return spans


def _score_evidence(question, answer, key):
    spans = _claim_spans(question.consideration_id)
    good: list[tuple[str, int, int]] = []
    notes = []
    for i, quote in enumerate(answer, start=1):
        try:
            match = verify_quote(quote, source=question.source_id)
        except UnusableQuote as error:
            notes.append(f"quote {i}: {error}")
            continue
        if not match.found:
            notes.append(f"quote {i} is not in {'that article' if question.source_id else 'the articles'} word for word")
            continue
        about = any(s <= match.start and match.end <= e for s, e, _ in spans.get(match.source, []))
        if not about:
            notes.append(f"quote {i} is real but comes from a passage that is not about {question.consideration_id.replace('_', ' ')}")
            continue
        if any(match.source == src and not (match.end <= s or e <= match.start) for src, s, e in good):
            notes.append(f"quote {i} repeats a passage you already quoted")
            continue
        good.append((match.source, match.start, match.end))
    counted = min(len(good), question.min_quotes)
    score = question.points * counted / question.min_quotes
    message = f"{len(good)} usable quote(s) of the {question.min_quotes} asked for"
    if notes:
        message += "; " + "; ".join(notes)
    cite_from = [c for sid, items in spans.items() if question.source_id in (None, sid) for *_, c in items]
    return score, message, tuple(cite_from[:2])


_SCORERS = {
    "multiple_choice": _score_choice,
    "classification": _score_classification,
    "ordering": _score_ordering,
    "number": _score_number,
    "weights": _score_weights,
    "evidence": _score_evidence,
}


def score_assignment(assignment: str, answers: dict[str, Any], keys: dict, *, reveal: bool = False,
                     missing_reasons: dict[str, str] | None = None) -> list[QuestionResult]:
    """Score every question of an assignment. Absent answers score 0 with the reason."""
    from considerations.assignments import ASSIGNMENTS

    missing_reasons = missing_reasons or {}
    results = []
    for question in ASSIGNMENTS[assignment]:
        answer = answers.get(question.qid, MISSING)
        results.append(score_answer(question, answer, keys.get(question.qid), reveal=reveal,
                                    missing_reason=missing_reasons.get(question.qid, "")))
    return results
