"""Read articles from files and folders: .txt, .md, .html and .jsonl.

Every problem with an input becomes a :class:`LoadError` naming the file (and line), yielded in place of the
article, so one bad file or JSONL line never stops the others from being ingested.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from markdown_it import MarkdownIt

from ingest.metadata import parse_date
from ingest.models import Article, InvalidDocumentError, validate_doc_id

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
# A file's first line (or block) longer than this is no headline but the article's first paragraph: it stays
# in the body, and the title is derived from the first sentence (ingest.documents.derive_title).
MAX_HEADLINE_CHARS = 300
JSONL_FIELDS = {"id", "title", "text", "url", "source", "published", "byline"}


@dataclass(frozen=True)
class LoadError:
    """An input that could not become an article."""

    origin: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        # A hostile file name must not reach a terminal raw (escape sequences, bidi overrides).
        return f"{printable(self.origin)}: {self.message}"


def printable(text: str) -> str:
    """``text`` with every non-printable character written as its Python escape."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def iter_files(paths: Iterable[Path]) -> Iterator[Path | LoadError]:
    """Files named directly, and supported files found (recursively, in name order) under folders.

    Links and special files are listed here and judged when read (:func:`read_text`), each with its own
    error; folders reached through a link are not entered.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES and not child.is_dir():
                    yield child
        elif path.exists() or path.is_symlink():
            yield path
        else:
            yield LoadError(str(path), "no such file or folder")


def load_paths(
    paths: Iterable[Path], max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, roots: Sequence[Path] | None = None
) -> Iterator[Article | LoadError]:
    """Articles from files and folders; with ``roots``, only files inside them (links followed) are read."""
    resolved_roots = None if roots is None else [root.expanduser().resolve() for root in roots]
    for item in iter_files(paths):
        if isinstance(item, LoadError):
            yield item
        else:
            yield from load_file(item, max_file_bytes=max_file_bytes, roots=resolved_roots)


def load_file(
    path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, roots: Sequence[Path] | None = None
) -> Iterator[Article | LoadError]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield LoadError(
            str(path), f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html or .jsonl"
        )
        return
    text = read_text(path, max_file_bytes, roots)
    if isinstance(text, LoadError):
        yield text
        return
    yield from parse_text(text, path.name, origin=str(path))


def load_bytes(
    data: bytes, filename: str, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Iterator[Article | LoadError]:
    """Articles from an uploaded file's bytes; ``filename`` gives the type and, for one article, the id."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield LoadError(
            filename, f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html or .jsonl"
        )
        return
    if not data:
        yield LoadError(filename, "the file is empty")
        return
    if len(data) > max_file_bytes:
        yield LoadError(filename, f"the file is {len(data):,} bytes, over the {max_file_bytes:,}-byte limit")
        return
    text = decode_text(data, filename)
    if isinstance(text, LoadError):
        yield text
        return
    yield from parse_text(text, filename, origin=filename)


def parse_text(text: str, filename: str, origin: str) -> Iterator[Article | LoadError]:
    """Decoded file content, parsed by the file's type."""
    suffix = Path(filename).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from parse_jsonl(text, origin=origin)
        return
    try:
        doc_id = validate_doc_id(Path(filename).stem)
        if suffix in HTML_SUFFIXES:
            yield parse_html(text, doc_id, origin=origin)
        elif suffix in MARKDOWN_SUFFIXES:
            yield parse_markdown(text, doc_id, origin=origin)
        else:
            yield parse_plain_text(text, doc_id, origin=origin)
    except InvalidDocumentError as error:
        yield LoadError(origin, error.message, error.field)


def read_text(path: Path, max_file_bytes: int, roots: Sequence[Path] | None = None) -> str | LoadError:
    """The file's text; an oversized file is refused from its size alone, before a byte is read.

    ``roots`` (resolved folders), when given, are the only places a file may lie once its links are followed.
    """
    handle = open_regular_file(path, roots)
    if isinstance(handle, LoadError):
        return handle
    with handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_file_bytes:
            return _too_big(path, size, max_file_bytes)
        data = handle.read(max_file_bytes + 1)  # bounded even if the file grew since it was opened
        if len(data) > max_file_bytes:
            return _too_big(path, os.fstat(handle.fileno()).st_size, max_file_bytes)
    if not data:
        return LoadError(str(path), "the file is empty")
    if size == 0:  # /proc and /sys files say they are empty and yet read as text
        return LoadError(str(path), "a kernel pseudo-file (/proc, /sys), not an article")
    return decode_text(data, str(path))


def open_regular_file(path: Path, roots: Sequence[Path] | None = None) -> BinaryIO | LoadError:
    """``path`` opened for reading if it is a regular file (inside ``roots``, when given), else why not.

    A server-side ingest must not read through a link to /etc/passwd left in an ingest root; a FIFO would
    block the reader forever and a device never end. The file is resolved once, checked, and opened without
    following a link again, so a link swapped in after the check is refused rather than read.
    """
    try:
        resolved = path.resolve(strict=True)
        mode = resolved.stat().st_mode
    except FileNotFoundError:
        return LoadError(str(path), "no such file (or a broken link)")
    except (OSError, RuntimeError) as error:  # a link loop, a folder it may not enter
        return LoadError(str(path), f"cannot be read ({getattr(error, 'strerror', None) or error})")
    if roots is not None and not any(resolved.is_relative_to(root) for root in roots):
        return LoadError(
            str(path), "a link to a file outside the ingest roots (NEWSDESK_INGEST_ROOTS); it is not read"
        )
    if not stat.S_ISREG(mode):
        return LoadError(str(path), "not a regular file (a device, FIFO or socket); only files are read")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(resolved, flags)
    except OSError as error:
        return LoadError(str(path), f"cannot be read ({error.strerror or error})")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # replaced since it was checked
        os.close(descriptor)
        return LoadError(str(path), "not a regular file (a device, FIFO or socket); only files are read")
    return os.fdopen(descriptor, "rb")


