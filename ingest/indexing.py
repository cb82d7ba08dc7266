"""Ingestion into the three stores, crash-safely: clean → chunk → (hash check) → embed → index.

Write protocol for a batch of documents, under a cross-process file lock:

1. journal the batch in the catalog (``pending_writes``: old and new version of each document);
2. write the new version's chunks to the vector store and the keyword index (ids carry the version);
3. switch the catalog to the new versions in one transaction (the moment queries see them);
4. delete the old versions' chunks from both indexes;
5. clear the journal.

Queries join every hit against the catalog, so until step 3 they see only the old version, and after it only
the new one. A crash anywhere leaves journal rows that :meth:`Indexer.recover` turns into deletes of whichever
versions are not current; re-running the ingest then writes what is missing.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from ingest.catalog import CatalogStore, PendingWrite, SentenceVectors, chunk_id, chunk_ids, version_key
from ingest.chunking import (
    DEFAULT_MAX_CHUNK_CHARS,
    RecordingTokenCounter,
    Span,
    Tokens,
    pack_chunks,
    sentence_units,
    split_sentences,
)
from ingest.documents import clean_document
from ingest.embedding import MAX_TOKENS, ChunkEmbedding, Embedder, special_token_ids
from ingest.keyword_index import KeywordEntry, KeywordSearch
from ingest.loading import LoadError
from ingest.models import Article, Chunk, Document, InvalidDocumentError, validate_doc_id
from ingest.vector_store import ChunkVector, VectorStore
from ingest.write_lock import WriterLock

if TYPE_CHECKING:
    from service.settings import Settings

log = logging.getLogger("newsdesk.ingest")

# The limit a JSON body's title has (service.api.document_schemas.DocumentIn); files and JSONL feeds get the
# same. A title goes into every chunk's keyword entry and embedding text, so its length multiplies.
MAX_TITLE_CHARS = 1_000


@dataclass(frozen=True)
class DocumentLimits:
    """What one document may cost to index. Over ``max_document_chars`` or ``max_chunks`` it is refused (a
    422 naming the setting that raises the limit); a sentence over ``max_chunk_chars`` is cut to fit.

    The defaults leave the real news corpus a wide margin (its longest article: 28,438 characters in 39
    chunks) and keep the worst accepted document's ingest well under 1.5 GB (README, Configuration).
    """

    max_document_chars: int = 500_000
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS
    max_chunks: int = 1_000

    @classmethod
    def from_settings(cls, settings: Settings) -> DocumentLimits:
        return cls(settings.max_document_chars, settings.max_chunk_chars, settings.max_chunks_per_document)


def embedding_text(document: Document, chunk: Chunk) -> str:
    """What the embedding model sees for a chunk: the headline gives every chunk its article's context."""
    return chunk.text if chunk.start == 0 else f"{document.title}\n{chunk.text}"


def document_version(document: Document) -> str:
    return document.content_hash[:16]


@dataclass(frozen=True)
class PreparedDocument:
    document: Document
    version: str
    chunks: list[Chunk]
    sentences: list[Span]  # the document's sentences, a sentence too long for a chunk as its pieces
    # Each sentence's word pieces (offsets from its start) and the title's, as the chunker counted them: the
    # encoder's input for a chunk is put together from them (chunk_encoding) instead of tokenising it again.
    sentence_tokens: Sequence[Tokens] | None = None
    title_tokens: Tokens | None = None


def chunk_sentences(prepared: PreparedDocument, chunk: Chunk) -> list[Span]:
    """The sentences inside a chunk, pieces of a cut sentence among them: each chunk has at least one."""
    return [(s, e) for s, e in prepared.sentences if s >= chunk.start and e <= chunk.end]


def chunk_input(prepared: PreparedDocument, chunk: Chunk) -> tuple[str, list[Span]]:
    """The text the encoder sees for a chunk, and its sentences' spans in that text's coordinates."""
    text = embedding_text(prepared.document, chunk)
    shift = len(text) - (chunk.end - chunk.start) - chunk.start
    return text, [(s + shift, e + shift) for s, e in chunk_sentences(prepared, chunk)]


