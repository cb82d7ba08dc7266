"""Golden datasets: one JSON object a line.

Answerable: ``{"id", "question", "answers": [accepted strings], "doc_ids": [gold document ids]}``.
Unanswerable: ``{"id", "question", "unanswerable": true}``.
Optional: ``"history"`` (the earlier questions of a conversation, oldest first: the runner asks them first and
hands their answers on, so a follow-up is judged against what the system itself answered), ``"kind"`` (fact,
temporal, near_miss, followup...: the report breaks results down by it) and ``"split"`` (dev or test: what
calibration may fit on, and what it may not).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


class DatasetError(ValueError):
    pass


@dataclass(frozen=True)
class GoldenItem:
    id: str
    question: str
    answers: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    unanswerable: bool = False
    history: tuple[str, ...] = ()
    kind: str = ""
    split: str = ""


def sample_golden_path() -> Path:
    return Path(str(resources.files("eval") / "datasets" / "sample_golden.jsonl"))


def parse_item(record: object, where: str) -> GoldenItem:
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: each line must be a JSON object")
    for key in ("id", "question"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise DatasetError(f"{where}: '{key}' must be a non-empty string")
    history = record.get("history", [])
    if not isinstance(history, list) or not all(isinstance(q, str) and q.strip() for q in history):
        raise DatasetError(f"{where}: 'history' must be a list of earlier questions")
    labels = {key: record.get(key, "") for key in ("kind", "split")}
    for key, value in labels.items():
        if not isinstance(value, str):
            raise DatasetError(f"{where}: '{key}' must be a string")
    common = {"history": tuple(history), **labels}
    if record.get("unanswerable"):
        return GoldenItem(id=record["id"], question=record["question"], unanswerable=True, **common)
    answers, doc_ids = record.get("answers"), record.get("doc_ids")
    if not isinstance(answers, list) or not answers or not all(isinstance(a, str) and a for a in answers):
        raise DatasetError(f"{where}: 'answers' must be a non-empty list of strings (or set 'unanswerable')")
    if not isinstance(doc_ids, list) or not doc_ids or not all(isinstance(d, str) for d in doc_ids):
        raise DatasetError(f"{where}: 'doc_ids' must be a non-empty list of document ids")
    return GoldenItem(record["id"], record["question"], tuple(answers), tuple(doc_ids), **common)


def iter_dataset(path: Path, split: str | None = None) -> Iterator[GoldenItem]:
    """Items one at a time, so a dataset of any size streams; with ``split``, only that split's items."""
    seen: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DatasetError(f"{where}: invalid JSON ({error.msg})") from error
            item = parse_item(record, where)
            if item.id in seen:
                raise DatasetError(f"{where}: duplicate id {item.id!r}")
            seen.add(item.id)
            if split is None or item.split == split:
                yield item


def load_dataset(path: Path, split: str | None = None) -> list[GoldenItem]:
    return list(iter_dataset(path, split))
