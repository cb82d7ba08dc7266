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

from service.settings import Settings, quiet_offline_environment

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
    quiet_offline_environment()  # before any command imports a model library
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
