"""Two API hosts, no state of their own: real ``newsdesk serve`` processes with separate data directories on
one PostgreSQL and one ``chroma run`` (``make test-shared``).

In order: both start together on the empty stores and exactly one ingests the sample; a document added
through one host is answered through the other with the same citation offsets; a delete through one is
seen by the other within a second; a host SIGKILLed during a bulk ingest leaves the other to finish it,
with every document there once and the catalog, Chroma and the keyword index holding exactly the same
chunks.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from eval.loopback import checkout_env, newsdesk_command
from tests.shared_servers import running_chroma, running_postgres, unavailable_reason
from tests.test_server_mode import Process

pytest.importorskip("psycopg", reason="the postgres extra is missing: pip install -e .[postgres]")
pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or ""),
]

ROOT = Path(__file__).resolve().parent.parent
BULK = ROOT / "eval" / "datasets" / "synthetic_corpus.jsonl"  # 300 articles, in the repository
START_TIMEOUT_S = 240
REQUEST_TIMEOUT_S = 60
COUNCIL = {
    "id": "council-budget-2026",
    "title": "Millbrook council approves ferry budget",
    "text": "The Millbrook town council voted 6 to 3 on Tuesday to approve a $4.2 million budget for the "
    "harbour ferry.\n\nCouncillor Ada Okafor said the vote would keep the ferry running through 2027. "
    "The budget adds two evening crossings.",
    "source": "Millbrook Gazette",
    "published": "2026-03-03",
}
COUNCIL_QUESTION = "How much did the Millbrook council approve for the harbour ferry?"


@dataclass
class Stack:
    database: str
    chroma_port: int
    hosts: list[Process]
    urls: list[str]
    root: Path

    def settings_env(self, name: str) -> dict[str, str]:
        return {
            "NEWSDESK_DATA_DIR": str(self.root / name),
            "NEWSDESK_DATABASE_URL": self.database,
            "NEWSDESK_CHROMA_HOST": "127.0.0.1",
            "NEWSDESK_CHROMA_PORT": str(self.chroma_port),
        }


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("shared")
    with running_postgres() as postgres, running_chroma(root / "chroma") as chroma_port:
        database = postgres.new_database()
        stack = Stack(database, chroma_port, [], [], root)
        from eval.loopback import free_port

        for name in ("host-a", "host-b"):
            port = free_port()
            env = {
                **os.environ,
                **stack.settings_env(name),
                "NEWSDESK_UI": "false",
                # Small batches and a quick poll: the kill lands between many writes, the take-over is fast.
                "NEWSDESK_INGEST_BATCH_DOCUMENTS": "16",
                "NEWSDESK_JOB_POLL_SECONDS": "0.5",
                "NEWSDESK_LOG_FORMAT": "text",
            }
            args = newsdesk_command("serve", "--host", "127.0.0.1", "--port", str(port))
            stack.hosts.append(Process(name, args, checkout_env(env), root))
            stack.urls.append(f"http://127.0.0.1:{port}")
        try:
            for host, url in zip(stack.hosts, stack.urls, strict=True):
                host.wait_until_ready(f"{url}/healthz", timeout=START_TIMEOUT_S)
            yield stack
        finally:
            for host in stack.hosts:
                host.stop()


def as_document(row: dict[str, Any]) -> dict[str, Any]:
    """A JSONL line as the API takes it: keys it does not name go into metadata."""
    fields = {"id", "title", "text", "url", "source", "published", "byline"}
    return {key: row[key] for key in fields & row.keys()} | {
        "metadata": {key: value for key, value in row.items() if key not in fields}
    }


def ask(url: str, question: str) -> dict[str, Any]:
    response = httpx.post(f"{url}/v1/ask", json={"question": question}, timeout=REQUEST_TIMEOUT_S)
    assert response.status_code == 200, response.text
    return response.json()


def health(url: str) -> dict[str, Any]:
    return httpx.get(f"{url}/healthz", timeout=REQUEST_TIMEOUT_S).json()


def test_hosts_started_together_ingest_the_sample_once(stack):
    assert [health(url) for url in stack.urls] == [health(stack.urls[0])] * 2
    assert health(stack.urls[0])["documents"] == 5
    logs = "".join(host.log_tail(1_000_000) for host in stack.hosts)
    assert logs.count("ingested the sample corpus") == 1, "exactly one host should ingest the sample"
    for name in ("host-a", "host-b"):  # neither keeps a catalog or keyword index of its own
        assert not (stack.root / name / "catalog.sqlite3").exists()
        assert not (stack.root / name / "keyword_index").exists()


def test_a_document_added_through_one_host_is_answered_through_the_other(stack):
    first, second = stack.urls
    added = httpx.post(f"{first}/v1/documents", json=COUNCIL, timeout=REQUEST_TIMEOUT_S)
    assert added.status_code == 201, added.text
    answers = [ask(second, COUNCIL_QUESTION), ask(first, COUNCIL_QUESTION)]
    assert answers[0]["grounded"], answers[0]
    citation = answers[0]["citations"][0]
    assert citation["doc_id"] == COUNCIL["id"]
    assert answers[0]["citations"] == answers[1]["citations"]
    text = httpx.get(f"{second}/v1/documents/{COUNCIL['id']}", timeout=REQUEST_TIMEOUT_S).json()["text"]
    assert text[citation["start"] : citation["end"]] == citation["snippet"]
    assert "$4.2 million" in citation["snippet"]


def test_a_delete_through_one_host_is_seen_by_the_other_within_a_second(stack):
    first, second = stack.urls
    assert httpx.get(f"{first}/v1/documents/{COUNCIL['id']}", timeout=REQUEST_TIMEOUT_S).status_code == 200
    deleted = httpx.delete(f"{second}/v1/documents/{COUNCIL['id']}", timeout=REQUEST_TIMEOUT_S)
    assert deleted.status_code == 204, deleted.text
    seen_at = time.monotonic()
    while httpx.get(f"{first}/v1/documents/{COUNCIL['id']}", timeout=REQUEST_TIMEOUT_S).status_code != 404:
        assert time.monotonic() - seen_at < 1.0, "the other host still serves the deleted document"
        time.sleep(0.02)
    assert COUNCIL["id"] not in {c["doc_id"] for c in ask(first, COUNCIL_QUESTION)["citations"]}


def test_a_host_killed_during_a_bulk_ingest_leaves_the_other_to_finish_it(stack):
    first, second = stack.urls
    lines = BULK.read_text(encoding="utf-8").splitlines()
    documents = [as_document(json.loads(line)) for line in lines if line.strip()]
    before = health(second)["documents"]
    accepted = httpx.post(f"{first}/v1/ingest", json={"documents": documents}, timeout=REQUEST_TIMEOUT_S)
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]

    def job(url: str) -> dict[str, Any]:
        response = httpx.get(f"{url}/v1/jobs/{job_id}", timeout=REQUEST_TIMEOUT_S)
        assert response.status_code == 200, response.text
        return response.json()

    deadline = time.monotonic() + 300
    while job(second)["processed"] < 32:  # two batches in: the host is embedding or writing the next one
        assert time.monotonic() < deadline, job(second)
        time.sleep(0.05)
    os.killpg(stack.hosts[0].popen.pid, signal.SIGKILL)
    stack.hosts[0].popen.wait(timeout=10)
    killed_at = job(second)
    assert killed_at["status"] == "running" and killed_at["processed"] < len(documents), killed_at

    deadline = time.monotonic() + 600
    while (state := job(second))["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, state
        time.sleep(0.5)
    assert state["status"] == "succeeded", state
    assert state["failed"] == 0 and state["processed"] == len(documents), state
    assert state["added"] + state["unchanged"] == len(documents), state
    assert state["added"] < len(documents), "the host that took over should find the first one's documents"
    assert "resumed after" in state["message"], state
    assert "taking it over from" in stack.hosts[1].log_tail(1_000_000)

    # 0 lost, 0 duplicated: every document once, and the three stores hold exactly the current chunks.
    assert health(second)["documents"] == before + len(documents)
    from service.settings import Settings
    from service.stores import open_stores

    env = stack.settings_env("inspector")
    settings = Settings(
        data_dir=Path(env["NEWSDESK_DATA_DIR"]),
        database_url=env["NEWSDESK_DATABASE_URL"],
        chroma_host="127.0.0.1",
        chroma_port=stack.chroma_port,
    )
    stores = open_stores(settings)
    try:
        from ingest.consistency import check

        report = check(stores.indexer)
        assert report.consistent, report.problems()
        assert not report.pending
        vector_ids = list(stores.vectors.iter_ids())
        assert len(vector_ids) == len(set(vector_ids)) == report.catalog_chunks
        ids = set(stores.catalog.iter_document_ids())
        assert {d["id"] for d in documents} <= ids
        assert health(second)["chunks"] == report.catalog_chunks
    finally:
        stores.close()
