"""What a bench run measures and at what sizes: the options, the sections, ``--quick``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

SECTIONS = ("encoder", "ingest", "textbook", "http", "news_ask", "scale", "news_ingest")
GENERATOR_SEED = 2026  # the seed of eval/datasets/synthetic_*: the golden questions' articles come first


@dataclass(frozen=True)
class BenchOptions:
    articles: int = 1000
    ingest_articles: int | None = None  # the memory run; None: the throughput run is the memory run
    news_articles: int | None = None  # news_ingest: the first this many of the real news corpus; None: all
    ask_chunks: int = 100_000
    scale: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    concurrency: tuple[int, ...] = (1, 4, 16)
    requests: int = 64  # per concurrency level
    queries: int = 50  # retrieval queries per retriever and scale point
    seed: int = GENERATOR_SEED
    sections: tuple[str, ...] = SECTIONS
    scale_build_limit_s: float | None = None  # stop filling a scale index after this long, and say so
    work_dir: Path | None = None
    output: Path | None = None  # rewritten after every section, so a long run leaves its partial results
    progress: bool = False

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be at least 1"
            for name in ("articles", "ask_chunks", "requests", "queries")
            if getattr(self, name) < 1
        ]
        if self.ingest_articles is not None and self.ingest_articles < 1:
            problems.append("ingest_articles must be at least 1")
        if self.news_articles is not None and self.news_articles < 1:
            problems.append("news_articles must be at least 1")
        if not self.scale or min(self.scale) < 1:
            problems.append("scale needs one or more sizes of at least 1 chunk")
        if not self.concurrency or min(self.concurrency) < 1:
            problems.append("concurrency needs one or more levels of at least 1")
        unknown = [s for s in self.sections if s not in SECTIONS]
        if unknown or not self.sections:
            problems.append(f"sections must be some of {', '.join(SECTIONS)} (got {', '.join(unknown)})")
        if problems:
            raise ValueError("; ".join(problems))


QUICK = {
    "articles": 12, "ask_chunks": 400, "scale": (200, 400), "requests": 4, "queries": 5, "news_articles": 20
}  # fmt: skip


def with_quick(options: BenchOptions, explicit: set[str]) -> BenchOptions:
    """``--quick``: tiny sizes for whatever the command line did not set itself."""
    return replace(options, **{k: v for k, v in QUICK.items() if k not in explicit})
