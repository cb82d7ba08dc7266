import json

import pytest
from click.testing import CliRunner

from newsdesk.cli import main
from service.ops.server_lock import ServerLock


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    data_dir = tmp_path / "data"

    def invoke(*args):
        return runner.invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)

    invoke.data_dir = data_dir
    return invoke


def test_ingest_then_ask_then_list(run, sample_dir):
    result = run("ingest", str(sample_dir))
    assert result.exit_code == 0, result.output
    assert "5 added, 0 replaced, 0 unchanged, 0 failed" in result.output

    again = run("ingest", str(sample_dir))
    assert "0 added, 0 replaced, 5 unchanged" in again.output

    answer = run("ask", "Who offered a jet to get Clinton to the endorsement dinner?")
    assert answer.exit_code == 0
    assert "Buffenbarger" in answer.output and "[1]" in answer.output

    as_json = json.loads(run("ask", "--json", "How many emails did WikiLeaks release on Wednesday?").output)
    assert as_json["grounded"] and as_json["citations"][0]["doc_id"] == "000_ed48cb7ca0d72a48"

    filtered = json.loads(
        run("ask", "--json", "--doc-id", "003_3852874b1bc20166", "Who is Nikki Budzinski?").output
    )
    assert {c["doc_id"] for c in filtered["citations"]} <= {"003_3852874b1bc20166"}

    listing = run("documents")
    assert listing.output.count("\n") >= 5 and "001_232c99f60a508717" in listing.output


def test_ingest_reports_bad_files_and_exits_non_zero(run, tmp_path):
    (tmp_path / "ok.txt").write_text("Headline\n\nSomething happened.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe not utf8 \x00")
    result = run("ingest", str(tmp_path / "ok.txt"), str(tmp_path / "bad.txt"), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert "1 added" in result.output
    assert "bad.txt: this looks like a binary file" in result.output
    assert "missing.txt: no such file or folder" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "   "], "must not be empty"),
        (["ask", "x" * 2001], "at most 2000 characters"),
        (["ask", "--top-k", "0", "q"], "--top-k"),
        (["ask", "--from", "yesterday", "q"], "not a date like 2016-11-01"),
        (["ask", "--from", "2017-01-01", "--to", "2016-01-01", "q"], "published_from must not be after"),
    ],
)
def test_bad_arguments_give_a_message_and_non_zero_exit(run, args, message):
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_ingest_refuses_while_a_server_holds_the_data_dir(run, sample_dir):
    lock = ServerLock(run.data_dir)
    assert lock.acquire()
    try:
        result = run("ingest", str(sample_dir))
    finally:
        lock.release()
    assert result.exit_code == 1
    assert "serving" in result.output and "Traceback" not in result.output
