"""What `feedback` and `export` show, built from stored results without trusting them.

A stored result (`autograded/<student>/<assignment>/autograder.json`) is read as plain
JSON and every value is checked for its type before use: a forged, old, truncated or
huge result never crashes a batch. A question whose result cannot be read becomes
"could not be shown" and the next question (and student) goes on.

Hand grades and the grader's comments come from nbgrader's gradebook (formgrader).
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from autograder.results import manual_state

MAX_TEXT = 1_500  # characters of one answer string shown
MAX_ITEMS = 30  # entries of one list or dict answer shown
MAX_MESSAGES = 20
MAX_PRINTED = 2_000  # characters of the student's printed output shown
_CHAPTER = re.compile(r"^[a-z0-9_][a-z0-9_/-]{0,80}$")
_ANCHOR = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_QID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")

STATUS_LABELS = {
    "right": "Right", "partial": "Partly right", "wrong": "Not right", "missing": "No answer",
    "failed": "Could not be graded", "pending_manual": "Graded by hand",
}
# The results' older spelling (before the stored-results contract).
_OLD_STATUS = {"correct": "right", "incorrect": "wrong"}


# --- reading untrusted values ------------------------------------------------------------

def text(value, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        return ""
    return value if len(value) <= limit else value[:limit] + f" … [{len(value) - limit} more characters]"


def number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return value if math.isfinite(value) else None


def fmt(value: float | None) -> str:
    """A score as a person writes it: 3, 2.5, 2.33 (never 14.8333 or 2.0000001)."""
    if value is None:
        return "–"
    if abs(value) >= 1e6:
        return f"{value:.6g}"
    shown = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


def humanise(identifier: str) -> str:
    words = identifier.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


# --- the course's reference data (sentences, articles, the question bank) ------------------------

@dataclass(frozen=True)
class Sentence:
    sentence_id: str
    source_id: str
    text: str


@lru_cache(maxsize=4)
def _sentences(folder: str) -> dict[str, Sentence]:
    path = Path(folder) / "sentences.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return {row["sentence_id"]: Sentence(row["sentence_id"], row.get("source_id", ""), row.get("text", ""))
                    for row in csv.DictReader(handle) if row.get("sentence_id")}
    except (OSError, KeyError, csv.Error):
        return {}


def sentences() -> dict[str, Sentence]:
    from considerations.paths import data_dir

    try:
        return _sentences(str(data_dir()))
    except FileNotFoundError:
        return {}


def source_name(source_id: str) -> str:
    try:
        from considerations import load_sources

        return load_sources()[source_id].display_name
    except Exception:  # noqa: BLE001 (a name is decoration: the id will do)
        return source_id


def article_link(source_id: str, anchor: str | None, relative_to: Path) -> str | None:
    """The article's annotated page in the book (with a sentence anchor), when the book has one."""
    try:
        from considerations.book import article_page
        from considerations.paths import book_url, chapter_url, local_book_dir

        page = article_page(source_id)
        if not book_url() and not (local_book_dir() / f"{page}.html").is_file():
            return None  # never a dead link: the local book has no such page (yet)
        return chapter_url(page, anchor, relative_to=relative_to)
    except Exception:  # noqa: BLE001 (older library or unknown article: no link)
        return None


def chapter_link(chapter: str, section: str | None, relative_to: Path) -> str | None:
    from considerations.paths import chapter_url

    if not _CHAPTER.match(chapter or ""):
        return None
    return chapter_url(chapter, section if section and _ANCHOR.match(section) else None, relative_to=relative_to)


def bank(assignment: str) -> dict:
    try:
        from considerations.assignments import ASSIGNMENTS

        return {q.qid: q for q in ASSIGNMENTS.get(assignment, [])}
    except Exception:  # noqa: BLE001 (the bank only adds prompts and chapters)
        return {}


def assignment_title(assignment: str) -> str:
    return humanise(assignment)


