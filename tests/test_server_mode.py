"""Scale-out on a real Chroma server: engines and servers sharing one data directory and one ``chroma run``.

The full scenario (``slow``): a one-worker server and a two-worker server start together on an empty data
directory (three processes race to create the stores and to ingest the sample corpus), then must give
identical answers, all see a delete made by the CLI in another process, and all see the re-ingest; the
catalog, Chroma and tantivy must hold the same chunks at every step. The default suite runs the same
story with two engines in this process (no model loads of their own), and the command-line checks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from eval.loopback import checkout_env, free_port, newsdesk_command, wait_until_ready
from newsdesk.cli import main
from service.engine import Newsdesk, VectorStoreMismatchError
from service.settings import Settings
from tests.shared_servers import running_chroma

TRUMKA_DOC = "001_232c99f60a508717"
QUESTIONS = {
    "When did Richard Trumka announce that the AFL-CIO would stay neutral?": TRUMKA_DOC,
    "Who offered a jet to get Clinton to the endorsement dinner?": None,
    "How many emails did WikiLeaks release on Wednesday?": "000_ed48cb7ca0d72a48",
}
START_TIMEOUT_S = 180  # two servers load torch, the models and Gradio at once on a small shared machine
REQUEST_TIMEOUT_S = 60


class Process:
    """A child process in its own session, its output in a log file; stopped (group and all) on close, so a
    server's worker processes go with it."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.popen = subprocess.Popen(
            args, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def wait_until_ready(self, url: str, timeout: float) -> None:
        try:
            wait_until_ready(self.popen, url, timeout, self.name, self.log_tail)
        except RuntimeError as error:
            pytest.fail(str(error))

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._log.close()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[[str, list[str], dict[str, str]], Process]]:
    started: list[Process] = []

    def start(name: str, args: list[str], env: dict[str, str]) -> Process:
        process = Process(name, args, env, tmp_path)
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    with running_chroma(tmp_path / "c") as port:
        yield port


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer without its timings, the one field two servers may rightly disagree on."""
    return {key: value for key, value in answer.items() if key != "timings_ms"}


def ask_all(urls: list[str], question: str) -> dict[str, Any]:
    """The answer every server gives; twice each, on fresh connections, to reach more than one worker."""
    answers = []
    for url in urls * 2:
        response = httpx.post(f"{url}/v1/ask", json={"question": question}, timeout=REQUEST_TIMEOUT_S)
        assert response.status_code == 200, response.text
        answers.append(comparable(response.json()))
    assert all(answer == answers[0] for answer in answers), f"the servers disagree on {question!r}"
    return answers[0]


def listed_ids(url: str) -> list[str]:
    response = httpx.get(f"{url}/v1/documents", params={"limit": 1000}, timeout=REQUEST_TIMEOUT_S)
    assert response.status_code == 200, response.text
    return [document["id"] for document in response.json()["documents"]]


def assert_stores_agree(settings: Settings, urls: list[str], documents: int) -> None:
    """Catalog, Chroma and tantivy hold exactly the current chunks, and every server reports the same."""
    engine = Newsdesk(settings)
    try:
        current = engine.catalog.current_chunk_ids()
        assert engine.catalog.count_documents() == documents
        assert set(engine.vectors.iter_ids()) == current
        assert set(engine.keywords.iter_ids()) == current
        assert engine.vectors.count() == engine.keywords.count() == len(current)
    finally:
        engine.close()
    for url in urls:
        health = httpx.get(f"{url}/healthz", timeout=REQUEST_TIMEOUT_S).json()
        assert health == {"status": "ok", "documents": documents, "chunks": len(current)}, url


def test_two_engines_share_one_chroma_server_and_data_dir(
    tmp_path: Path, chroma_server: int, sample_dir: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=chroma_server)
    first, second = Newsdesk(settings), Newsdesk(settings)
    try:
        assert len(first.ingest_paths([sample_dir]).added) == 5
        assert len(second.ingest_paths([sample_dir]).unchanged) == 5
        for question, doc_id in list(QUESTIONS.items())[:2]:
            answers = [comparable(asdict(engine.ask(question))) for engine in (first, second)]
            assert answers[0] == answers[1], question
            assert answers[0]["grounded"], question
            if doc_id:
                assert answers[0]["citations"][0]["doc_id"] == doc_id, question

        assert second.delete([TRUMKA_DOC, "no-such-doc"]) == [TRUMKA_DOC]
        assert first.catalog.get_document(TRUMKA_DOC) is None
        trumka = next(iter(QUESTIONS))
        assert TRUMKA_DOC not in {c.doc_id for c in first.ask(trumka).citations}
        assert_stores_agree(settings, [], documents=4)

        assert first.ingest_paths([sample_dir]).added == [TRUMKA_DOC]
        assert second.ask(trumka).citations[0].doc_id == TRUMKA_DOC
        assert_stores_agree(settings, [], documents=5)
    finally:
        first.close()
        second.close()


@pytest.mark.slow
def test_servers_share_one_chroma_server_and_data_dir(
    tmp_path: Path, chroma_server: int, processes: Callable[..., Process], sample_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    server_env = {
        "NEWSDESK_DATA_DIR": str(data_dir),
        "NEWSDESK_CHROMA_HOST": "127.0.0.1",
        "NEWSDESK_CHROMA_PORT": str(chroma_server),
        # The chat is not under test here, and importing Gradio is a third of a server's start.
        "NEWSDESK_UI": "false",
    }
    settings = Settings(data_dir=data_dir, chroma_host="127.0.0.1", chroma_port=chroma_server)
    cli = CliRunner()

    def run_cli(*args: str) -> Any:
        return cli.invoke(main, list(args), env=server_env, catch_exceptions=False)

    # Three processes start on an empty data directory and race to create the stores and ingest the sample.
    ports = [free_port(), free_port()]
    servers = [
        processes(
            f"server-{port}-{workers}-workers",
            newsdesk_command("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", workers),
            checkout_env({**os.environ, **server_env}),
        )
        for port, workers in zip(ports, ["1", "2"], strict=True)
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    for server, url in zip(servers, urls, strict=True):
        server.wait_until_ready(f"{url}/healthz", timeout=START_TIMEOUT_S)
    for port in ports:  # the container's HEALTHCHECK probe, against a real server
        probe = subprocess.run(
            [sys.executable, "-m", "service.ops.healthcheck"],
            env={**os.environ, "NEWSDESK_PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert probe.returncode == 0, probe.stderr
    assert_stores_agree(settings, urls, documents=5)
    logs = "".join(server.log_tail(1_000_000) for server in servers)
    assert logs.count("ingested the sample corpus") == 1, "exactly one worker should ingest the sample"

    # The CLI in yet another process sees the same index through the same Chroma server.
    unchanged = run_cli("ingest", str(sample_dir))
    assert unchanged.exit_code == 0, unchanged.output
    assert "0 added, 0 replaced, 5 unchanged" in unchanged.output

    for question, doc_id in QUESTIONS.items():
        answer = ask_all(urls, question)
        assert answer["grounded"], question
        if doc_id:
            assert answer["citations"][0]["doc_id"] == doc_id, question

    deleted = run_cli("delete", TRUMKA_DOC)
    assert deleted.exit_code == 0, deleted.output
    assert "1 deleted, 0 unknown" in deleted.output
    for url in urls:
        assert TRUMKA_DOC not in listed_ids(url)
        assert httpx.get(f"{url}/v1/documents/{TRUMKA_DOC}", timeout=REQUEST_TIMEOUT_S).status_code == 404
    for question in QUESTIONS:
        answer = ask_all(urls, question)
        assert TRUMKA_DOC not in {c["doc_id"] for c in answer["citations"]}, question
    assert_stores_agree(settings, urls, documents=4)

    again = run_cli("ingest", str(sample_dir))
    assert again.exit_code == 0, again.output
    assert "1 added, 0 replaced, 4 unchanged" in again.output
    for url in urls:
        assert TRUMKA_DOC in listed_ids(url)
    trumka = next(iter(QUESTIONS))
    assert ask_all(urls, trumka)["citations"][0]["doc_id"] == TRUMKA_DOC
    assert_stores_agree(settings, urls, documents=5)


def test_several_workers_need_a_chroma_server(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(tmp_path / "data"), "serve", "--workers", "2"],
        env={"NEWSDESK_CHROMA_HOST": ""},
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert "2 workers need a Chroma server" in result.output
    assert "Traceback" not in result.output


def test_a_data_dir_stays_with_the_vector_store_it_was_indexed_into(
    tmp_path: Path, chroma_server: int
) -> None:
    article = tmp_path / "budget-vote.txt"
    article.write_text(
        "Council passes the budget\n\nThe council passed the budget on Tuesday.", encoding="utf-8"
    )
    data_dir = tmp_path / "data"
    embedded = Newsdesk(Settings(data_dir=data_dir))
    try:
        assert embedded.ingest_paths([article]).added == ["budget-vote"]
    finally:
        embedded.close()

    server = {"NEWSDESK_CHROMA_HOST": "127.0.0.1", "NEWSDESK_CHROMA_PORT": str(chroma_server)}
    with pytest.raises(VectorStoreMismatchError, match="was indexed into Chroma collection"):
        Newsdesk(Settings(data_dir=data_dir, chroma_host="127.0.0.1", chroma_port=chroma_server))
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "documents"], env=server)
    assert result.exit_code == 1
    assert "point NEWSDESK_CHROMA_HOST and NEWSDESK_CHROMA_PORT at the store" in result.output
    assert "Traceback" not in result.output

    # An empty catalog may move to another store (the data directory holds nothing to mismatch).
    fresh = tmp_path / "fresh"
    Newsdesk(Settings(data_dir=fresh)).close()
    Newsdesk(Settings(data_dir=fresh, chroma_host="127.0.0.1", chroma_port=chroma_server)).close()
