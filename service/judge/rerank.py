"""Cross-encoder reranking of fused candidates, as a llama-index node postprocessor.

Scoring a whole chunk costs several times what scoring its most promising sentence does, and the sentence is
what the answerer needs anyway. So a chunk's rerank score is the answer score of its best
sentence (the "MaxP" rule): the cross-encoder's logit with the same penalties the answerer applies, above
all the one for an article that never names what the question is about. The scores stay in the
cross-encoder's cache for the answerer.
"""

from __future__ import annotations

from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import NodeWithScore, QueryBundle
from pydantic import PrivateAttr

from service.judge.evidence_judge import EvidenceJudge

SENTENCES_PER_CHUNK = 1


class CrossEncoderReranker(BaseNodePostprocessor):
    candidates: int = 8
    sentences_per_chunk: int = SENTENCES_PER_CHUNK

    _judge: EvidenceJudge = PrivateAttr()

    def __init__(
        self, judge: EvidenceJudge, candidates: int = 8, sentences_per_chunk: int = SENTENCES_PER_CHUNK
    ) -> None:
        super().__init__(candidates=candidates, sentences_per_chunk=sentences_per_chunk)
        self._judge = judge

    @classmethod
    def class_name(cls) -> str:
        return "CrossEncoderReranker"

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        if query_bundle is None or not nodes:
            return nodes
        head, tail = nodes[: self.candidates], nodes[self.candidates :]
        judged = self._judge.judge(query_bundle.query_str, head, per_chunk=self.sentences_per_chunk)
        best: dict[int, float] = {}
        for passage in judged:  # best first: the first score seen for a chunk is its best
            best.setdefault(passage.sentence.chunk_rank, passage.score)
        floor = min(best.values(), default=0.0) - 1.0
        rescored = [
            NodeWithScore(node=node.node, score=best.get(rank, floor)) for rank, node in enumerate(head)
        ]
        rescored.sort(key=lambda n: n.score or 0.0, reverse=True)
        lowest = (rescored[-1].score or 0.0) if rescored else 0.0
        return rescored + [NodeWithScore(node=n.node, score=lowest - 1.0 - i) for i, n in enumerate(tail)]
