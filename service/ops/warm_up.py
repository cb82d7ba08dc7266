"""``python -m service.ops.warm_up``: load every model and answer one question over the sample corpus.

The Docker build runs it with the hub switched off, so an image whose models would need the network fails
to build instead of failing at its first question. It works in a throwaway data directory.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from service.settings import Settings, quiet_offline_environment

QUESTION = "When did Richard Trumka announce that the AFL-CIO would stay neutral?"


def warm_up() -> str:
    """A one-line summary; raises ``SystemExit`` when the sample corpus cannot be indexed and answered."""
    quiet_offline_environment()  # the image has no hub access: fail here, not at the first question
    from service.engine import Newsdesk, sample_corpus_path

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsdesk-warm-up-") as data_dir:
        engine = Newsdesk(
            Settings(
                data_dir=Path(data_dir), chroma_host=None, database_url=None, ingest_sample_if_empty=False
            )
        )
        try:
            report = engine.ingest_paths([sample_corpus_path()])
            answer = engine.ask(QUESTION)
        finally:
            engine.close()
    if not report.ok or not report.added:
        raise SystemExit(f"warm-up: the sample corpus did not index: {report.summary()}")
    if not answer.grounded:
        raise SystemExit(f"warm-up: no grounded answer to {QUESTION!r}: {answer.answer}")
    return f"warm-up: models loaded, {report.summary()}, answered in {time.perf_counter() - started:.1f}s"


if __name__ == "__main__":
    print(warm_up())
