"""SIGKILL in the middle of an ingest, several times at random points: nothing is lost, nothing doubled.

Each round a real subprocess (tests/crash_ingest_worker.py) restarts on the data dir, re-runs the ingest the
previous process was killed in, and starts the next one, which the test kills after a seeded random delay.
After every re-run: every document of that corpus exactly once at its expected version, the catalog's chunk
ids equal the vector store's and the keyword index's, no journal rows left. At the end `newsdesk check`
agrees, and every document is still found by a dense query of its own text.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ingest.documents import clean_document
from ingest.loading import load_paths
from ingest.models import Article
from newsdesk.cli import main

WORKER = Path(__file__).with_name("crash_ingest_worker.py")
ROOT = WORKER.parent.parent
SEED = 20161129  # its five kill points span embed, indexes, switch and delete-old
PLACES = ["Springfield", "Riverton", "Lakeside", "Hillcrest", "Fairview", "Oakdale", "Brookfield"]
# Where kills aim: mostly inside a batch's write (journal -> indexes -> switch -> delete-old -> end-journal),
# sometimes in the embedding before it, where no write is in flight.
STEPS = ["embed", "journal", "indexes", "indexes", "switch", "delete-old", "end-journal"]
BATCH = 32  # the workers' NEWSDESK_INGEST_BATCH_DOCUMENTS: several batches, so kills land between them
TOPICS = ["budget", "school board", "bridge repair", "water rates", "library hours", "bus routes"]


def corpus(round_: int, articles: int) -> list[dict[str, str]]:
    """Round ``round_``'s articles: two in three change every round, one in three never, a few are new."""
    records = []
    for i in range(articles):
        revision = 0 if i % 3 == 0 else round_
        place, topic = PLACES[i % len(PLACES)], TOPICS[i % len(TOPICS)]
        records.append(
            {
                "id": f"story-{i:04d}",
                "title": f"{place} settles the {topic} ({i})",
                "text": f"The {place} council voted {i % 9 + 1} to {i % 4} on the {topic}, draft {revision}.",
            }
        )
    for extra in range(round_ * 4):
        records.append(
            {
                "id": f"late-{extra:03d}",
                "title": f"Late report {extra}",
                "text": f"Late report number {extra} arrived after the deadline.",
            }
        )
    return records


def write_corpus(directory: Path, round_: int, articles: int) -> Path:
    path = directory / f"round-{round_}.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in corpus(round_, articles)) + "\n", encoding="utf-8")
    return path


def expected_hashes(path: Path) -> dict[str, str]:
    return {a.id: clean_document(a).content_hash for a in load_paths([path]) if isinstance(a, Article)}


@dataclass(frozen=True)
class KillPoint:
    """SIGKILL ``delay`` seconds after the ``occurrence``-th announcement of write-protocol ``step``.

    With ``delay`` None the worker kills itself the moment that step returns: an exact point, for the stages
    a random delay rarely hits (between the vector store's write and the keyword index's, or just after the
    catalog switch).
    """

    step: str
    occurrence: int
    delay: float | None

    def __str__(self) -> str:
        when = "right after" if self.delay is None else f"{self.delay}s after the start of"
        return f"{when} {self.step} #{self.occurrence}"


# Default suite: two exact kills, one leaving a half-written batch to roll back, one a switched batch whose
# old versions must still be deleted (roll forward).
EXACT_KILLS = [KillPoint("vectors", 2, None), KillPoint("switch", 2, None)]


def random_kill_point(rng: random.Random, batches: int) -> KillPoint:
    # Seconds into an ingest would mostly land in embedding on a slow machine: aim at the protocol's steps
    # instead, then let a random delay carry the kill somewhere into or past that step.
    return KillPoint(rng.choice(STEPS), rng.randint(1, batches - 1), round(rng.uniform(0.0, 0.03), 3))