# --- showing an answer ---------------------------------------------------------------------

@dataclass
class AnswerView:
    """The student's answer (or a key) shown readably: "none", "text", "list" or "mapping"."""

    form: str
    text: str = ""
    entries: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    more: int = 0  # entries not shown
    paragraphs: list[list[str]] = field(default_factory=list)  # a written answer: paragraphs of lines


_BLOCK_START = re.compile(r"\s*([-*+>#]|\d+[.)])\s")


def prose(value: str) -> list[list[str]]:
    """A written answer as its Markdown reads: paragraphs split at blank lines, and a line break
    inside a paragraph kept only before a list item, heading or quote (the notebook's hard-wrapped
    lines join, so the answer reflows on a phone instead of breaking mid-sentence)."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", value.strip()):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not _BLOCK_START.match(line):
                lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
            else:
                lines.append(line.strip())
        if lines:
            paragraphs.append(lines)
    return paragraphs


def _inline(value) -> str:
    """A nested value as compact JSON (what the student wrote, not a Python repr)."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        shown = number(value)
        return fmt(shown) if shown is not None else "a number too large to show"
    try:
        dumped = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return "a value that cannot be shown"
    return text(dumped, 300)


def _alternatives(value) -> str:
    """A key's accepted alternatives ("both or iess-analysis"), else the value as compact JSON."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return " or ".join(text(v, 200) for v in value[:MAX_ITEMS])
    return _inline(value)


def show_key(value) -> AnswerView:
    """The right answer (--reveal): like an answer, except that a list inside a mapping lists the
    readings each accepted."""
    view = show_answer(value)
    if view.form == "mapping" and isinstance(value, dict):
        view.pairs = [(k, _alternatives(v)) for (k, _), v in zip(view.pairs, list(value.values()))]
    return view


def show_answer(value) -> AnswerView:
    if value is None or value == "" or value == [] or value == {}:
        return AnswerView("none")
    if isinstance(value, str):
        shown = text(value, 4 * MAX_TEXT)
        return AnswerView("text", text=shown, paragraphs=prose(shown))
    if isinstance(value, list):
        return AnswerView("list", entries=[_inline(v) for v in value[:MAX_ITEMS]], more=max(0, len(value) - MAX_ITEMS))
    if isinstance(value, dict):
        pairs = [(text(str(k), 100), _inline(v)) for k, v in list(value.items())[:MAX_ITEMS]]
        return AnswerView("mapping", pairs=pairs, more=max(0, len(value) - MAX_ITEMS))
    return AnswerView("text", text=_inline(value))


# --- one question ----------------------------------------------------------------------------

@dataclass
class ItemView:
    label: str
    ok: bool
    message: str


@dataclass
class SentenceView:
    sentence_id: str
    source: str
    text: str
    link: str | None


@dataclass
class QuestionView:
    qid: str
    prompt: str = ""
    kind: str = ""
    points: float | None = None
    score: float | None = None
    status: str = "failed"
    label: str = ""
    answer: AnswerView = field(default_factory=lambda: AnswerView("none"))
    items: list[ItemView] = field(default_factory=list)
    sentences: list[SentenceView] = field(default_factory=list)
    chapter: str = ""
    chapter_href: str | None = None
    article_links: list[tuple[str, str]] = field(default_factory=list)  # (article name, href)
    key: AnswerView | None = None
    hand_graded: bool = False
    manual_state: str = "auto"  # auto | by_hand | unanswered | pending
    comment: str = ""
    broken: bool = False

    @property
    def score_text(self) -> str:
        return f"{fmt(self.score)} / {fmt(self.points)}"


def _status(raw) -> str:
    raw = _OLD_STATUS.get(raw, raw) if isinstance(raw, str) else ""
    return raw if raw in STATUS_LABELS else "failed"


def _items(q: dict) -> list[dict]:
    """The per-item feedback, whichever shape the result has (items, or the older single message)."""
    items = [i for i in q.get("feedback") or [] if isinstance(i, dict)] if isinstance(q.get("feedback"), list) else []
    if not items and isinstance(q.get("message"), str):
        items = [{"item": None, "ok": q.get("status") in ("correct", "right"), "message": q["message"]}]
    return items[:MAX_MESSAGES]


def question_view(q, free_text: dict, bank_q, *, reveal: bool, folder: Path, seen_sentences: set[str],
                  manual: tuple[float | None, str] | None) -> QuestionView:
    """One stored question result as shown to the student."""
    if not isinstance(q, dict):
        raise TypeError("a question result is not a JSON object")
    qid = q.get("qid") if isinstance(q.get("qid"), str) and _QID.match(q["qid"]) else "?"
    view = QuestionView(qid=qid)
    view.prompt = text(getattr(bank_q, "prompt", ""), 500)
    view.kind = text(q.get("kind"), 40) or text(getattr(bank_q, "kind", ""), 40)
    view.points = number(q.get("points"))
    if view.points is None and bank_q is not None:
        view.points = number(getattr(bank_q, "points", None))
    view.score = number(q.get("score"))
    view.status = _status(q.get("status"))
    view.label = STATUS_LABELS[view.status]
    evidence = view.kind == "evidence"

    # The answer: the stored answer, or for a written answer the text of its cell.
    answer = q.get("answer")
    if view.status == "pending_manual":
        view.hand_graded = True
        written = answer if isinstance(answer, str) else free_text.get(qid)
        view.answer = show_answer(written if isinstance(written, str) else None)
        score, comment = manual if manual else (None, "")
        view.manual_state = manual_state(q, written, score)
        if view.manual_state == "by_hand":
            view.score, view.label = score, "Graded by hand"
        elif view.manual_state == "unanswered":
            view.score, view.label = 0.0, "No answer"
            view.answer = AnswerView("none")  # not nbgrader's stub, as if the student had written it
        else:
            view.score, view.label = None, "Awaiting hand grading"
        view.comment = text(comment, 4 * MAX_TEXT)
    else:
        view.answer = show_answer(answer)
        if view.score is None:
            view.score = 0.0

    items = _items(q)
    for item in items:
        label = text(item.get("item"), 100)
        message = text(item.get("message"), 600)
        if label and message.startswith(label + ": "):
            message = message[len(label) + 2:]  # the label is shown before the message already
        if label or message:
            view.items.append(ItemView(label, item.get("ok") is True, message))

    # The sentences that support the right reading, tied to what was wrong; one or two, each once
    # per page. Evidence questions show none without --reveal: they would be quotable answers.
    if view.status in ("partial", "wrong", "missing") and (reveal or not evidence):
        table = sentences()
        for item in sorted(items, key=lambda i: i.get("ok") is True):
            ids = item.get("sentence_ids") if isinstance(item.get("sentence_ids"), list) else []
            for sid in ids[:10]:
                if len(view.sentences) >= 2:
                    break
                if not isinstance(sid, str) or sid in seen_sentences or sid not in table:
                    continue
                seen_sentences.add(sid)
                s = table[sid]
                view.sentences.append(SentenceView(sid, source_name(s.source_id), s.text,
                                                   article_link(s.source_id, sid, folder)))

    chapter = q.get("chapter") if isinstance(q.get("chapter"), str) and q.get("chapter") else getattr(bank_q, "chapter", "")
    section = q.get("section") if isinstance(q.get("section"), str) else getattr(bank_q, "section", None)
    view.chapter = humanise(chapter or "")
    if view.status != "right":
        view.chapter_href = chapter_link(chapter or "", section, folder)
        if evidence and not reveal:
            source = getattr(bank_q, "source_id", None)
            ids = [source] if isinstance(source, str) else _all_sources()
            for sid in ids:
                href = article_link(sid, None, folder)
                if href:
                    view.article_links.append((source_name(sid), href))

    if reveal and "key" in q and not evidence:
        view.key = show_key(q.get("key"))
    return view


def _all_sources() -> list[str]:
    try:
        from considerations import load_sources

        return list(load_sources())
    except Exception:  # noqa: BLE001
        return []


def broken_question(q, error: Exception) -> QuestionView:
    qid = q.get("qid") if isinstance(q, dict) and isinstance(q.get("qid"), str) and _QID.match(q["qid"]) else "?"
    return QuestionView(qid=qid, broken=True, label="could not be shown",
                        items=[ItemView("", False, "This question's result could not be shown; "
                                        "your instructor has been told.")])


# --- one submission ----------------------------------------------------------------------------

@dataclass
class NotebookView:
    name: str
    failure: str = ""
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    questions: list[QuestionView] = field(default_factory=list)
    printed: str = ""  # what the student's code printed, capped (shown folded away)
    printed_more: int = 0


@dataclass
class SubmissionView:
    student: str
    assignment: str
    title: str
    status: str = "graded"  # graded | failed | invalid | not graded
    reason: str = ""
    graded_at: str = ""
    notebooks: list[NotebookView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the instructor's CSV (flags, notes)
    broken: list[str] = field(default_factory=list)  # qids that could not be shown (for the log)

    @property
    def questions(self) -> list[QuestionView]:
        return [q for nb in self.notebooks for q in nb.questions]

    @property
    def auto_score(self) -> float:
        return sum(q.score or 0.0 for q in self.questions if not q.hand_graded)

    @property
    def manual_score(self) -> float:
        return sum(q.score or 0.0 for q in self.questions if q.manual_state == "by_hand")

    @property
    def total(self) -> float:
        return self.auto_score + self.manual_score

    @property
    def max_score(self) -> float:
        return sum(q.points or 0.0 for q in self.questions)

    @property
    def pending(self) -> list[QuestionView]:
        return [q for q in self.questions if q.manual_state == "pending"]

    @property
    def pending_points(self) -> float:
        return sum(q.points or 0.0 for q in self.pending)


def _str_list(value, limit=20) -> list[str]:
    return [text(v, 500) for v in value[:limit] if isinstance(v, str)] if isinstance(value, list) else []


def submission_view(stored, student: str, assignment: str, *, reveal: bool = False, folder: Path,
                    manual: dict | None = None) -> SubmissionView:
    """The whole page's content. `manual` maps (notebook, qid) to (hand score, comment)."""
    manual = manual or {}
    view = SubmissionView(student=student, assignment=assignment,
                          title=f"Feedback: {assignment_title(assignment)} — {student}")
    if not isinstance(stored, dict):
        view.status, view.reason = "not graded", "not graded yet"
        return view
    raw_status = stored.get("status")
    view.status = raw_status if raw_status in ("graded", "failed", "invalid") else "graded"
    view.reason = text(stored.get("reason"), 600)
    view.graded_at = text(stored.get("graded_at"), 40)
    view.notes = _str_list(stored.get("flags"))
    questions_by_id = bank(assignment)
    seen: set[str] = set()
    notebooks = stored.get("notebooks") if isinstance(stored.get("notebooks"), list) else []
    for nb in notebooks[:20]:
        if not isinstance(nb, dict):
            continue
        name = text(nb.get("name"), 100) or assignment
        nbv = NotebookView(name=name, failure=text(nb.get("failure"), 600), notes=_str_list(nb.get("notes")))
        if nb.get("status") == "failed" and view.status == "graded":
            view.status = "failed"
        failed_cell = nb.get("failed_cell")
        if isinstance(failed_cell, str) and failed_cell and failed_cell not in nbv.failure:
            nbv.failure = f"{nbv.failure} (in cell '{text(failed_cell, 100)}')"
        cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
        for i, cell in enumerate(cells[:500], start=1):
            if isinstance(cell, dict) and isinstance(cell.get("error"), str) and cell["error"]:
                nbv.errors.append(f"code cell {i}: {text(cell['error'], 300)}")
        nbv.errors = nbv.errors[:10]
        printed = "".join(c["output"] for c in cells[:500] if isinstance(c, dict) and isinstance(c.get("output"), str))
        printed += nb["stream"] if isinstance(nb.get("stream"), str) else ""
        if printed.strip():
            nbv.printed = printed[:MAX_PRINTED]
            truncated = sum(n for c in cells[:500] if isinstance(c, dict)
                            for n in [number(c.get("truncated"))] if n and n > 0)
            nbv.printed_more = int(min(len(printed) - len(nbv.printed) + truncated, 1e15))
        view.notes += [f"{name}: {n}" for n in _str_list(nb.get("flags"))] + [f"{name}: {n}" for n in nbv.notes]
        free_text = nb.get("free_text") if isinstance(nb.get("free_text"), dict) else {}
        questions = nb.get("questions") if isinstance(nb.get("questions"), list) else []
        for q in questions[:200]:
            try:
                qid = q.get("qid") if isinstance(q, dict) else None
                nbv.questions.append(question_view(
                    q, free_text, questions_by_id.get(qid) if isinstance(qid, str) else None, reveal=reveal,
                    folder=folder, seen_sentences=seen, manual=manual.get((name, qid))))
            except Exception as error:  # noqa: BLE001 (one unreadable result must not cost the page)
                broken = broken_question(q, error)
                view.broken.append(f"{broken.qid} ({type(error).__name__})")
                nbv.questions.append(broken)
        view.notebooks.append(nbv)
    if not view.reason and view.status in ("failed", "invalid"):
        view.reason = "; ".join(nb.failure for nb in view.notebooks if nb.failure)
    return view


