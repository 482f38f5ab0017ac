"""The exercises' question types: one class per type, and everything about that type in it.

Each type says what form an answer takes (`form_problems`, `describe_form`), how a
well-formed answer is scored against a key with feedback per item (`score`), and
which answers a test can use (`examples`). Its traits (`auto_graded`, `needs_key`,
`revealable`) replace any dispatch on the type's name: grading, keys and feedback ask
the traits. `QUESTION_TYPES` registers every type; adding one touches this module and
its tests only.

This module is public: students have it. It holds forms and scoring rules, never an
answer; the keys live with the instructor (`exercises/keys/`), derived from `data/`.
A key is any object with `value`, `cite` (claim ids), `option_feedback` and `tolerance`
(`autograder.keys.Key`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, ClassVar

MISSING = object()  # the answer variable was not defined, or could not be exported
STATUSES = ("right", "partial", "wrong", "missing", "pending_manual", "failed")
ANSWER_SHOWN_CHARS = 2000  # longer answers are cut in stored results


class AnswerFormError(AssertionError):
    """The answer does not have the form the question asks for (nothing is said about correctness)."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback: a student sees the message, not library code.
        first, *rest = str(self).splitlines() or [""]
        return [f"AnswerFormError: {first}", *rest]


@dataclass
class FeedbackItem:
    """What one part of an answer earned, and why. `item` is None for the answer as a whole."""

    item: str | None
    ok: bool
    message: str
    sentence_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"item": self.item, "ok": self.ok, "message": self.message, "sentence_ids": list(self.sentence_ids)}


@dataclass
class QuestionResult:
    qid: str
    kind: str
    points: float
    score: float
    status: str
    answer: Any = None  # the student's answer as plain JSON (cut when large)
    feedback: list[FeedbackItem] = field(default_factory=list)
    chapter: str = ""
    section: str | None = None
    key: Any = None  # the right answer, only when the instructor asks for it (--reveal)
    revealed: bool = False

    def to_dict(self) -> dict:
        out = {
            "qid": self.qid, "kind": self.kind, "points": self.points, "score": self.score,
            "status": self.status, "answer": self.answer, "feedback": [f.to_dict() for f in self.feedback],
            "chapter": self.chapter, "section": self.section,
        }
        if self.revealed:
            out["key"] = self.key
        return out


@dataclass(frozen=True)
class Examples:
    """Answers a test can hand to a question: `right` earn full marks, `wrong` earn nothing and
    `malformed` fail the form check."""

    right: list
    wrong: list
    malformed: list


QUESTION_TYPES: dict[str, type[Question]] = {}


def _type_name(value: Any) -> str:
    name = type(value).__name__
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _is_plain_str(value: Any) -> bool:
    # Subclasses are refused on purpose: an object can pretend to be a string.
    return type(value) is str


def _is_number(value: Any) -> bool:
    # numpy's integers and floats count (they register as numbers.Real); True and False do not.
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not _is_plain_str(value)


def _plain_json(value: Any) -> Any:
    """The answer as stored: plain JSON, cut when large (the sandbox already exported plain data)."""
    if value is MISSING:
        return None
    if isinstance(value, str):
        return value if len(value) <= ANSWER_SHOWN_CHARS else value[:ANSWER_SHOWN_CHARS] + "…"
    if isinstance(value, dict):
        return {str(k): _plain_json(v) for k, v in list(value.items())[:50]}
    if isinstance(value, (list, tuple)):
        return [_plain_json(v) for v in list(value)[:50]]
    if isinstance(value, bool) or value is None:
        return value
    if _is_number(value):
        number = float(value)
        return int(number) if number.is_integer() and isinstance(value, numbers.Integral) else number
    return repr(value)[:200]


def _casefold_match(value: Any, choices: tuple[str, ...]) -> Any:
    """`value` spelled as one of `choices`, ignoring case and surrounding spaces; else unchanged."""
    if not _is_plain_str(value):
        return value
    folded = value.strip().casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return choice
    return value


def _check_evidence(quote: str, consideration: str | None, source: str | None):
    from considerations.evidence import check_evidence

    return check_evidence(quote, consideration=consideration, source=source)


