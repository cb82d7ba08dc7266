"""A deterministic generator of realistic news-like articles, and a labelled question set over them.

One generator serves two needs: a second golden evaluation set (questions whose answers are ground truth,
because they come from the facts the generator wrote, not from re-reading the text), and a benchmark corpus
of any size (10,000+ articles) for performance runs.

The committed files ``eval/datasets/synthetic_corpus.jsonl`` and ``eval/datasets/synthetic_golden.jsonl`` are
regenerated, byte for byte, with::

    python -m eval.synthetic --articles 300 --seed 2026 \\
        --corpus-out eval/datasets/synthetic_corpus.jsonl \\
        --questions-out eval/datasets/synthetic_golden.jsonl --answerable 60 --unanswerable 15

How determinism holds: article ``i`` is written from a random stream seeded by ``(seed, i)`` and from the plan
of its *cluster* of ten articles (seeded by ``(seed, i // 10)``), never from a shared running stream, so it is
the same whether 300 or 10,000 articles are generated. Every figure (a budget, a vote count, a mayor) comes
from hashing ``(seed, what, entity, year)``, so articles about the same event agree. No clock, no ``hash()``,
no set iteration.

Hard cases on purpose: each cluster holds a subject covered in three different years and another in two (a
question naming a year has a true-fact-from-the-wrong-year distractor), a pair of the same event in two
places in the same year (near-duplicate headlines), and stand-alone stories; some articles end in page
boilerplate (comments, newsletter offers, related links) that the cleaner removes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from eval.synth.articles import (
    SyntheticArticle,
    article_for_record,
    build_article,
    generate_articles,
    iter_articles,
)
from eval.synth.questions import (
    ANSWERABLE_STYLES,
    UNANSWERABLE_STYLES,
    PlannedQuestion,
    generate_questions,
    plan_questions,
)

__all__ = [
    "ANSWERABLE_STYLES",
    "UNANSWERABLE_STYLES",
    "PlannedQuestion",
    "SyntheticArticle",
    "article_for_record",
    "build_article",
    "generate_articles",
    "generate_questions",
    "iter_articles",
    "plan_questions",
]


def _write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Write through a temporary file beside ``path``, so a failed run never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    written = 0
    try:
        with temporary.open("w", encoding="utf-8", newline="\n") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return written


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.synthetic", description="Generate a synthetic news corpus and golden questions."
    )
    parser.add_argument("--articles", type=_positive, required=True, help="how many articles")
    parser.add_argument("--seed", type=_non_negative, required=True, help="the world and wording seed")
    parser.add_argument("--corpus-out", type=Path, required=True, help="JSONL file for the articles")
    parser.add_argument("--questions-out", type=Path, help="JSONL file for the golden questions")
    parser.add_argument("--answerable", type=_non_negative, default=60)
    parser.add_argument("--unanswerable", type=_non_negative, default=15)
    args = parser.parse_args(argv)
    for name in ("corpus_out", "questions_out"):
        path = getattr(args, name)
        if path is not None and path.is_dir():
            parser.error(f"--{name.replace('_', '-')}: {path} is a folder; give a file path")
    try:
        if args.questions_out is None:
            written = _write_jsonl(args.corpus_out, generate_articles(args.articles, args.seed))
            print(f"wrote {written} articles to {args.corpus_out}")
            return 0
        records = list(generate_articles(args.articles, args.seed))
        questions = generate_questions(records, args.seed, args.answerable, args.unanswerable)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    _write_jsonl(args.corpus_out, records)
    _write_jsonl(args.questions_out, questions)
    print(f"wrote {len(records)} articles to {args.corpus_out}")
    print(f"wrote {len(questions)} questions to {args.questions_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
