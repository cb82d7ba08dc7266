"""Evidence sentences: the units an answer is made of, each with the context a reader needs.

A retrieved chunk is split into its sentences (offsets into the document text). A sentence that leans on the
one before it ("He is not motivated.", "That move was...") carries that previous sentence as context, so the
scorer judges the pair and the citation quotes both.
"""

from __future__ import annotations

import math
import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import zip_longest

import numpy as np
from llama_index.core.schema import NodeWithScore

from ingest.catalog import CatalogStore
from ingest.chunking import Span, split_sentences
from ingest.keyword_index import KeywordSearch, analyze

# Openings that point back to the previous sentence.
_LEANS_BACK = re.compile(
    r"^[\"'“‘(\[…\s]*(that|there|then|but|however|still|yet|also|meanwhile|instead|therefore|thus|so|both|"
    r"neither|the move|the decision|the announcement|the memo|the email|the statement|the vote|the deal|"
    r"the group|one (?:is|was|has|had|of them)|the other|another|others|the rest|the latter|the former)\b",
    re.IGNORECASE,
)
# "it", "this", "these" anywhere ("Only three officers are aware of this") point outside the sentence.
_DEMONSTRATIVE = re.compile(r"\b(it|its|it's|this|these|those|such)\b", re.IGNORECASE)
# "he", "their" point outside the sentence unless a name comes before them in it.
_PERSONAL = re.compile(r"\b(he|she|they|them|their|theirs|his|her|him)\b", re.IGNORECASE)
_NAME = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+|\b[A-Z]{2,}\b")
_OPENS_QUOTE = re.compile(r"^[\"“‘]")
SHORT_SENTENCE_WORDS = 6


@dataclass(frozen=True)
class EvidenceSentence:
    doc_id: str
    title: str
    start: int  # of the sentence itself
    end: int
    passage_start: int  # of what is scored and quoted: the sentence, or its predecessor and it
    passage: str
    chunk_rank: int  # rank of the retrieved chunk it came from (0 = best)
    sentence: str  # the sentence alone
    window: str  # the sentences before and after too: where the question's terms may be found
    published: date | None = None
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)  # late-chunked, from ingest
    document: str = field(default="", repr=False, compare=False)  # the whole cleaned text
    title_derived: bool = False  # an untitled article's title is its first sentence, not a headline line

    @property
    def headline(self) -> str:
        """The title where the text opens with it as its headline line, else empty."""
        opens_with_it = bool(self.title) and self.document.startswith(self.title + "\n")
        return self.title if opens_with_it and not self.title_derived else ""

    @property
    def has_context(self) -> bool:
        return self.passage_start < self.start

    def variants(self) -> list[EvidenceSentence]:
        """The sentence alone, and with the sentence it leans on: the judge keeps whichever reads better."""
        if not self.has_context:
            return [self]
        return [replace(self, passage_start=self.start, passage=self.sentence), self]


def _to_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def leans_on_previous(sentence: str) -> bool:
    if _LEANS_BACK.match(sentence) or _OPENS_QUOTE.match(sentence) or _DEMONSTRATIVE.search(sentence):
        return True
    if len(sentence.split()) < SHORT_SENTENCE_WORDS:
        return True
    personal = _PERSONAL.search(sentence)
    return bool(personal) and not _NAME.search(sentence[: personal.start()])


class SentenceSplitCache:
    """Sentence spans per document version: split once, reused by every question that retrieves it."""

    def __init__(self, catalog: CatalogStore, size: int = 2048) -> None:
        self.catalog = catalog
        self.size = size
        self._spans: OrderedDict[tuple[str, str], list[Span]] = OrderedDict()
        self._lock = threading.Lock()

    def texts_and_spans(self, doc_ids: Sequence[str]) -> dict[str, tuple[str, list[Span]]]:
        found: dict[str, tuple[str, list[Span]]] = {}
        for doc_id, (version, text) in self.catalog.document_texts(doc_ids).items():
            key = (doc_id, version)
            with self._lock:
                spans = self._spans.get(key)
                if spans is not None:
                    self._spans.move_to_end(key)
            if spans is None:
                spans = split_sentences(text)
                with self._lock:
                    self._spans[key] = spans
                    while len(self._spans) > self.size:
                        self._spans.popitem(last=False)
            found[doc_id] = (text, spans)
        return found