def sentences_of_claims(claim_ids) -> list[str]:
    """The sentence ids behind some claims or sentences (what feedback points a student to)."""
    from considerations.sentences import claim_sentences

    places = claim_sentences()
    out: list[str] = []
    for cid in claim_ids:
        # An id that is no claim's is taken as a sentence id (bases may name sentences directly).
        out += [s for s in places.get(cid, (cid,)) if s not in out]
    return out


def _quoted(values) -> str:
    return ", ".join(f'`"{v}"`' for v in values)


@dataclass(frozen=True)
class Question:
    qid: str
    points: float
    chapter: str  # file stem of the book chapter that teaches it
    prompt: str  # one line, for feedback and the instructors' overview
    section: str | None = None  # anchor of the chapter's section, when one section teaches it
    kind: ClassVar[str] = ""
    auto_graded: ClassVar[bool] = True  # scored by the autograder (else by hand in formgrader)
    needs_key: ClassVar[bool] = True  # the instructor's keys must give its answer
    revealable: ClassVar[bool] = True  # `--reveal` can show a key (evidence and weights have none)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.kind:
            QUESTION_TYPES[cls.kind] = cls

    # ---- form: what the public check and the grader accept
    def describe_form(self) -> str:
        raise NotImplementedError

    def notebook_form(self) -> str:
        """The form as the notebook's "Your answer" paragraph states it (a sentence for a reader; the
        check's one-line `describe_form` otherwise)."""
        return self.describe_form()

    def answer_instructions(self) -> str:
        """The notebook's "Your answer" paragraph (`autograder assign` writes it under the prompt)."""
        return (f"**Your answer:** {self.notebook_form()}. Assign it to `{self.qid}` in the cell below, "
                "then run the check under it.")

    def form_problems(self, answer: Any) -> list[str]:
        """What is wrong with the answer's form; empty when the form is right (the public check)."""
        raise NotImplementedError

    def normalise(self, answer: Any) -> Any:
        """The answer with slips of form that a fair marker overlooks put right (letter case, number types)."""
        return answer

    def unscorable(self, answer: Any) -> list[str]:
        """Problems that leave nothing to score (wrong container); other form slips cost only their items."""
        return self.form_problems(answer)

    # ---- scoring: in the grader's process, on plain JSON
    def score(self, answer: Any, key) -> tuple[float, list[FeedbackItem]]:
        raise NotImplementedError

    def key_problems(self, key) -> list[str]:
        """A key must itself be a well-formed answer."""
        return self.form_problems(key.value)

    def revealed_key(self, key) -> Any:
        return key.value

    # ---- answers for tests
    def examples(self, key) -> Examples:
        raise NotImplementedError

    def grade(self, answer: Any, key, *, reveal: bool = False, missing_reason: str = "",
              failure: str = "") -> QuestionResult:
        """Score one answer (`MISSING` when the variable was not exported) into a stored result."""
        points = float(self.points)
        result = QuestionResult(self.qid, self.kind, points, 0.0, "wrong", _plain_json(answer),
                                chapter=self.chapter, section=self.section)
        if reveal and key is not None and self.revealable:
            result.key, result.revealed = _plain_json(self.revealed_key(key)), True
        if failure:
            result.status = "failed"
            result.feedback = [FeedbackItem(None, False, f"not graded: {failure}")]
            return result
        if not self.auto_graded:
            result.status = "pending_manual"
            result.feedback = [FeedbackItem(None, False, "graded by hand against the rubric")]
            return result
        if answer is MISSING:
            result.status = "missing"
            result.feedback = [FeedbackItem(None, False, missing_reason or "no answer was given")]
            return result
        answer = self.normalise(answer)
        problems = self.unscorable(answer)
        if problems:
            result.feedback = [FeedbackItem(None, False, "the answer's form is wrong: " + "; ".join(problems))]
            return result
        score, feedback = self.score(answer, key)
        score = round(min(max(float(score), 0.0), points), 4)
        result.score, result.feedback = score, feedback
        result.status = "right" if abs(score - points) < 1e-9 else "partial" if score > 0 else "wrong"
        return result


