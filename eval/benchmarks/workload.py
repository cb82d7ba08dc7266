"""The benchmark's articles and questions: eval.synthetic's deterministic news, the same for a seed."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Sequence

from eval.benchmarks.options import GENERATOR_SEED
from ingest.models import Article


def bench_records(count: int, seed: int = GENERATOR_SEED) -> list[dict]:
    """The benchmark corpus as JSONL records: realistic news articles, the same for a given seed."""
    from eval.synthetic import generate_articles

    return list(generate_articles(count, seed))


def bench_articles(count: int, seed: int = GENERATOR_SEED) -> list[Article]:
    from ingest.loading import article_from_record

    return [article_from_record(record, origin="bench") for record in bench_records(count, seed)]


def pipeline_inputs(
    articles: Sequence[Article], chunk_tokens: int
) -> list[tuple[str, list[tuple[int, int]]]]:
    """What the pipeline hands the embedder: each chunk's text and its sentence spans."""
    from ingest.indexing import chunk_input, prepare_document

    inputs = []
    for article in articles:
        prepared = prepare_document(article, chunk_tokens)
        inputs.extend(chunk_input(prepared, chunk) for chunk in prepared.chunks)
    return inputs


def question_pool(records: Sequence[dict], seed: int, wanted: int) -> list[str]:
    """Distinct realistic questions over the corpus (distinct because the models cache per question), about a
    fifth of them unanswerable, evenly spread; then the golden sets' questions, for runs that want more."""
    from eval.datasets import iter_dataset, sample_golden_path
    from eval.synthetic import generate_questions

    questions: list[str] = []
    answerable = max(1, round(wanted * 0.8))
    with contextlib.suppress(ValueError):  # a small corpus has too few facts for many questions
        generated = generate_questions(records, seed, answerable, max(0, wanted - answerable))
        planned = [q["question"] for q in generated]
        # The generator lists the unanswerable questions last: unshuffled, the last load level got all of
        # them (26 of its 64 answers grounded against 48 at the other levels) and levels were not comparable.
        random.Random(seed).shuffle(planned)
        questions.extend(planned)
    datasets = sample_golden_path().parent
    for path in (datasets / "synthetic_golden.jsonl", sample_golden_path()):
        questions.extend(item.question for item in iter_dataset(path))
    return list(dict.fromkeys(questions))
