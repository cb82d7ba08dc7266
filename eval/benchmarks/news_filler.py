"""The scale filler from real text: sentences of the real news corpus, resampled and re-dated (issue 24).

The synthetic towns' filler recombined the sentences of 1,000 generated local-government articles, so every
sentence recurred hundreds of times and a question's content words ("county", "budget") were in a third to
half of all chunks: postings far denser than an archive's. Here the filler documents are made of the
sentences of the 3,780 real articles (about 100,000 distinct sentences, nine outlets' vocabulary), drawn at
random, under the real headlines and outlets, with new dates (2012-2024), and the questions are the news
question set's.

The vectors stay synthetic: perturbed copies of real chunk vectors (the real corpus's when this run indexed
it, else the benchmark articles'), since embedding a million chunks would take about 70 minutes of both cores
here. So the keyword side sees an archive's postings and the dense side an archive's geometry, but a chunk's
vector is not its text's. Without the real corpus (``--quick`` or no network) the filler is the synthetic
articles' sentences, as before, and the JSON says so.
"""

from __future__ import annotations

import json
from itertools import islice
from typing import TYPE_CHECKING, Any

from eval.benchmarks.news_ask import DATASETS, news_corpus_file

QUICK_ARTICLES = 40

if TYPE_CHECKING:
    from eval.benchmarks.filler import FillerPool
    from eval.benchmarks.run import BenchRun


def news_questions(wanted: int) -> list[str]:
    """Every question of the news set (follow-ups searched as asked), repeated if more are wanted."""
    lines = (DATASETS / "news_golden.jsonl").open()
    questions = list(dict.fromkeys(json.loads(line)["question"] for line in lines if line.strip()))
    return (questions * (wanted // len(questions) + 1))[:wanted]


def news_filler_pool(run: BenchRun, corpus: Any, limit: int | None = None) -> tuple[FillerPool, str]:
    from eval.benchmarks.filler import filler_pool, read_chunk_vectors
    from ingest.loading import load_paths
    from ingest.models import Article

    articles = list(islice((a for a in load_paths([corpus]) if isinstance(a, Article)), limit))
    index = getattr(run, "news_index", None)
    if index is not None:
        vectors = read_chunk_vectors(run.settings.model_copy(update={"data_dir": index["data_dir"]}))
        source = f"the real news corpus's chunk vectors ({len(vectors)})"
    else:
        vectors = run.pool.vectors
        source = f"the benchmark articles' chunk vectors ({len(vectors)})"
    return filler_pool(articles, vectors), source


def scale_inputs(run: BenchRun, wanted: int) -> tuple[FillerPool, list[str], dict[str, Any]]:
    """The pool the scale indexes are filled from, the questions they are asked, and what both are."""
    quick = run.options.requests < 8
    corpus, reason = news_corpus_file(run.settings, quick)
    if corpus is None:
        why = reason or ""
        return (
            run.pool,
            run.questions(wanted)[:wanted],
            {
                "text": "sentences of the benchmark's synthetic articles, recombined",
                "questions": "the benchmark's synthetic questions",
                "vectors": "synthetic: perturbed copies of the benchmark articles' chunk vectors",
                "why_not_real_text": why,
            },
        )
    pool, vectors = news_filler_pool(run, corpus, QUICK_ARTICLES if quick else None)
    return (
        pool,
        news_questions(wanted),
        {
            "text": f"the real news corpus's sentences ({len(pool.sentences)}, {len(pool.titles)} articles), "
            "resampled into new documents under real headlines and outlets, re-dated 2012-2024",
            "questions": "the news question set's (eval/datasets/news_golden.jsonl)",
            "vectors": f"synthetic: perturbed copies (cosine about 0.9) of {vectors}; embedding 1M chunks "
            "for real is out of reach on two cores (about 70 minutes of both)",
            "corpus": str(corpus),
            **({"quick": f"--quick: the first {QUICK_ARTICLES} articles' sentences only"} if quick else {}),
        },
    )


def filler_label(scale: dict[str, Any]) -> str:
    return "real text" if "corpus" in scale.get("filler", {}) else "synthetic text"


__all__ = ["filler_label", "news_filler_pool", "news_questions", "scale_inputs"]
