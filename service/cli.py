"""The ``newsdesk`` command: a thin layer over the same engine the API serves."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
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

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_engine(ctx: click.Context, writing: bool = False) -> Iterator[Any]:
    from service.engine import Newsdesk
    from service.server_lock import ServerLock

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

    from service.schemas import AskRequest

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


@main.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1, NEWSDESK_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 8000, NEWSDESK_PORT).")
@click.option(
    "--sample/--no-sample", default=True, help="Ingest the bundled sample corpus if the index is empty."
)
@click.pass_context
@friendly_errors
def serve(ctx: click.Context, host: str | None, port: int | None, sample: bool) -> None:
    """Serve the HTTP API (docs at /docs) and the chat UI (at /ui)."""
    import uvicorn

    from service.api import create_app
    from service.server_lock import ServerLock

    settings = settings_from(ctx).model_copy(update={"ingest_sample_if_empty": sample})
    host = host or settings.host
    port = port or settings.port
    lock = ServerLock(settings.data_dir)
    if not settings.chroma_host and not lock.acquire():
        raise click.ClickException(
            f"another Newsdesk server (pid {lock.holder()}) is already serving {settings.data_dir}"
        )
    click.echo(
        f"Newsdesk on http://{host}:{port}  (chat: /ui, API docs: /docs, data: {settings.data_dir})", err=True
    )
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    finally:
        lock.release()


@main.command()
@click.argument("dataset", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(exists=True, path_type=Path), help="Corpus to index first.")
@click.pass_context
@friendly_errors
def calibrate(ctx: click.Context, dataset: Path | None, corpus: Path | None) -> None:
    """Fit the refusal threshold and coverage weight on a golden set (default: the sample one)."""
    from eval.calibration import calibrate as fit
    from eval.calibration import collect_cases
    from eval.datasets import load_dataset, sample_golden_path
    from service.engine import sample_corpus_path

    with open_engine(ctx, writing=True) as engine:
        engine.ingest_paths([corpus or sample_corpus_path()])
        items = load_dataset(dataset or sample_golden_path())
        cases = collect_cases(engine, items)
        result = fit(cases, engine.settings.max_answer_sentences)
    click.echo(f"{result.correct}/{result.total} right ({result.accuracy:.1%}), margin {result.margin}")
    if result.failures:
        click.echo("wrong: " + ", ".join(result.failures))
    click.echo(f"NEWSDESK_COVERAGE_WEIGHT={result.coverage_weight}")
    click.echo(f"NEWSDESK_REFUSAL_THRESHOLD={result.threshold}")


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
    from service.server_lock import ServerLock
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


if __name__ == "__main__":
    main()
