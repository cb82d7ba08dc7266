"""Stage 2, judge: the cross-encoder and the answerability checks score evidence sentences; the reranker
reorders the retrieved chunks by the same judge."""
