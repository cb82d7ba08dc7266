"""The article a follow-up's previous answer quoted: where the next answer most likely is.

"In which city is the company based?" after an answer about Snap's share offering asks about the story that
answer came from, and the rewritten question alone ("In which city is Snap Inc based?") may retrieve other
stories first. The turns carry only text (the OpenAI-compatible route has no place for citations), so the
article is found again by the answer's own words: an extractive answer quotes it verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from llama_index.core.schema import NodeWithScore

from ingest.catalog import CatalogStore, DocumentFilter
from ingest.chunking import split_sentences
from ingest.keyword_index import KeywordSearch
from service.answer.types import REFUSAL
from service.retrieve.followups import Turn, as_turns

_MARKER = re.compile(r"\s*\[\d+\]")
# A quoted sentence is found by this much of its middle: enough to be one article's, short enough to lie
# inside one chunk when the sentence straddles two.
PROBE_CHARS = 60
SEARCH_HITS = 5


def last_answer(history: Sequence[Turn | Mapping[str, str]]) -> str | None:
    """The text of the last assistant turn, if it answered (a refusal quotes nothing)."""
    for turn in reversed(as_turns(history)):
        if turn.role != "assistant":
            continue
        text = (turn.content or "").strip()
        return text if text and text != REFUSAL else None
    return None


def quoted_article(answer: str, keywords: KeywordSearch, catalog: CatalogStore) -> str | None:
    """The document whose text holds the answer's longest sentence, or None (a generated answer, an article
    since deleted)."""
    text = _MARKER.sub("", answer)
    sentences = [" ".join(text[start:end].split()) for start, end in split_sentences(text)]
    longest = max(sentences, key=len, default="")
    if len(longest) < 20:
        return None  # "He was 44." is in many articles
    middle = max(0, (len(longest) - PROBE_CHARS) // 2)
    probe = longest[middle : middle + PROBE_CHARS]
    hits = keywords.search(longest, SEARCH_HITS)
    records = catalog.chunk_records([chunk_id for chunk_id, _ in hits])
    for chunk_id, _ in hits:
        record = records.get(chunk_id)
        if record is not None and probe in " ".join(record.text.split()):
            return record.doc_id
    return None


def within(article: str, filters: DocumentFilter | None) -> DocumentFilter | None:
    """The reader's filters narrowed to one article; None when they exclude it."""
    if filters is None:
        return DocumentFilter(doc_ids=(article,))
    if filters.doc_ids is not None and article not in filters.doc_ids:
        return None
    return DocumentFilter(
        doc_ids=(article,),
        source=filters.source,
        published_from=filters.published_from,
        published_to=filters.published_to,
    )


def with_article_chunks(
    nodes: Sequence[NodeWithScore], article_chunks: Sequence[NodeWithScore], top_k: int
) -> list[NodeWithScore]:
    """``nodes`` with ``article_chunks`` among the first ``top_k``, in place of the last ones there: the judge
    reads them beside the best of the whole search and decides which answers."""
    first = {n.node.node_id for n in nodes[:top_k]}
    joining = [n for n in article_chunks if n.node.node_id not in first][:top_k]
    if not joining:
        return list(nodes)
    ids = {n.node.node_id for n in joining}
    rest = [n for n in nodes if n.node.node_id not in ids]
    keep = top_k - len(joining)
    return [*rest[:keep], *joining, *rest[keep:]]
