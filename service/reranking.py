"""Cross-encoder reranking of fused candidates, as a llama-index node postprocessor.

Scoring a whole 180-token chunk costs ~20 ms a pair on two cores; scoring its best two sentences (picked by
IDF-weighted overlap) costs a few ms each and is what the answerer needs anyway. A chunk's rerank score
is the best logit among its scored sentences (the "MaxP" rule), and those logits stay in the
cross-encoder's cache for the answerer.
"""

from __future__ import annotations

from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import NodeWithScore, QueryBundle
from pydantic import PrivateAttr

from ingest.keyword_index import analyze
from service.cross_encoder import CrossEncoder
from service.evidence import SentenceSplitCache, TermWeights, evidence_sentences, preselect

SENTENCES_PER_CHUNK = 1


class CrossEncoderReranker(BaseNodePostprocessor):
    candidates: int = 8
    sentences_per_chunk: int = SENTENCES_PER_CHUNK

    _scorer: CrossEncoder = PrivateAttr()
    _splits: SentenceSplitCache = PrivateAttr()
    _weights: TermWeights = PrivateAttr()

    def __init__(
        self,
        scorer: CrossEncoder,
        splits: SentenceSplitCache,
        weights: TermWeights,
        candidates: int = 8,
        sentences_per_chunk: int = SENTENCES_PER_CHUNK,
    ) -> None:
        super().__init__(candidates=candidates, sentences_per_chunk=sentences_per_chunk)
        self._scorer = scorer
        self._splits = splits
        self._weights = weights

    @classmethod
    def class_name(cls) -> str:
        return "CrossEncoderReranker"

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        if query_bundle is None or not nodes:
            return nodes
        question = query_bundle.query_str
        head, tail = nodes[: self.candidates], nodes[self.candidates :]
        terms = self._weights.idf(list(dict.fromkeys(analyze(question))))
        sentences = evidence_sentences(head, self._splits)
        picked = preselect(
            sentences, terms, len(head) * self.sentences_per_chunk, per_chunk=self.sentences_per_chunk
        )
        logits = self._scorer.score(question, [s.passage for s in picked]) if picked else []
        best: dict[int, float] = {}
        for sentence, logit in zip(picked, logits, strict=True):
            best[sentence.chunk_rank] = max(best.get(sentence.chunk_rank, float("-inf")), logit)
        floor = min(best.values(), default=0.0) - 1.0
        rescored = [
            NodeWithScore(node=node.node, score=best.get(rank, floor)) for rank, node in enumerate(head)
        ]
        rescored.sort(key=lambda n: n.score or 0.0, reverse=True)
        lowest = (rescored[-1].score or 0.0) if rescored else 0.0
        return rescored + [NodeWithScore(node=n.node, score=lowest - 1.0 - i) for i, n in enumerate(tail)]