def chunk_encoding(prepared: PreparedDocument, chunk: Chunk) -> Tokens | None:
    """The encoder's input for a chunk (word-piece ids with [CLS] and [SEP], each piece's character span in
    :func:`embedding_text`), put together from the word pieces the chunker counted; ``None`` when they cannot
    be, and the text must be tokenised whole.

    The tokenizer splits words at whitespace before it cuts them into pieces, so the pieces of sentences
    separated by whitespace, and of a headline before its newline, are the pieces of the joined text. Two
    pieces of a sentence cut inside a word (no whitespace between them) are not: such a chunk returns
    ``None``. The result equals ``tokenizer.encode(embedding_text(...))``, truncation included (a test
    compares them on the whole news corpus).
    """
    if prepared.sentence_tokens is None or prepared.title_tokens is None:
        return None
    text = prepared.document.text
    shift = len(embedding_text(prepared.document, chunk)) - (chunk.end - chunk.start) - chunk.start
    ids: list[int] = []
    offsets: list[Span] = []
    if chunk.start != 0:
        ids.extend(prepared.title_tokens[0])
        offsets.extend(prepared.title_tokens[1])
    previous = -1
    for (start, end), (unit_ids, unit_offsets) in zip(
        prepared.sentences, prepared.sentence_tokens, strict=True
    ):
        if start < chunk.start or end > chunk.end:
            continue
        if previous >= 0 and (previous == start or not text[previous:start].isspace()):
            return None
        previous = end
        ids.extend(unit_ids)
        at = start + shift
        offsets.extend((s + at, e + at) for s, e in unit_offsets)
    cls, sep = special_token_ids()
    room = MAX_TOKENS - 2
    return [cls, *ids[:room], sep], [(0, 0), *offsets[:room], (0, 0)]


def sentence_vectors(
    prepared: Sequence[PreparedDocument], embeddings: Sequence[ChunkEmbedding]
) -> dict[str, SentenceVectors]:
    found: dict[str, SentenceVectors] = {}
    row = 0
    for p in prepared:
        for chunk in p.chunks:
            starts = np.array([s for s, _ in chunk_sentences(p, chunk)], dtype=np.int32)
            found[chunk_id(p.document.id, p.version, chunk.index)] = SentenceVectors(
                starts, embeddings[row].sentences
            )
            row += 1
    return found


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[LoadError] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.replaced)} replaced, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed; {self.chunks} chunks embedded in {self.seconds:.1f}s"
        )


def prepare_document(
    article: Article, chunk_tokens: int, limits: DocumentLimits = DocumentLimits()
) -> PreparedDocument:
    """Clean, split and chunk an article, refusing one over ``limits`` before the work its size would cost."""
    validate_doc_id(article.id)  # loaders check ids too; articles built in code come through here alone
    check_size(article, limits)
    document = clean_document(article)
    counter = RecordingTokenCounter()
    units = sentence_units(
        document.text, split_sentences(document.text), chunk_tokens, limits.max_chunk_chars, counter
    )
    chunks = pack_chunks(document.id, document.text, units, chunk_tokens, limits.max_chunk_chars)
    if not chunks:
        raise InvalidDocumentError("text", "the article has no sentences to index")
    if len(chunks) > limits.max_chunks:
        raise InvalidDocumentError(
            "text",
            f"the article makes {len(chunks):,} chunks, over the {limits.max_chunks:,}-chunk limit "
            "(NEWSDESK_MAX_CHUNKS_PER_DOCUMENT raises it)",
        )
    spans = [span for span, _ in units]
    return PreparedDocument(
        document,
        document_version(document),
        chunks,
        spans,
        [counter.tokens(document.text[s:e]) for s, e in spans],
        counter.tokens(document.title),
    )


def check_size(article: Article, limits: DocumentLimits) -> None:
    """Refuse a title or text over its limit, from its length alone."""
    if len(article.title) > MAX_TITLE_CHARS:
        raise InvalidDocumentError(
            "title",
            f"the title is {len(article.title):,} characters, over the {MAX_TITLE_CHARS:,}-character limit",
        )
    if len(article.body) > limits.max_document_chars:
        raise InvalidDocumentError(
            "text",
            f"the article is {len(article.body):,} characters, over the "
            f"{limits.max_document_chars:,}-character limit (NEWSDESK_MAX_DOCUMENT_CHARS raises it)",
        )


def prepare_or_error(
    item: Article | LoadError, chunk_tokens: int, limits: DocumentLimits = DocumentLimits()
) -> PreparedDocument | LoadError:
    """The prepared article, or why it cannot be indexed (an error here must not stop the others)."""
    if isinstance(item, LoadError):
        return item
    try:
        return prepare_document(item, chunk_tokens, limits)
    except InvalidDocumentError as error:
        return LoadError(item.origin or item.id, error.message, error.field)
    except Exception as error:  # one article nothing foresaw must not stop the others
        log.exception("could not prepare %s", item.origin or item.id)
        return LoadError(item.origin or item.id, f"could not be indexed ({type(error).__name__})")


