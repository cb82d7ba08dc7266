"""The process test_crash_safety.py kills: restart on a data dir, re-run the last ingest, start the next.

Usage: ``python tests/crash_ingest_worker.py DATA_DIR RERUN.jsonl [NEXT.jsonl]``. It prints one JSON object a
line, flushed, so the parent knows how far it got when it sends SIGKILL:

- ``found``: the stores as the last process left them, read before anything recovers them;
- ``recovered``: after ``Newsdesk(settings)``, which runs ``Indexer.recover()`` like every start;
- ``rerun``: the re-run of RERUN.jsonl finished, with the stores' consistency and each document's hash;
- ``ready``: the ingest of NEXT.jsonl begins (the parent's kill clock starts here);
- ``step``: the write protocol reached a step (embed, journal, indexes, vectors, switch, delete-old,
  end-journal);
- ``self-kill``: with CRASH_WORKER_SELF_KILL=step:n, the worker SIGKILLs itself as that step returns;
- ``done``: NEXT.jsonl went in completely.

The steps are announced by wrapping the real methods of this process's engine, which still run unchanged.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest.consistency import inspect_stores
from ingest.loading import load_paths
from service.engine import Newsdesk
from service.settings import Settings
from service.stores import open_stores


def say(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}, default=str) + "\n")
    sys.stdout.flush()


SELF_KILL = os.environ.get("CRASH_WORKER_SELF_KILL", "")
_calls: dict[str, int] = {}


def announced(step: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        say("step", step=step)
        result = method(*args, **kwargs)
        _calls[step] = _calls.get(step, 0) + 1
        if f"{step}:{_calls[step]}" == SELF_KILL:
            say("self-kill", step=step)
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    return wrapper


def consistency(engine_or_stores: Any) -> dict[str, Any]:
    report = inspect_stores(engine_or_stores.catalog, engine_or_stores.vectors, engine_or_stores.keywords)
    return report.to_dict()


def main(data_dir: Path, rerun: Path, following: Path | None) -> None:
    settings = Settings(data_dir=data_dir, rerank=False)
    stores = open_stores(settings)
    versions = stores.catalog.current_versions()
    pending = stores.catalog.pending_writes()
    switched = sum(1 for p in pending if versions.get(p.doc_id, (None,))[0] == p.new_version)
    say("found", report=consistency(stores), switched=switched)
    stores.close()

    engine = Newsdesk(settings)
    say("recovered", report=consistency(engine))
    report = engine.ingest_paths([rerun])
    say(
        "rerun",
        summary=report.summary(),
        failed=[str(f) for f in report.failed],
        report=consistency(engine),
        hashes={
            doc_id: h
            for doc_id, (h, _, _) in engine.catalog.hashes(list(engine.catalog.iter_document_ids())).items()
        },
    )
    if following is None:
        return

    engine.embedder.embed_query("warm up")  # the model loads before the kill clock starts
    indexer, catalog = engine.indexer, engine.catalog
    engine.embedder.embed_chunks = announced("embed", engine.embedder.embed_chunks)  # type: ignore[method-assign]
    catalog.begin_writes = announced("journal", catalog.begin_writes)  # type: ignore[method-assign]
    indexer._write_indexes = announced("indexes", indexer._write_indexes)  # type: ignore[method-assign]
    # Inside the index writes: after the vector store's upsert, before the keyword index's commit.
    engine.vectors.upsert = announced("vectors", engine.vectors.upsert)  # type: ignore[method-assign]
    catalog.switch_versions = announced("switch", catalog.switch_versions)  # type: ignore[method-assign]
    indexer._delete_versions = announced("delete-old", indexer._delete_versions)  # type: ignore[method-assign]
    catalog.end_writes = announced("end-journal", catalog.end_writes)  # type: ignore[method-assign]
    say("ready")
    report = engine.indexer.ingest(load_paths([following]))
    say("done", summary=report.summary())


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