def _too_big(path: Path, size: int, limit: int) -> LoadError:
    return LoadError(
        str(path),
        f"the file is {size:,} bytes, over the {limit:,}-byte limit (NEWSDESK_MAX_FILE_MB raises it)",
    )


def decode_text(data: bytes, origin: str) -> str | LoadError:
    """UTF-8 (with or without a byte-order mark), or UTF-16 that says so with its byte-order mark."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None  # only looked like UTF-16: judge it as any other file below
        if text is not None and "\x00" not in text[:4096]:
            return text
    if b"\x00" in data[:8192]:
        return LoadError(origin, "this looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return LoadError(origin, f"the file is not UTF-8 text (bad byte at offset {error.start})")


def parse_plain_text(text: str, doc_id: str, origin: str = "") -> Article:
    """The first non-empty line is the title, the rest the body; a paragraph-long first line is body too."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.strip():
            if len(line.strip()) > MAX_HEADLINE_CHARS:
                return Article(id=doc_id, title="", body="\n".join(lines[number:]), origin=origin)
            return Article(id=doc_id, title=line.strip(), body="\n".join(lines[number + 1 :]), origin=origin)
    raise InvalidDocumentError("text", "the file holds only whitespace")


def parse_markdown(text: str, doc_id: str, origin: str = "") -> Article:
    """Markdown parsed for real: the first heading is the title, block texts become paragraphs."""
    tokens = MarkdownIt("commonmark").parse(text)
    title: str | None = None
    blocks: list[str] = []
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        content = inline_text(token)
        if not content:
            continue
        is_heading = index > 0 and tokens[index - 1].type == "heading_open"
        if title is None and (is_heading or not blocks) and len(content) <= MAX_HEADLINE_CHARS:
            title = content
        else:
            blocks.append(content)
    if title is None and not blocks:
        raise InvalidDocumentError("text", "the file holds no text")
    return Article(id=doc_id, title=title or "", body="\n\n".join(blocks), origin=origin)


def inline_text(token: Any) -> str:
    """The visible text of a markdown-it inline token: markup and link targets dropped."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts).strip()


def parse_html(html: str, doc_id: str, origin: str = "") -> Article:
    """Main-content extraction with trafilatura: no navigation, scripts or comments."""
    import trafilatura  # heavy import, only needed for HTML

    extracted = trafilatura.extract(
        html,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
    )
    if not extracted:
        raise InvalidDocumentError("text", "no article text could be extracted from the HTML")
    data = json.loads(extracted)
    # trafilatura puts one block element per line; the title heading is usually the first of them.
    blocks = [line.strip() for line in (data.get("text") or "").split("\n") if line.strip()]
    title = (data.get("title") or "").strip()
    if blocks and (not title or blocks[0] == title) and len(blocks[0]) <= MAX_HEADLINE_CHARS:
        title = blocks.pop(0)
    if not blocks:
        raise InvalidDocumentError("text", "no article text could be extracted from the HTML")
    return Article(
        id=doc_id,
        title=title,
        body="\n\n".join(blocks),
        url=data.get("source") or None,
        source=data.get("sitename") or data.get("source-hostname") or data.get("hostname") or None,
        published=parse_date(data.get("date") or ""),
        byline=data.get("author") or None,
        origin=origin,
    )


def parse_jsonl(text: str, origin: str) -> Iterator[Article | LoadError]:
    """One article per line; a bad line is reported with its line number and the rest still load."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield LoadError(where, f"invalid JSON ({error.msg} at column {error.colno})")
            continue
        try:
            yield article_from_record(record, origin=where)
        except InvalidDocumentError as error:
            yield LoadError(where, error.message, error.field)


def article_from_record(record: Any, origin: str = "") -> Article:
    """An article from a JSON object with ``id``, ``text``, an optional ``title`` and optional metadata.

    An untitled article (no, or an empty, ``title``: 59 of 3,824 in a real news feed) is titled from its text
    when cleaned.
    """
    if not isinstance(record, dict):
        raise InvalidDocumentError("record", "each line must be a JSON object")
    for required in ("id", "text"):
        if required not in record:
            raise InvalidDocumentError(required, f"missing required field '{required}'")
    for name in ("id", "title", "text"):
        if name in record and not isinstance(record[name], str):
            raise InvalidDocumentError(name, f"'{name}' must be a string")
    if not record["text"].strip():
        raise InvalidDocumentError("text", "'text' is empty")
    for optional in ("url", "source", "byline"):
        if record.get(optional) is not None and not isinstance(record[optional], str):
            raise InvalidDocumentError(optional, f"'{optional}' must be a string")
    published = None
    if record.get("published"):
        published = parse_date(str(record["published"]))
        if published is None:
            raise InvalidDocumentError(
                "published", f"'published' must be a date such as 2016-11-01, got {record['published']!r}"
            )
    metadata = {key: value for key, value in record.items() if key not in JSONL_FIELDS}
    return Article(
        id=validate_doc_id(record["id"]),
        title=record.get("title", "").strip(),
        body=record["text"],
        url=record.get("url") or None,
        source=record.get("source") or None,
        published=published,
        byline=record.get("byline") or None,
        metadata=metadata,
        origin=origin,
    )