# --- loading ----------------------------------------------------------------------------------

def load_result(path: Path):
    """The stored result as JSON, or None when there is none; an unreadable file is a dict that
    says so (so that it shows as a failure instead of vanishing)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        return {"status": "failed", "reason": f"the stored result cannot be read ({error.strerror})"}
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {"status": "failed", "reason": "the stored result is damaged; grade this submission again"}


def hand_grades(course, assignment: str, students: list[str], warn=None) -> dict:
    """(student, notebook, qid) -> (manual score or None, comment) from nbgrader's gradebook."""
    out: dict = {}
    if not (Path(course.root) / "gradebook.db").is_file():
        return out  # nothing graded by hand yet (and opening one would create an empty gradebook)
    try:
        from nbgrader.api import Gradebook, MissingEntry
    except ImportError:
        return out
    try:
        with Gradebook(course.gradebook_url) as gb:
            try:
                notebooks = [nb.name for nb in gb.find_assignment(assignment).notebooks]
                # The hand-graded answers: nbgrader's written-answer cells are Markdown grade cells.
                cells = {nb.name: [c.name for c in nb.grade_cells if c.cell_type == "markdown"]
                         for nb in gb.find_assignment(assignment).notebooks}
            except MissingEntry:
                return out
            for student in students:
                for nb in notebooks:
                    for cell in cells.get(nb, []):
                        try:
                            grade = gb.find_grade(cell, nb, assignment, student)
                        except MissingEntry:
                            continue
                        comment = ""
                        try:
                            comment = gb.find_comment(cell, nb, assignment, student).manual_comment or ""
                        except MissingEntry:
                            pass
                        score = number(grade.manual_score)
                        if score is not None or comment:
                            out[(student, nb, cell)] = (score, comment)
    except Exception as error:  # noqa: BLE001 (a locked or broken gradebook: say so, show the rest)
        if warn:
            warn(f"hand grades could not be read from {course.gradebook_url}: {type(error).__name__}: {error}")
    return out
