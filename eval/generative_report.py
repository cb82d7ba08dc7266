"""Answer accuracy and cited support of one answerer on a golden set: the table in docs/generative.md.

    python -m eval.generative_report --answerer extractive
    python -m eval.generative_report --answerer llama-cpp
    python -m eval.generative_report --answerer openai --start-llama-server   # llama.cpp's own server
    python -m eval.generative_report --answerer openai --openai-base-url http://host:8000/v1 --openai-model m

Accuracy: an answerable question is right when the answer contains an accepted answer (normalised), an
unanswerable one when it is refused. Supported sentences: the share of answer sentences whose cited
snippet supports them (``service.answer.verification.cited_support``), over all answers that are not refusals.
The sample corpus is indexed into a temporary directory unless ``--data-dir`` is given.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.datasets import GoldenItem, load_dataset, sample_golden_path
from eval.metrics import contains_answer, percentile
from service.answer.verification import cited_support
from service.engine import Newsdesk, sample_corpus_path
from service.settings import Settings


@dataclass
class ItemResult:
    id: str
    question: str
    answer: str
    grounded: bool
    correct: bool
    supported: int
    sentences: int
    seconds: float
    first_token_ms: float | None
    written: int = 0  # sentences the model wrote
    kept: int = 0  # of them, kept by verification
    dropped: int = 0
    fallback: bool = False


@dataclass
class Report:
    answerer: str
    model: str
    items: list[ItemResult] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def accuracy(self) -> float:
        return sum(i.correct for i in self.items) / len(self.items)

    @property
    def supported_share(self) -> float | None:
        total = sum(i.sentences for i in self.items)
        return sum(i.supported for i in self.items) / total if total else None

    def summary(self) -> dict[str, object]:
        seconds = [i.seconds for i in self.items]
        generated = [i for i in self.items if i.first_token_ms is not None]
        return {
            "answerer": self.answerer,
            "model": self.model,
            "questions": len(self.items),
            "accuracy": round(self.accuracy, 4),
            "correct": sum(i.correct for i in self.items),
            "supported_share": None if self.supported_share is None else round(self.supported_share, 4),
            "supported_sentences": sum(i.supported for i in self.items),
            "answer_sentences": sum(i.sentences for i in self.items),
            "model_calls": len(generated),
            # Before verification: how many of the sentences the model wrote their cited snippets support.
            "model_sentences": sum(i.written for i in self.items),
            "model_sentences_kept": sum(i.kept for i in self.items),
            "answers_with_dropped_sentences": sum(i.dropped > 0 for i in self.items),
            "dropped_sentences": sum(i.dropped for i in self.items),
            "fallbacks_to_extractive": sum(i.fallback for i in self.items),
            "seconds_mean": round(statistics.mean(seconds), 3),
            "seconds_p50": round(percentile(seconds, 50), 3),
            "seconds_p95": round(percentile(seconds, 95), 3),
            "first_token_ms_mean": (
                round(statistics.mean(i.first_token_ms for i in generated), 1) if generated else None
            ),
            "wall_seconds": round(self.wall_seconds, 1),
        }


def evaluate(engine: Newsdesk, items: list[GoldenItem], progress: bool = True) -> Report:
    generator = getattr(engine.answerer, "generator", None)
    report = Report(engine.answerer.name, getattr(generator, "model", "none"))
    started = time.perf_counter()
    for number, item in enumerate(items, start=1):
        mark = time.perf_counter()
        answer = engine.ask(item.question)
        seconds = time.perf_counter() - mark
        correct = (not answer.grounded) if item.unanswerable else (
            answer.grounded and contains_answer(answer.answer, item.answers)
        )  # fmt: skip
        tally = cited_support(answer, engine.support)
        checked = answer.verification
        report.items.append(
            ItemResult(
                id=item.id,
                question=item.question,
                answer=answer.answer,
                grounded=answer.grounded,
                correct=correct,
                supported=tally.supported,
                sentences=tally.sentences,
                seconds=round(seconds, 3),
                first_token_ms=answer.timings_ms.get("first_token"),
                written=checked.sentences if checked else 0,
                kept=checked.kept if checked else 0,
                dropped=checked.dropped if checked else 0,
                fallback=checked.fallback if checked else False,
            )
        )
        if progress:
            mark_char = "+" if correct else "-"
            print(
                f"{number:3d}/{len(items)} {mark_char} {item.id} {seconds:6.2f}s", file=sys.stderr, flush=True
            )
    report.wall_seconds = time.perf_counter() - started
    return report


@contextmanager
def engine_for(settings: Settings) -> Iterator[Newsdesk]:
    engine = Newsdesk(settings)
    try:
        engine.ingest_paths([sample_corpus_path()])
        engine.warm_up()
        yield engine
    finally:
        engine.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.generative_report", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--answerer", choices=["extractive", "llama-cpp", "openai"], default="extractive")
    parser.add_argument("--dataset", type=Path, default=sample_golden_path())
    parser.add_argument(
        "--data-dir", type=Path, help="index to use (default: a fresh one of the sample corpus)"
    )
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--model-path", type=Path, help="GGUF for llama-cpp and --start-llama-server")
    parser.add_argument("--openai-base-url")
    parser.add_argument("--openai-model")
    parser.add_argument("--openai-chat", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument(
        "--start-llama-server",
        action="store_true",
        help="serve the GGUF with llama-cpp-python's OpenAI-compatible server on loopback and ask it",
    )
    parser.add_argument("--json", type=Path, help="write the summary and every answer here")
    args = parser.parse_args(argv)

    items = load_dataset(args.dataset)[: args.limit]
    with ExitStack() as stack:
        data_dir = args.data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        overrides: dict[str, object] = {"data_dir": data_dir, "answerer": args.answerer}
        if args.model_path:
            overrides["llama_model_path"] = args.model_path
        if args.start_llama_server:
            from eval.llama_server import MODEL_ALIAS, llama_cpp_server
            from service.answer.llm import bundled_gguf_path

            model = args.model_path or bundled_gguf_path()
            overrides["openai_base_url"] = stack.enter_context(llama_cpp_server(model))
            overrides["openai_model"] = MODEL_ALIAS
            # A base model without a chat template: the same plain prompt as the llama-cpp backend.
            overrides["openai_chat"] = False
        for name in ("openai_base_url", "openai_model", "openai_chat"):
            if getattr(args, name) is not None:
                overrides[name] = getattr(args, name)
        engine = stack.enter_context(engine_for(Settings(**overrides)))
        report = evaluate(engine, items)

    summary = report.summary()
    print(json.dumps(summary, indent=2))
    share = summary["supported_share"]
    print(
        f"| {report.answerer} ({report.model}) | {summary['correct']}/{len(items)} ({report.accuracy:.1%}) | "
        f"{summary['supported_sentences']}/{summary['answer_sentences']}"
        f"{f' ({share:.1%})' if share is not None else ''} | {summary['seconds_mean']:.2f} s |"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "items": [asdict(i) for i in report.items]}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