class Worker:
    """A worker subprocess whose output lines are read as they come, killed at its kill point."""

    def __init__(self, data_dir: Path, rerun: Path, following: Path | None, kill: KillPoint | None) -> None:
        args = [sys.executable, str(WORKER), str(data_dir), str(rerun)]
        if following is not None:
            args.append(str(following))
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TOKENIZERS_PARALLELISM": "false",
            "NEWSDESK_INGEST_BATCH_DOCUMENTS": str(BATCH),
        }
        if kill is not None and kill.delay is None:
            env["CRASH_WORKER_SELF_KILL"] = f"{kill.step}:{kill.occurrence}"
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.kill_point = kill
        self.killed = False
        self.events: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        seen = 0
        for line in self.process.stdout:
            event = json.loads(line)
            self.events.append(event)
            target = self.kill_point
            if event["event"] == "self-kill":
                self.killed = True
            if (
                target
                and target.delay is not None
                and event["event"] == "step"
                and event["step"] == target.step
                and not self.killed
            ):
                seen += 1
                if seen == target.occurrence:
                    time.sleep(target.delay)  # the pipe buffers what the worker prints meanwhile
                    self.process.send_signal(signal.SIGKILL)
                    self.killed = True

    def wait(self, timeout: float) -> None:
        try:
            self.process.wait(timeout=timeout)
        finally:
            self.process.kill()
            self._reader.join(timeout=10)
        if not self.killed:
            assert self.process.returncode == 0, self.failure()

    def event(self, name: str) -> dict[str, Any]:
        found = [e for e in self.events if e["event"] == name]
        assert found, self.failure()
        return found[-1]

    def last_step(self) -> str:
        steps = [e for e in self.events if e["event"] in ("ready", "step", "done")]
        return steps[-1].get("step", steps[-1]["event"]) if steps else "starting"

    def failure(self) -> str:
        stderr = self.process.stderr.read() if self.process.stderr and self.process.poll() is not None else ""
        return f"worker events: {self.events[-3:]}\nstderr tail: {stderr[-3000:]}"


def assert_rerun_complete(worker: Worker, corpus_path: Path) -> None:
    rerun = worker.event("rerun")
    assert rerun["failed"] == []
    report = rerun["report"]
    assert report["consistent"], report
    assert report["pending"] == [] and report["catalog_chunks"] == report["vector_chunks"]
    assert report["catalog_chunks"] == report["keyword_chunks"]
    # Every document of the corpus exactly once (the catalog's key), at exactly the version this ingest wrote.
    assert rerun["hashes"] == expected_hashes(corpus_path)


def stage(found: dict[str, Any]) -> str:
    """Where the previous process died, as its journal shows it."""
    pending, switched = len(found["report"]["pending"]), found["switched"]
    if not pending:
        return "no write in flight"
    if switched:
        return f"{pending} documents journaled, switched, old versions not yet deleted: roll forward"
    return f"{pending} documents journaled, catalog not switched: roll back"


@pytest.mark.parametrize(
    ("plan", "articles"),
    [
        # The default suite's share (~40 s on an idle machine, more on a busy one): both recovery directions.
        pytest.param(EXACT_KILLS, 96, id="exact-kills"),
        # Seeded random points of the protocol, several rounds: make test-slow.
        pytest.param(5, 300, id="5-random-kills", marks=pytest.mark.slow),
    ],
)
def test_sigkill_during_ingest_loses_and_doubles_nothing(
    tmp_path: Path, plan: list[KillPoint] | int, articles: int
) -> None:
    if isinstance(plan, int):
        rng = random.Random(SEED)
        plan = [random_kill_point(rng, batches=articles // BATCH) for _ in range(plan)]
    data_dir = tmp_path / "data"
    rounds = [write_corpus(tmp_path, r, articles) for r in range(len(plan) + 1)]
    kill_log: list[str] = []
    stages: list[str] = []

    for round_ in range(len(plan) + 1):
        kill = plan[round_] if round_ < len(plan) else None
        worker = Worker(data_dir, rounds[round_], rounds[round_ + 1] if kill else None, kill)
        worker.wait(timeout=300)
        if kill is not None:
            assert worker.killed, f"the ingest ended before {kill}"
            kill_log.append(f"{kill} (last step seen: {worker.last_step()})")
        if round_ > 0:
            stages.append(stage(worker.event("found")))
        assert_rerun_complete(worker, rounds[round_])

    for n, (kill, found) in enumerate(zip(kill_log, stages, strict=True), start=1):
        print(f"\nkill {n}: {kill} -> {found}")
    # A kill while a batch is written leaves journal rows that the restart resolved: the protocol was tested.
    assert any(s != "no write in flight" for s in stages), stages
    if plan is EXACT_KILLS:
        assert "roll back" in stages[0] and "roll forward" in stages[1], stages

    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "check", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["consistent"]
    assert_every_document_is_found(data_dir, rounds[-1])


def assert_every_document_is_found(data_dir: Path, corpus_path: Path) -> None:
    """The vector index is usable, not only listed: each article's own text finds it first."""
    from service.settings import Settings
    from service.stores import open_stores

    stores = open_stores(Settings(data_dir=data_dir))
    try:
        articles = [a for a in load_paths([corpus_path]) if isinstance(a, Article)]
        assert Counter(stores.vectors.iter_ids()) == Counter(stores.catalog.current_chunk_ids())
        sample = random.Random(SEED).sample(articles, 20)
        embeddings = stores.embedder.embed_documents([f"{a.title}\n\n{a.body}" for a in sample])
        for article, embedding in zip(sample, embeddings, strict=True):
            [(chunk_id, _)] = stores.vectors.query(embedding, k=1)
            assert chunk_id.startswith(f"{article.id}@"), (article.id, chunk_id)
    finally:
        stores.close()


pytestmark = pytest.mark.timeout(600)