@dataclass(frozen=True)
class MultipleChoice(Question):
    options: tuple[str, ...] = ()
    kind: ClassVar[str] = "multiple_choice"

    def describe_form(self) -> str:
        return "one of: " + ", ".join(repr(o) for o in self.options)


    def notebook_form(self) -> str:
        return f"one of {_quoted(self.options)} (a string)"

    def normalise(self, answer):
        return _casefold_match(answer, self.options)

    def form_problems(self, answer):
        answer = self.normalise(answer)
        if not _is_plain_str(answer):
            return [f"the answer should be a string, one of the options; got {_type_name(answer)}"]
        if answer not in self.options:
            return [f"{answer!r} is not one of the options: {', '.join(repr(o) for o in self.options)}"]
        return []

    def score(self, answer, key):
        # The option's feedback says why the chosen option is strong or weak, never which one is right.
        right = answer == key.value
        message = key.option_feedback.get(answer) or ("right" if right else "not the best answer")
        sentences = sentences_of_claims(key.cite) if right else []
        return (self.points if right else 0.0), [FeedbackItem(answer, right, message, sentences)]

    def examples(self, key):
        return Examples(right=[key.value, key.value.upper()],
                        wrong=[o for o in self.options if o != key.value],
                        malformed=[None, 3, "zz", ["a"]])


