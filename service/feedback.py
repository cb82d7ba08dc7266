"""Readers' thumbs up or down on answers, kept server-side and exported as test questions for `newsdesk eval`.

Each record holds what was judged: the question (and the earlier questions of its conversation), the answer,
its citations and direct answer, the rating and an optional note. They live in their own SQLite file
(``<data dir>/feedback.sqlite3``), apart from the index, so re-indexing never loses them.

Export rules (``eval_item``), so staff corrections become golden items:

- thumbs up on an answer: answerable; the accepted answer is the direct answer (or the first quoted
  sentence), the gold documents are the cited ones;
- thumbs up on a refusal: unanswerable;
- a note saying the articles do not hold the answer ("not in the articles", "no answer", "unanswerable",
  "the articles don't say"), on an answer or a refusal: unanswerable;
- thumbs down with any other note: answerable, the note is the accepted answer, and the gold documents are
  the indexed articles whose text contains it (those sharing most of the question's words first, at most
  three); a note no article contains is skipped, since no item could be scored against it;
- thumbs down without a note: skipped (it says what is wrong, not what is right).

One item per question, conversation and answer: the latest rating wins.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from service.answer.normalize import normalize_answer

Rating = Literal["up", "down"]
FEEDBACK_FILE = "feedback.sqlite3"
MAX_GOLD_DOCUMENTS = 3
# What a note says when the right answer is that there is none in the articles.
NOT_IN_ARTICLES = re.compile(
    r"\b(not in (the|any) articles?|no answer|unanswerable"
    r"|articles? (do not|does not|don['’]t|doesn['’]t) say|not (covered|reported|mentioned) in)\b",
    re.IGNORECASE,
)
_MARKER = re.compile(r"\s*\[\d+\]")

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question TEXT NOT NULL,
    history TEXT NOT NULL,
    query TEXT NOT NULL,
    answer TEXT NOT NULL,
    grounded INTEGER NOT NULL,
    direct_answer TEXT,
    citations TEXT NOT NULL,
    note TEXT,
    origin TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Feedback:
    rating: Rating
    question: str
    answer: str
    grounded: bool
    citations: list[dict[str, Any]] = field(default_factory=list)  # CitationOut's fields
    direct_answer: dict[str, Any] | None = None  # DirectAnswerOut's fields
    query: str = ""
    history: list[str] = field(default_factory=list)  # the conversation's earlier questions, oldest first
    note: str | None = None
    origin: str = "api"  # "ui" or "api"
    id: int | None = None
    created_at: str = ""


class FeedbackStore:
    """One SQLite file; a write is one statement, so a crash never leaves half a record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> FeedbackStore:
        return cls(data_dir / FEEDBACK_FILE)

    @property
    def connection(self) -> sqlite3.Connection:
        # Opened on first use: building the app (or importing it) creates no file.
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            self._connection = connection
        return self._connection

    def add(self, feedback: Feedback) -> Feedback:
        """Store ``feedback``; the stored record, with its id and time."""
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            cursor = self.connection.execute(
                "INSERT INTO feedback (created_at, rating, question, history, query, answer, grounded, "
                "direct_answer, citations, note, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    created,
                    feedback.rating,
                    feedback.question,
                    json.dumps(feedback.history, ensure_ascii=False),
                    feedback.query,
                    feedback.answer,
                    int(feedback.grounded),
                    json.dumps(feedback.direct_answer, ensure_ascii=False)
                    if feedback.direct_answer
                    else None,
                    json.dumps(feedback.citations, ensure_ascii=False),
                    feedback.note or None,
                    feedback.origin,
                ),
            )
        return Feedback(**{**asdict(feedback), "id": cursor.lastrowid, "created_at": created})

    def set_note(self, feedback_id: int, note: str) -> bool:
        """Attach a note to a stored record (the UI saves the thumb first, the note when it is written)."""
        with self._lock:
            cursor = self.connection.execute(
                "UPDATE feedback SET note = ? WHERE id = ?", (note.strip() or None, feedback_id)
            )
        return cursor.rowcount == 1

    def get(self, feedback_id: int) -> Feedback | None:
        row = self.connection.execute("SELECT * FROM feedback WHERE id = ?", (feedback_id,)).fetchone()
        return _record(row) if row else None

    def __iter__(self) -> Iterator[Feedback]:
        """Oldest first."""
        for row in self.connection.execute("SELECT * FROM feedback ORDER BY id"):
            yield _record(row)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _record(row: sqlite3.Row) -> Feedback:
    return Feedback(
        id=row["id"],
        created_at=row["created_at"],
        rating=row["rating"],
        question=row["question"],
        history=json.loads(row["history"]),
        query=row["query"],
        answer=row["answer"],
        grounded=bool(row["grounded"]),
        direct_answer=json.loads(row["direct_answer"]) if row["direct_answer"] else None,
        citations=json.loads(row["citations"]),
        note=row["note"],
        origin=row["origin"],
    )