@dataclass(frozen=True)
class _Raised:
    error: BaseException


_DONE = object()


def prepare_ahead(
    items: Iterable[Article | LoadError],
    chunk_tokens: int,
    lookahead: int = 64,
    limits: DocumentLimits = DocumentLimits(),
) -> Iterator[PreparedDocument | LoadError]:
    """:func:`prepare_or_error` over ``items`` (loading included) on a background thread, in order, at most
    ``lookahead`` articles ahead of the consumer. An error from ``items`` itself is re-raised here."""
    ready: queue.Queue[object] = queue.Queue(maxsize=lookahead)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(prepare_or_error(item, chunk_tokens, limits)):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the consumer, which raises it
            put(_Raised(error))

    thread = threading.Thread(target=produce, name="newsdesk-prepare", daemon=True)
    thread.start()
    try:
        while True:
            value = ready.get()
            if value is _DONE:
                return
            if isinstance(value, _Raised):
                raise value.error
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


class Indexer:
    def __init__(
        self,
        catalog: CatalogStore,
        vectors: VectorStore,
        keywords: KeywordSearch,
        embedder: Embedder,
        lock: WriterLock,
        chunk_tokens: int = 180,
        batch_documents: int = 128,
        limits: DocumentLimits = DocumentLimits(),
    ) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self.keywords = keywords
        self.embedder = embedder
        self.chunk_tokens = chunk_tokens
        self.batch_documents = batch_documents
        self.limits = limits
        self.lock = lock

    def write_lock(self) -> AbstractContextManager[None]:
        """Serialises writers across threads and processes (re-entrant); readers never wait for it."""
        return self.lock()

    # --- ingest ------------------------------------------------------------------------------------------

    def ingest(
        self,
        items: Iterable[Article | LoadError],
        progress: bool = False,
        total: int | None = None,
        on_batch: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Index articles; unchanged ones cost a hash, bad ones are reported and skipped.

        ``on_batch`` sees the running report after every written batch (the job API reports progress with it).
        """
        started = time.perf_counter()
        report = IngestReport()
        batch: list[PreparedDocument] = []
        # Three stages overlap: articles are loaded and prepared on one thread, embedded on others, and
        # written (Chroma, tantivy, SQLite) on one more. Two batches are embedded at once, so the encoder's
        # cores always have a queued forward pass, also while one batch is tokenised or pooled or waits for
        # its longest texts. onnxruntime releases the GIL, so the encoder waits neither for Punkt nor for
        # the stores. One write in flight at most, in order, each under the write protocol as before; the
        # preparation runs a bounded number of articles ahead (memory stays flat).
        with (
            tqdm(total=total, unit="doc", desc="ingest", disable=not progress) as bar,
            _BatchWriter(self, report, on_batch) as writer,
            _BatchEmbedder(self.embedder, writer) as embedding,
        ):
            for prepared in prepare_ahead(
                items, self.chunk_tokens, lookahead=2 * self.batch_documents, limits=self.limits
            ):
                bar.update(1)
                if isinstance(prepared, LoadError):
                    report.failed.append(prepared)
                    continue
                if any(p.document.id == prepared.document.id for p in batch):
                    self._flush(batch, embedding)  # the later copy of a document replaces the earlier
                    batch = []
                batch.append(prepared)
                if len(batch) >= self.batch_documents:
                    self._flush(batch, embedding)
                    batch = []
            self._flush(batch, embedding)
        report.seconds = time.perf_counter() - started
        return report

    def _flush(self, batch: Sequence[PreparedDocument], embedding: _BatchEmbedder) -> None:
        """Hand the documents of a batch that changed to be embedded, then written."""
        if embedding.touches(batch):
            embedding.drain()  # the hashes below must see the earlier copy of a document written
        known = self.catalog.hashes([p.document.id for p in batch])
        changed = []
        for p in batch:
            if known.get(p.document.id, ("",))[0] == p.document.content_hash:
                embedding.writer.report.unchanged.append(p.document.id)
            else:
                changed.append(p)
        embedding.submit(changed, {p.document.id for p in changed if p.document.id in known})

    def write(self, prepared: Sequence[PreparedDocument], embeddings: Sequence[ChunkEmbedding]) -> None:
        """Steps 1-5 of the write protocol for documents whose chunk embeddings are already computed."""
        with self.write_lock():
            current = self.catalog.hashes([p.document.id for p in prepared])
            pending = [
                PendingWrite(
                    doc_id=p.document.id,
                    old_version=current.get(p.document.id, (None, None, 0))[1],
                    old_chunk_count=current.get(p.document.id, (None, None, 0))[2],
                    new_version=p.version,
                    new_chunk_count=len(p.chunks),
                )
                for p in prepared
            ]
            self.catalog.begin_writes(pending)
            try:
                self._write_indexes(prepared, embeddings)
                self.catalog.switch_versions(
                    [(p.document, p.version, p.chunks) for p in prepared],
                    sentence_vectors=sentence_vectors(prepared, embeddings),
                )
                self._delete_versions(
                    [
                        (w.doc_id, w.old_version, w.old_chunk_count)
                        for w in pending
                        if w.old_version != w.new_version
                    ]
                )
                self.catalog.end_writes([w.doc_id for w in pending])
            except BaseException:
                self.recover_locked()
                raise

    def _write_indexes(
        self, prepared: Sequence[PreparedDocument], embeddings: Sequence[ChunkEmbedding]
    ) -> None:
        vectors: list[ChunkVector] = []
        entries: list[KeywordEntry] = []
        row = 0
        for p in prepared:
            doc = p.document
            for chunk in p.chunks:
                cid = chunk_id(doc.id, p.version, chunk.index)
                vectors.append(ChunkVector(cid, embeddings[row].vector, doc.id, doc.source, doc.published))
                entries.append(
                    KeywordEntry(
                        cid,
                        version_key(doc.id, p.version),
                        doc.id,
                        doc.title,
                        chunk.text,
                        doc.source,
                        doc.published,
                    )
                )
                row += 1
        self.vectors.upsert(vectors)
        with self.keywords.writer() as writer:
            for p in prepared:
                # A re-run after a crash may find this version half-written: start it clean.
                writer.delete_version(version_key(p.document.id, p.version))
            writer.add(entries)

    def _delete_versions(self, versions: Sequence[tuple[str, str | None, int]]) -> None:
        versions = [(doc_id, version, count) for doc_id, version, count in versions if version]
        if not versions:
            return
        self.vectors.delete(
            [cid for doc_id, version, count in versions for cid in chunk_ids(doc_id, version, count)]
        )
        with self.keywords.writer() as writer:
            for doc_id, version, _ in versions:
                writer.delete_version(version_key(doc_id, version))

    # --- delete ------------------------------------------------------------------------------------------

    def delete(self, doc_ids: Sequence[str]) -> list[str]:
        """Remove documents from every store; the cost grows with their chunks, not with the corpus."""
        with self.write_lock():
            current = self.catalog.hashes(doc_ids)
            if not current:
                return []
            pending = [
                PendingWrite(doc_id, version, count, None, 0)
                for doc_id, (_, version, count) in current.items()
            ]
            self.catalog.begin_writes(pending)
            try:
                self.catalog.switch_versions([], deleted=list(current))
                self._delete_versions([(w.doc_id, w.old_version, w.old_chunk_count) for w in pending])
                self.catalog.end_writes(list(current))
            except BaseException:
                self.recover_locked()
                raise
            return sorted(current)

    # --- recovery ----------------------------------------------------------------------------------------

    def recover(self) -> int:
        """Finish or undo writes a crash interrupted; returns how many documents needed it."""
        with self.write_lock():
            return self.recover_locked()

    def recover_locked(self) -> int:
        """:meth:`recover` for a caller that already holds :meth:`write_lock`."""
        pending = self.catalog.pending_writes()
        if not pending:
            return 0
        current = self.catalog.hashes([p.doc_id for p in pending])
        stale: list[tuple[str, str | None, int]] = []
        for p in pending:
            version = current.get(p.doc_id, (None, None, 0))[1]
            for candidate, count in ((p.old_version, p.old_chunk_count), (p.new_version, p.new_chunk_count)):
                if candidate and candidate != version:
                    stale.append((p.doc_id, candidate, count))
        self._delete_versions(stale)
        self.catalog.end_writes([p.doc_id for p in pending])
        return len(pending)


class _BatchEmbedder:
    """Embeds ingest batches, several at once, and hands them to the writer in order.

    One batch at a time leaves the cores idle while it is tokenised, pooled and finishing its longest texts;
    two at once, each spread over the cores, keep them busy (eval/performance.md has the figures).
    """

    def __init__(self, embedder: Embedder, writer: _BatchWriter) -> None:
        self.embedder = embedder
        self.writer = writer
        self._pool: ThreadPoolExecutor | None = None
        self._workers = 0  # known once a batch needs the model: unchanged documents never load it
        self._in_flight: deque[tuple[Sequence[PreparedDocument], Future[list[ChunkEmbedding]], set[str]]] = (
            deque()
        )

    def __enter__(self) -> _BatchEmbedder:
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        try:
            if exc_type is None:
                self.drain()
        finally:
            for _, future, _ in self._in_flight:
                future.cancel()
            self._in_flight.clear()
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)

    def touches(self, batch: Sequence[PreparedDocument]) -> bool:
        """Whether a document of ``batch`` is still being embedded or written."""
        ids = {p.document.id for p in batch}
        waiting = any(p.document.id in ids for pending, _, _ in self._in_flight for p in pending)
        return waiting or self.writer.touches(batch)

    def submit(self, batch: Sequence[PreparedDocument], replaced: set[str]) -> None:
        texts, spans, tokens = [], [], []
        for prepared in batch:
            for chunk in prepared.chunks:
                text, chunk_spans = chunk_input(prepared, chunk)
                texts.append(text)
                spans.append(chunk_spans)
                tokens.append(chunk_encoding(prepared, chunk))
        future: Future[list[ChunkEmbedding]]
        if texts and self._workers == 0:
            self._workers = self.embedder.encoder.workers
            if self._workers > 1:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="newsdesk-embed")
        if texts and self._pool is not None:
            future = self._pool.submit(self.embedder.embed_chunks, texts, spans, True, tokens=tokens)
        else:
            future = Future()
            future.set_result(self.embedder.embed_chunks(texts, spans, tokens=tokens) if texts else [])
        self._in_flight.append((batch, future, replaced))
        while len(self._in_flight) >= max(1, self._workers):
            self._write_oldest()

    def drain(self) -> None:
        """Embed and write everything handed over so far."""
        while self._in_flight:
            self._write_oldest()
        self.writer.wait()

    def _write_oldest(self) -> None:
        batch, future, replaced = self._in_flight.popleft()
        self.writer.submit(batch, future.result(), replaced)


class _BatchWriter:
    """Writes embedded batches on one background thread, one at a time, reporting each on the caller's."""

    def __init__(
        self, indexer: Indexer, report: IngestReport, on_batch: Callable[[IngestReport], None] | None
    ) -> None:
        self.indexer = indexer
        self.report = report
        self.on_batch = on_batch
        # A caller already holding the write lock (ingest_sample_if_empty) would deadlock a writer thread:
        # its batches are written in place.
        self._executor = (
            None
            if indexer.lock.held_here()
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsdesk-writer")
        )
        self._in_flight: Future[None] | None = None
        self._batch: Sequence[PreparedDocument] = ()
        self._replaced: set[str] = set()

    def __enter__(self) -> _BatchWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.wait()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)

    def touches(self, batch: Sequence[PreparedDocument]) -> bool:
        ids = {p.document.id for p in self._batch}
        return any(p.document.id in ids for p in batch)

    def submit(
        self, batch: Sequence[PreparedDocument], embeddings: Sequence[ChunkEmbedding], replaced: set[str]
    ) -> None:
        self.wait()
        if not batch:
            if self.on_batch is not None:
                self.on_batch(self.report)
            return
        self._batch, self._replaced = batch, replaced
        if self._executor is None:
            self.indexer.write(batch, embeddings)
            self._in_flight = Future()
            self._in_flight.set_result(None)
        else:
            self._in_flight = self._executor.submit(self.indexer.write, batch, embeddings)

    def wait(self) -> None:
        """Finish the write in flight (re-raising its error) and count its documents."""
        if self._in_flight is None:
            return
        future, self._in_flight = self._in_flight, None
        future.result()
        for prepared in self._batch:
            doc_id = prepared.document.id
            (self.report.replaced if doc_id in self._replaced else self.report.added).append(doc_id)
            self.report.chunks += len(prepared.chunks)
        self._batch = ()
        if self.on_batch is not None:
            self.on_batch(self.report)