def _acceptable(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


@dataclass(frozen=True)
class Classification(Question):
    """A dict mapping each item to one label; each item scores on its own."""

    items: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    kind: ClassVar[str] = "classification"

    def describe_form(self) -> str:
        return f"a dict mapping each of {list(self.items)} to one of {list(self.labels)}"


    def notebook_form(self) -> str:
        return (f"a dict with one entry for each of {_quoted(self.items)}; each value is one of {_quoted(self.labels)} "
                "(letter case does not matter)")

    def normalise(self, answer):
        if type(answer) is not dict:
            return answer
        return {_casefold_match(k, self.items): _casefold_match(v, self.labels) for k, v in answer.items()}

    def unscorable(self, answer):
        return [] if type(answer) is dict else [f"the answer should be a dict; got {_type_name(answer)}"]

    def form_problems(self, answer):
        answer = self.normalise(answer)
        if type(answer) is not dict:
            return [f"the answer should be a dict; got {_type_name(answer)}"]
        problems = []
        missing = [i for i in self.items if i not in answer]
        extra = [k for k in answer if k not in self.items]
        if missing:
            problems.append(f"missing key(s): {', '.join(map(repr, missing))}")
        if extra:
            problems.append(f"unexpected key(s): {', '.join(map(repr, extra))}; the keys are {list(self.items)}")
        for k, value in answer.items():
            if k in self.items and not (_is_plain_str(value) and value in self.labels):
                problems.append(f"{k!r}: {value!r} is not one of {list(self.labels)}")
        return problems

    def key_problems(self, key):
        value = key.value
        if not isinstance(value, dict):
            return ["the key should be a dict"]
        problems = [f"no key for {i!r}" for i in self.items if i not in value]
        problems += [f"{i!r}: {label!r} is not a label" for i, v in value.items() for label in _acceptable(v)
                     if label not in self.labels]
        return problems

    def score(self, answer, key):
        feedback, right = [], 0
        basis = getattr(key, "basis", {}) or {}
        for item in self.items:
            if item not in answer:
                feedback.append(FeedbackItem(item, False, f"{item}: no label given"))
                continue
            given = answer[item]
            if given not in self.labels:
                feedback.append(FeedbackItem(item, False, f"{item}: {given!r} is not one of the labels {list(self.labels)}"))
            elif given in _acceptable(key.value[item]):
                right += 1
                feedback.append(FeedbackItem(item, True, f"{item}: {given} is a reading the text supports"))
            else:
                sentences = list(basis.get(item, ()))  # the passages behind this item's reading, if the key names them
                feedback.append(FeedbackItem(
                    item, False, f"{item}: {given!r} is not a reading the text supports; reread the passages on it",
                    sentences))
        for bad in [k for k in answer if k not in self.items]:
            near = [i for i in self.items if i not in answer]
            hint = f" (did you mean {near[0]!r}?)" if len(near) == 1 else ""
            feedback.append(FeedbackItem(str(bad), False, f"{bad!r} is not one of the items{hint}; it scores nothing"))
        return self.points * right / len(self.items), feedback

    def examples(self, key):
        first = {i: _acceptable(key.value[i])[0] for i in self.items}
        right = [first, {i.upper(): v.upper() for i, v in first.items()}]
        wrong_labels = {i: next(lab for lab in self.labels if lab not in _acceptable(key.value[i])) for i in self.items}
        return Examples(right=right, wrong=[wrong_labels], malformed=[None, [1], "x", {"not an item": "x"}])


@dataclass(frozen=True)
class Ordering(Question):
    """A list holding every item exactly once, in the order asked for."""

    items: tuple[str, ...] = ()
    kind: ClassVar[str] = "ordering"

    def describe_form(self) -> str:
        return f"a list containing each of {sorted(self.items)} exactly once"


    def notebook_form(self) -> str:
        return f"a list of the {len(self.items)} ids, each once, earliest first"

    def normalise(self, answer):
        if type(answer) not in (list, tuple):
            return answer
        return [_casefold_match(a, self.items) for a in answer]

    def form_problems(self, answer):
        answer = self.normalise(answer)
        if type(answer) not in (list, tuple):
            return [f"the answer should be a list; got {_type_name(answer)}"]
        if not all(_is_plain_str(a) for a in answer):
            return ["every item should be a string"]
        problems = []
        missing = [i for i in self.items if i not in answer]
        extra = [a for a in answer if a not in self.items]
        repeated = sorted({a for a in answer if answer.count(a) > 1})
        if missing:
            problems.append(f"missing item(s): {', '.join(map(repr, missing))}")
        if extra:
            problems.append(f"unknown item(s): {', '.join(map(repr, extra))}")
        if repeated:
            problems.append(f"repeated item(s): {', '.join(map(repr, repeated))}")
        return problems

    def score(self, answer, key):
        # Partial credit for near misses: Spearman's footrule against the key, counted twice against the worst
        # case, so that one swap of neighbours still earns most of the points while an order that is no better
        # than a guess (a random one is on average two thirds of the worst case away) earns none.
        position = {item: i for i, item in enumerate(key.value)}
        distance = sum(abs(i - position[item]) for i, item in enumerate(answer))
        n = len(key.value)
        worst = (n * n) // 2 or 1
        misplaced = [item for i, item in enumerate(answer) if position[item] != i]
        if not misplaced:
            feedback = [FeedbackItem(None, True, "in the right order")]
        else:
            feedback = [FeedbackItem(item, False, f"{item} is out of place") for item in misplaced]
        return self.points * max(0.0, 1 - 2 * distance / worst), feedback

    def examples(self, key):
        return Examples(right=[list(key.value)], wrong=[list(reversed(key.value))],
                        malformed=[None, "x", list(key.value)[:-1], list(key.value) + [key.value[0]]])


@dataclass(frozen=True)
class Number(Question):
    """A number computed from the data (compared with a tolerance at grading time)."""

    kind: ClassVar[str] = "number"

    def describe_form(self) -> str:
        return "a number (int or float)"


    def notebook_form(self) -> str:
        return "a number (an `int` or a `float`; a pandas or numpy number is fine too)"

    def normalise(self, answer):
        return float(answer) if _is_number(answer) else answer

    def form_problems(self, answer):
        if not _is_number(answer):
            return [f"the answer should be a number (int or float); got {_type_name(answer)}"]
        if not math.isfinite(float(answer)):
            return ["the answer should be a finite number"]
        return []

    def score(self, answer, key):
        if abs(float(answer) - float(key.value)) <= key.tolerance:
            return self.points, [FeedbackItem(None, True, "right")]
        return 0.0, [FeedbackItem(None, False, "not the value the data give; check your filter and your arithmetic")]

    def examples(self, key):
        return Examples(right=[key.value, float(key.value)], wrong=[key.value + 1000],
                        malformed=[None, "3.5", True, float("nan"), [1]])


@dataclass(frozen=True)
class Weights(Question):
    """A dict of numbers from 0 to 10, one per item: the student's own judgement, so any is right."""

    items: tuple[str, ...] = ()
    kind: ClassVar[str] = "weights"
    needs_key: ClassVar[bool] = False
    revealable: ClassVar[bool] = False

    def describe_form(self) -> str:
        return f"a dict mapping each of {list(self.items)} to a number from 0 to 10"


    def notebook_form(self) -> str:
        return f"a dict with one entry for each of the {len(self.items)} consideration ids; each value a number from 0 to 10"

    def normalise(self, answer):
        if type(answer) is not dict:
            return answer
        return {_casefold_match(k, self.items): v for k, v in answer.items()}

    def form_problems(self, answer):
        answer = self.normalise(answer)
        if type(answer) is not dict:
            return [f"the answer should be a dict; got {_type_name(answer)}"]
        problems = [f"missing key {i!r}" for i in self.items if i not in answer]
        problems += [f"unexpected key {k!r}" for k in answer if k not in self.items]
        for k, value in answer.items():
            if not _is_number(value) or not (0 <= value <= 10):
                problems.append(f"{k!r}: {value!r} should be a number from 0 to 10")
        return problems

    def key_problems(self, key):
        return []

    def score(self, answer, key):
        return self.points, [FeedbackItem(None, True, "your weights are your judgement; the next questions use them")]

    def examples(self, key):
        return Examples(right=[{i: 5 for i in self.items}], wrong=[],
                        malformed=[None, {i: 11 for i in self.items}, {"x": 1}])


@dataclass(frozen=True)
class Evidence(Question):
    """Verbatim quotes of the passages that do what the prompt asks: each part of the question (a stance,
    a voice, a contrast) is one quote. The key lists, per part, the sentences that answer it; a quote
    fills a part when it lies in one of them, so "a sentence about X" is not enough. Only as many quotes
    as there are parts are marked (the first ones), so listing every sentence about X earns nothing more."""

    consideration_id: str = ""  # what the passages are about (for feedback)
    source_id: str | None = None  # None: either article
    min_quotes: int = 1  # one quote per part
    kind: ClassVar[str] = "evidence"

    def describe_form(self) -> str:
        where = "the article" if self.source_id else "either article"
        return f"a list of {self.min_quotes} quote(s), one per part (strings of 4+ words, verbatim from {where})"


    def notebook_form(self) -> str:
        from considerations.sources import load_sources

        where = load_sources()[self.source_id].short_name if self.source_id else "either article"
        return (f"a list of {self.min_quotes} quotes, one for each part of the question (strings of four words or more), "
                f"copied word for word from {where}. A quote fills a part when the sentence it comes from does what that "
                "part asks (a sentence that is merely about the topic does not); quotes that overlap count once. Mark "
                "words you leave out with `...` (the parts in order, from one paragraph)")

    def unscorable(self, answer):
        if type(answer) not in (list, tuple) or not all(_is_plain_str(q) for q in answer):
            return ["give a list of quotes (strings)"]
        return []

    def form_problems(self, answer):
        from considerations.checks import quote_problems

        if type(answer) not in (list, tuple):
            return [f"the answer should be a list of strings; got {_type_name(answer)}"]
        problems = []
        if len(answer) != self.min_quotes:
            problems.append(f"give {self.min_quotes} quote(s), one per part; you gave {len(answer)}")
        return problems + quote_problems(answer, self.source_id)

    def key_problems(self, key):
        from considerations.sentences import sentence_records

        parts = key.value
        if not isinstance(parts, (tuple, list)) or len(parts) != self.min_quotes or not all(parts):
            return [f"the key should list, for each of the {self.min_quotes} parts, the sentence ids that answer it"]
        sentences = {r.sentence_id: r.source_id for r in sentence_records()}
        problems = [f"{sid!r} is not a sentence id" for part in parts for sid in part if sid not in sentences]
        if self.source_id:
            problems += [f"{sid!r} is not in {self.source_id}" for part in parts for sid in part
                         if sid in sentences and sentences[sid] != self.source_id]
        return problems

    def revealed_key(self, key):
        return [list(part) for part in key.value]

    def score(self, answer, key):
        from considerations.evidence import UnusableQuote

        parts = [set(part) for part in key.value]
        where = "that article" if self.source_id else "the articles"
        feedback, candidates, taken = [], [], []
        if len(answer) > len(parts):
            feedback.append(FeedbackItem(None, False, f"only the first {len(parts)} quotes are marked, one per part; "
                                         f"the other {len(answer) - len(parts)} earn nothing"))
        for i, quote in enumerate(answer[: len(parts)], start=1):
            label = f"quote {i}"
            try:
                found = _check_evidence(quote, self.consideration_id, self.source_id)
            except UnusableQuote as error:
                feedback.append(FeedbackItem(label, False, f"{label}: {error}"))
                continue
            if not found.found:
                feedback.append(FeedbackItem(label, False, f"{label} is not in {where} word for word"))
                continue
            sentences = list(found.sentence_ids)
            if any(src == found.source and not (found.end <= s or e <= found.start) for src, s, e in taken):
                feedback.append(FeedbackItem(label, False, f"{label} overlaps a passage you already quoted; it counts once",
                                             sentences))
                continue
            taken.append((found.source, found.start, found.end))
            fits = [n for n, part in enumerate(parts) if part & set(sentences)]
            candidates.append((label, fits, sentences, found))
        filled = _assign_parts([fits for _, fits, _, _ in candidates])
        for (label, fits, sentences, found), part in zip(candidates, filled):
            if part is not None:
                feedback.append(FeedbackItem(label, True, f"{label} answers part {part + 1} of the question", sentences))
            elif fits:
                feedback.append(FeedbackItem(label, False, f"{label} answers a part that another quote already answers",
                                             sentences))
            else:
                said = ", ".join(c.replace("_", " ") for c in found.considerations) or "no consideration in particular"
                feedback.append(FeedbackItem(
                    label, False, f"{label} is verbatim, but its sentence (about {said}) does not do what any part of "
                    "the question asks; reread the question's parts", sentences))
        unanswered = len(parts) - sum(p is not None for p in filled)
        if unanswered:
            feedback.append(FeedbackItem(None, False, (f"{unanswered} of the {len(parts)} parts " + ("has no quote that answers it" if unanswered == 1 else "have no quote that answers them"))))
        return self.points * (len(parts) - unanswered) / len(parts), feedback

    def examples(self, key):
        """Right: one sentence of each part; wrong: real sentences of the article(s) that answer no part."""
        from considerations.sentences import load_sentences

        table = load_sentences()
        table = table[table["text"].str.split().str.len() >= 4]
        if self.source_id:
            table = table[table["source_id"] == self.source_id]
        text = dict(zip(table["sentence_id"], table["text"]))
        right, used = [], set()
        for part in key.value:
            choice = next(sid for sid in part if sid not in used)
            used.add(choice)
            right.append(text[choice])
        keyed = {sid for part in key.value for sid in part}
        plain = set(table[table["kind"] == "sentence"]["sentence_id"])
        unrelated = [t for sid, t in text.items() if sid not in keyed and sid in plain][: self.min_quotes]
        return Examples(right=[right], wrong=[unrelated],
                        malformed=[None, "one string", [1, 2], ["these words are not in any article at all"] * self.min_quotes])


def _assign_parts(fits: list[list[int]]) -> list[int | None]:
    """Give each quote at most one part it fits and each part at most one quote, filling as many
    parts as possible (a small bipartite matching)."""
    owner: dict[int, int] = {}

    def place(quote: int, seen: set) -> bool:
        for part in fits[quote]:
            if part not in seen:
                seen.add(part)
                if part not in owner or place(owner[part], seen):
                    owner[part] = quote
                    return True
        return False

    for quote in range(len(fits)):
        place(quote, set())
    by_quote = {q: p for p, q in owner.items()}
    return [by_quote.get(q) for q in range(len(fits))]


@dataclass(frozen=True)
class FreeText(Question):
    """Written answer, graded by hand in formgrader against the rubric shown in the notebook."""

    min_words: int = 50
    rubric: tuple[str, ...] = field(default=())
    kind: ClassVar[str] = "free_text"
    auto_graded: ClassVar[bool] = False
    needs_key: ClassVar[bool] = False
    revealable: ClassVar[bool] = False

    def describe_form(self) -> str:
        return f"at least {self.min_words} words in the answer cell"


    def answer_instructions(self) -> str:
        return (f"**Your answer:** replace the text of the cell below with at least {self.min_words} words of your own. "
                "Refer to the articles by claim id (e.g. `iess-04`) or by short quotes.")

    def form_problems(self, answer):
        if not _is_plain_str(answer):
            return ["write your answer as text"]
        words = len(answer.split())
        if words < self.min_words:
            return [f"{words} words so far; write at least {self.min_words}"]
        return []

    def key_problems(self, key):
        return []

    def score(self, answer, key):
        return 0.0, [FeedbackItem(None, False, "graded by hand against the rubric")]

    def examples(self, key):
        return Examples(right=[], wrong=[], malformed=[None, "too short"])