# --- export --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    feedback_id: int | None
    reason: str


DocumentFinder = Callable[[str, str], list[str]]  # (answer, question) -> ids of the articles holding it


def says_not_in_articles(note: str | None) -> bool:
    return bool(note and NOT_IN_ARTICLES.search(note))


def first_quoted_sentence(answer: str) -> str:
    """The answer up to its first ``[n]`` marker: the first sentence it quotes."""
    head = re.split(r"\[\d+\]", answer, maxsplit=1)[0]
    return " ".join(_MARKER.sub("", head).split())


def eval_item(feedback: Feedback, find_documents: DocumentFinder) -> dict[str, Any] | Skipped:
    """The golden item (eval.datasets' format) this feedback makes, or why it makes none (rules above)."""
    base: dict[str, Any] = {"id": f"feedback-{feedback.id}", "question": feedback.question}
    if feedback.history:
        base["history"] = list(feedback.history)
    base["kind"] = "feedback"
    note = (feedback.note or "").strip().strip("\"'“”‘’").strip()
    if says_not_in_articles(note) or (feedback.rating == "up" and not feedback.grounded):
        return {**base, "unanswerable": True}
    if feedback.rating == "up":
        accepted = (feedback.direct_answer or {}).get("text") or first_quoted_sentence(feedback.answer)
        doc_ids = list(dict.fromkeys(c["doc_id"] for c in feedback.citations if c.get("doc_id")))
        if not accepted or not doc_ids:
            return Skipped(feedback.id, "a thumbs up on an answer without citations")
        return {**base, "answers": [accepted], "doc_ids": doc_ids}
    if not note:
        return Skipped(feedback.id, "a thumbs down without a note naming the right answer")
    doc_ids = find_documents(note, feedback.question)
    if not doc_ids:
        return Skipped(feedback.id, f"no indexed article contains the note's answer {note!r}")
    return {**base, "answers": [note], "doc_ids": doc_ids}


def latest_per_answer(records: Iterable[Feedback]) -> list[Feedback]:
    """One record per (question, conversation, answer): a reader who changes their mind is read last."""
    latest: dict[tuple[str, tuple[str, ...], str], Feedback] = {}
    for record in records:
        key = (record.question, tuple(record.history), record.answer)
        latest.pop(key, None)  # re-inserted: the order follows the latest rating
        latest[key] = record
    return list(latest.values())


def documents_holding(texts: Mapping[str, str]) -> DocumentFinder:
    """A finder over ``doc_id -> text``: the articles whose text contains the answer (SQuAD-normalised),
    those sharing most of the question's words first, at most MAX_GOLD_DOCUMENTS."""
    normalized = {doc_id: f" {normalize_answer(text)} " for doc_id, text in texts.items()}

    def find(answer: str, question: str) -> list[str]:
        wanted = normalize_answer(answer)
        if not wanted:
            return []
        words = {w for w in normalize_answer(question).split() if len(w) > 3}
        holding = [doc_id for doc_id, text in normalized.items() if f" {wanted} " in text]
        holding.sort(key=lambda doc_id: -sum(f" {w} " in normalized[doc_id] for w in words))
        return holding[:MAX_GOLD_DOCUMENTS]

    return find


def export_items(
    records: Iterable[Feedback], find_documents: DocumentFinder
) -> tuple[list[dict[str, Any]], list[Skipped]]:
    items: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    for record in latest_per_answer(records):
        result = eval_item(record, find_documents)
        (skipped if isinstance(result, Skipped) else items).append(result)
    return items, skipped


def write_jsonl(items: Sequence[dict[str, Any]], out: Any) -> None:
    for item in items:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
