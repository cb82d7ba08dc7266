"""Answer and retrieval metrics: pure functions over plain values."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from service.answer.normalize import normalize_answer


def contains_answer(answer: str, accepted: Sequence[str]) -> bool:
    """Normalised containment of any accepted answer string. An accepted figure without its currency is held
    by one with it: "raised more than $45 million" holds "45 million" (not the other way round)."""
    haystack = f" {normalize_answer(answer)} "
    bare = haystack.replace("$", "")
    for wanted in filter(None, map(normalize_answer, accepted)):
        if f" {wanted} " in (haystack if "$" in wanted else bare):
            return True
    return False


def direct_answer_matches(direct: str, accepted: Sequence[str]) -> bool:
    """A short answer is right when it holds an accepted answer or is part of an accepted name
    ("Buffenbarger" of "Tom Buffenbarger")."""
    if contains_answer(direct, accepted):
        return True
    # A name's part counts; a part of a date or a figure ("June" of "June 22, 2015") does not.
    return any(not any(c.isdigit() for c in a) and contains_answer(a, [direct]) for a in accepted) and bool(
        normalize_answer(direct)
    )


def answered_and_cited(
    answer: str, grounded: bool, cited_doc_ids: Iterable[str], accepted: Sequence[str], gold: Sequence[str]
) -> tuple[bool, bool]:
    """Whether an answer holds an accepted string, and whether it cites a gold article: an answerable
    question is right when both hold (the eval runner and the bench score it the same way)."""
    return grounded and contains_answer(answer, accepted), bool(set(cited_doc_ids) & set(gold))


def token_f1(answer: str, accepted: Sequence[str]) -> float:
    """Best SQuAD token F1 against the accepted answers."""
    predicted = normalize_answer(answer).split()
    best = 0.0
    for gold in accepted:
        expected = normalize_answer(gold).split()
        common = Counter(predicted) & Counter(expected)
        overlap = sum(common.values())
        if not predicted or not expected or overlap == 0:
            continue
        precision, recall = overlap / len(predicted), overlap / len(expected)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def first_relevant_rank(ranked_doc_ids: Sequence[str], gold: Sequence[str]) -> int | None:
    """1-based rank of the first result from a gold document."""
    wanted = set(gold)
    for rank, doc_id in enumerate(ranked_doc_ids, start=1):
        if doc_id in wanted:
            return rank
    return None


def hit_at(ranked_doc_ids: Sequence[str], gold: Sequence[str], k: int) -> float:
    rank = first_relevant_rank(ranked_doc_ids, gold)
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(ranked_doc_ids: Sequence[str], gold: Sequence[str]) -> float:
    rank = first_relevant_rank(ranked_doc_ids, gold)
    return 1.0 / rank if rank else 0.0


def ndcg_at(ranked_doc_ids: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    """Binary-relevance nDCG over distinct documents (a document counts once, at its best rank)."""
    seen: list[str] = []
    for doc_id in ranked_doc_ids:
        if doc_id not in seen:
            seen.append(doc_id)
    wanted = set(gold)
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc_id in enumerate(seen[:k], start=1) if doc_id in wanted)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(wanted), k) + 1))
    return dcg / ideal if ideal else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]
