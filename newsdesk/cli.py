"""The ``newsdesk`` command: the product commands of ``service.cli``, ``serve`` (the API with the chat UI)
and the evaluation commands ``eval`` registers.
"""

from __future__ import annotations

import click

from eval.cli import register as register_eval_commands
from newsdesk.app import FACTORY, create_app
from service.cli import friendly_errors, main, settings_from

__all__ = ["main"]


@click.command()
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
    from service.api.logging import configure_logging, logging_config
    from service.ops.server_lock import ServerLock
    from service.ops.serving import serve as serve_one
    from service.ops.serving import serve_workers

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
            serve_workers(settings, host, port, workers, FACTORY)
    finally:
        lock.release()


main.add_command(serve)
register_eval_commands(main)
