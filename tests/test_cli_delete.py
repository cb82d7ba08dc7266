"""`newsdesk delete`: documents leave every store; unknown ids are named and make the exit status 1."""

import pytest
from click.testing import CliRunner

from newsdesk.cli import main
from service.engine import Newsdesk
from service.ops.server_lock import ServerLock
from service.settings import Settings


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    data_dir = tmp_path / "data"
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "budget-vote.txt").write_text(
        "Council passes the budget\n\nThe city council passed the budget on Tuesday by a vote of 7 to 2.",
        encoding="utf-8",
    )
    (articles / "bridge-closure.txt").write_text(
        "Harbor bridge to close\n\nThe harbor bridge will close for repairs from March 3 to March 9.",
        encoding="utf-8",
    )

    def invoke(*args):
        return runner.invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)

    assert invoke("ingest", str(articles)).exit_code == 0
    invoke.data_dir = data_dir
    return invoke


def test_delete_removes_the_document_from_every_store(run):
    result = run("delete", "budget-vote")
    assert result.exit_code == 0, result.output
    assert "1 deleted, 0 unknown" in result.output

    assert "budget-vote" not in run("documents").output
    engine = Newsdesk(Settings(data_dir=run.data_dir))
    try:
        current = engine.catalog.current_chunk_ids()
        assert current and all(chunk.startswith("bridge-closure@") for chunk in current)
        assert set(engine.vectors.iter_ids()) == current == set(engine.keywords.iter_ids())
        answer = engine.ask("When did the city council pass the budget?")
        assert "budget-vote" not in {c.doc_id for c in answer.citations}
    finally:
        engine.close()


def test_unknown_ids_are_named_and_exit_non_zero(run):
    result = run("delete", "no-such-article", "bridge-closure", "no-such-article")
    assert result.exit_code == 1
    assert "error: doc_id: no document with id 'no-such-article'" in result.output
    assert result.output.count("no-such-article") == 1
    assert "1 deleted, 1 unknown" in result.output
    assert "Traceback" not in result.output
    assert "bridge-closure" not in run("documents").output


def test_delete_needs_an_id(run):
    result = run("delete")
    assert result.exit_code == 2
    assert "Missing argument 'DOC_ID...'" in result.output


def test_delete_refuses_while_a_server_holds_the_embedded_store(run):
    lock = ServerLock(run.data_dir)
    assert lock.acquire()
    try:
        result = run("delete", "budget-vote")
    finally:
        lock.release()
    assert result.exit_code == 1
    assert "serving" in result.output and "Traceback" not in result.output
    assert "budget-vote" in run("documents").output