def evidence_sentences(nodes: Sequence[NodeWithScore], splits: SentenceSplitCache) -> list[EvidenceSentence]:
    """The sentences of the given chunks, in rank order, each with its context passage."""
    docs = splits.texts_and_spans([n.node.metadata["doc_id"] for n in nodes])
    vectors = splits.catalog.sentence_vectors([n.node.node_id for n in nodes])
    found: list[EvidenceSentence] = []
    seen: set[tuple[str, int]] = set()
    for rank, hit in enumerate(nodes):
        doc_id = hit.node.metadata["doc_id"]
        if doc_id not in docs:
            continue
        text, spans = docs[doc_id]
        chunk_start, chunk_end = hit.node.start_char_idx or 0, hit.node.end_char_idx or len(text)
        if text[chunk_start:chunk_end] != hit.node.get_content():
            continue  # the document was replaced since the chunk was retrieved: its offsets point elsewhere
        chunk_vectors = vectors[hit.node.node_id].by_start() if hit.node.node_id in vectors else {}
        # Spans are ordered and disjoint: the chunk's are a run found by bisection, not by a walk over a long
        # document's every sentence for each hit.
        first = bisect_right(spans, chunk_start, key=lambda span: span[1])
        for i in range(first, len(spans)):
            whole_start, whole_end = spans[i]
            if whole_start >= chunk_end:
                break
            # A sentence too long for one chunk was cut across chunks at ingest: each chunk holds a piece, and
            # the piece is what it offers (its vector is keyed by the piece's start).
            start, end = max(whole_start, chunk_start), min(whole_end, chunk_end)
            if start >= end or (doc_id, start) in seen:
                continue
            seen.add((doc_id, start))
            first_piece, last_piece = start == whole_start, end == whole_end
            passage_start = start
            if i > 0 and first_piece and leans_on_previous(text[start:end]):
                passage_start = spans[i - 1][0]
            window_start = spans[i - 1][0] if i > 0 and first_piece else start
            window_end = spans[i + 1][1] if i + 1 < len(spans) and last_piece else end
            found.append(
                EvidenceSentence(
                    doc_id=doc_id,
                    title=hit.node.metadata.get("title", ""),
                    start=start,
                    end=end,
                    passage_start=passage_start,
                    passage=text[passage_start:end],
                    chunk_rank=rank,
                    sentence=text[start:end],
                    window=text[window_start:window_end],
                    published=_to_date(hit.node.metadata.get("published")),
                    vector=chunk_vectors.get(start),
                    document=text,
                    title_derived=hit.node.metadata.get("title_derived", False),
                )
            )
    return found


class TermWeights:
    """Inverse document frequencies from the keyword index, for cheap lexical ranking of sentences."""

    def __init__(self, keywords: KeywordSearch) -> None:
        self.keywords = keywords

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        freqs, total = self.keywords.doc_freqs(terms)
        return {term: math.log(1 + (total - df + 0.5) / (df + 0.5)) for term, df in freqs.items()}


def lexical_overlap(question_terms: dict[str, float], passage: str) -> float:
    """Share of the question's (IDF-weighted) terms that the passage contains."""
    total = sum(question_terms.values())
    if total <= 0:
        return 0.0
    present = set(analyze(passage))
    return sum(weight for term, weight in question_terms.items() if term in present) / total


def preselect(
    sentences: Sequence[EvidenceSentence],
    question_terms: dict[str, float],
    question_vector: np.ndarray | None,
    limit: int,
    per_chunk: int | None = None,
    typed: Callable[[EvidenceSentence], bool] = lambda s: True,
) -> list[EvidenceSentence]:
    """The sentences most worth a cross-encoder call.

    Two cheap rankings, taken together: cosine similarity of the sentence's late-chunked vector to the
    question (finds paraphrases: "in charge on the sidelines" ~ "coach") and IDF-weighted word overlap (finds
    the rare names and numbers embeddings blur). Their union, alternating between them, up to ``limit``; with
    ``per_chunk``, at most that many from each chunk (the reranker wants every candidate chunk judged).
    Sentences holding the kind of thing the question asks for (``typed``: a date, a number, a person) go
    first in both rankings.
    """
    has_type = [typed(s) for s in sentences]
    lexical = [lexical_overlap(question_terms, s.passage) - 0.02 * s.chunk_rank for s in sentences]
    by_lexical = sorted(range(len(sentences)), key=lambda i: (not has_type[i], -lexical[i], i))
    dense = [
        float(np.dot(s.vector.astype(np.float32), question_vector))
        if s.vector is not None and question_vector is not None
        else float("-inf")
        for s in sentences
    ]
    by_dense = sorted(
        (i for i in range(len(sentences)) if dense[i] > float("-inf")),
        key=lambda i: (not has_type[i], -dense[i], i),
    )
    picked: list[int] = []
    taken: dict[int, int] = {}
    for i in _alternate(by_dense, by_lexical):
        if len(picked) >= limit:
            break
        rank = sentences[i].chunk_rank
        if i in picked or (per_chunk is not None and taken.get(rank, 0) >= per_chunk):
            continue
        taken[rank] = taken.get(rank, 0) + 1
        picked.append(i)
    return [sentences[i] for i in picked]


def _alternate(first: Sequence[int], second: Sequence[int]) -> Iterator[int]:
    for pair in zip_longest(first, second):
        for item in pair:
            if item is not None:
                yield item
