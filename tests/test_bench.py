"""`newsdesk bench`: the corpus is deterministic, a quick run reports every section, bad options fail cleanly.

No timing assertions: speed and memory targets are the benchmark's output, never a test's pass condition.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.benchmarks.measure import latency_summary
from eval.benchmarks.options import BenchOptions, with_quick
from eval.benchmarks.report import format_table, targets
from eval.benchmarks.run import EFFICIENCY_ROUNDS
from eval.benchmarks.scale import SCALE_ROUNDS, scale_growth
from eval.benchmarks.workload import bench_records, question_pool
from eval.loopback import checkout_env, newsdesk_command
from newsdesk.cli import main

DATASETS = Path(__file__).resolve().parent.parent / "eval" / "datasets"


def test_corpus_is_deterministic_and_is_the_committed_synthetic_corpus():
    first, again = bench_records(12, 2026), bench_records(12, 2026)
    assert first == again
    committed = [json.loads(line) for line in (DATASETS / "synthetic_corpus.jsonl").open()][:12]
    assert first == committed  # the golden questions' articles open the benchmark corpus
    assert bench_records(3, 7) != first[:3]
    assert len({r["id"] for r in bench_records(40, 2026)}) == 40


def test_every_load_level_gets_the_same_mix_of_answerable_and_unanswerable_questions():
    from eval.synth.questions import generate_questions

    records = bench_records(300, 2026)
    planned = generate_questions(records, 2026, 160, 40)
    unanswerable = {q["question"] for q in planned if q.get("unanswerable")}
    assert len(unanswerable) == 40
    pool = question_pool(records, 2026, 200)
    assert pool == question_pool(records, 2026, 200)  # deterministic
    assert set(pool[:200]) == {q["question"] for q in planned}
    for level in range(3):  # 8 warm-up questions, then 64 per level, as `newsdesk bench` asks them
        asked = pool[8 + 64 * level : 8 + 64 * (level + 1)]
        assert 6 <= sum(q in unanswerable for q in asked) <= 20, level


def test_latency_summary_percentiles():
    summary = latency_summary([i / 1000 for i in range(1, 101)])  # 1..100 ms
    assert summary["p50_ms"] == pytest.approx(50.5)
    assert summary["p95_ms"] == pytest.approx(95.05)
    assert summary["max_ms"] == 100
    assert math.isnan(latency_summary([])["p50_ms"])


def test_targets_below_target_size_are_partial_and_missing_ones_not_run():
    result = {
        "http": {"index_chunks": 500, "levels": [{"concurrency": 4, "p95_ms": 100.0}]},
        "ingest": {"articles": 10, "peak_rss_mib": 900.0},
    }
    by_name = {t.name: t for t in targets(result, BenchOptions())}
    assert by_name["/v1/ask p95 ms at concurrency 4"].status == "partial"
    assert by_name["ingest peak RSS MiB"].status == "partial"
    assert by_name["retrieval latency growth"].status == "not-run"
    assert by_name["ingest articles/s vs the textbook pipeline"].status == "not-run"


def test_scale_growth_is_the_largest_point_over_the_smallest_and_needs_two():
    def point(ms: float) -> dict:
        return {"hybrid_p50_ms": ms}

    assert scale_growth([point(2.0), point(3.0), point(5.0)]) == 2.5
    assert scale_growth([point(2.0)]) is None
    assert scale_growth([point(0.0), point(5.0)]) is None
    scale = {
        "growth_rounds": [2.5, 3.1],
        "points": [
            {"retrieval": {"chunks": 10_000, **point(2.0)}},
            {"retrieval": {"chunks": 1_000_000, **point(6.2)}},
        ],
    }
    growth = {t.name: t for t in targets({"scale": scale}, BenchOptions())}["retrieval latency growth"]
    assert (growth.measured, growth.status) == (3.1, "fail")
    assert "rounds 2.5, 3.1" in growth.note


def test_quick_keeps_what_the_command_line_set():
    options = with_quick(BenchOptions(articles=20), {"articles"})
    assert options.articles == 20
    assert options.ask_chunks < 1000 and max(options.scale) < 1000


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--scale", "10000,abc"], "comma-separated list"),
        (["--scale", "0"], "at least 1"),
        (["--concurrency", ""], "at least 1"),
        (["--sections", "encoder,warp"], "choose from"),
        (["--articles", "0"], "--articles"),
        (["--requests", "-3"], "--requests"),
    ],
)
def test_bad_options_fail_with_a_clear_message(arguments, message):
    result = CliRunner().invoke(main, ["bench", *arguments])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_options_are_validated_outside_the_cli_too():
    with pytest.raises(ValueError, match="sections"):
        BenchOptions(sections=("nope",))
    with pytest.raises(ValueError, match="scale"):
        BenchOptions(scale=())


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("bench")
    env = checkout_env({**os.environ, "NEWSDESK_DATA_DIR": str(scratch / "data")})
    completed = subprocess.run(
        newsdesk_command("bench", "--quick", "--json-only", "--output", "out.json"),
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed, scratch


def test_quick_run_prints_one_json_document_with_every_section(quick_run):
    completed, scratch = quick_run
    result = json.loads(completed.stdout)  # --json-only: nothing else on stdout
    assert json.loads((scratch / "out.json").read_text()) == result
    for section in ("machine", "settings", "corpus", "encoder", "ingest", "textbook", "http", "scale"):
        assert section in result, section
    assert result["machine"]["cpus"] >= 1
    encoder = result["encoder"]
    for key in ("raw_encoder", "embedder", "sentence_transformers_torch_fp32"):
        assert encoder[key]["chunks"] == result["corpus"]["chunks"] > 0
        assert encoder[key]["chunks_per_s"] > 0
    ingest = result["ingest"]
    assert ingest["chunks"] == result["corpus"]["chunks"] and ingest["failed"] == 0
    assert ingest["peak_rss_mib"] > 0 and ingest["pipeline_efficiency"] > 0
    # Efficiency in rounds of raw encoder then ingest, back to back; the lowest round counts.
    rounds = ingest["rounds"]
    assert len(rounds) == EFFICIENCY_ROUNDS
    assert all(r["raw_encoder_chunks_per_s"] > 0 and r["ingest_chunks_per_s"] > 0 for r in rounds)
    assert ingest["pipeline_efficiency"] == min(r["pipeline_efficiency"] for r in rounds)
    for r in rounds:
        assert r["pipeline_efficiency"] == round(r["ingest_chunks_per_s"] / r["raw_encoder_chunks_per_s"], 3)
    assert result["textbook"]["ingest_speedup"] > 0


def test_quick_run_loads_a_real_server_and_measures_retrieval_at_each_size(quick_run):
    result = json.loads(quick_run[0].stdout)
    http = result["http"]
    assert [level["concurrency"] for level in http["levels"]] == [1, 4, 16]
    for level in http["levels"]:
        assert level["ok"] == level["requests"] and level["errors"] == 0
        assert level["p50_ms"] <= level["p95_ms"] <= level["p99_ms"]
    assert http["index_chunks"] >= 400 and http["index"]["filler_chunks"] > 0
    assert "synthetic vectors" in http["index"]["vectors"]
    scale = result["scale"]
    points = scale["points"]
    assert [p["target_chunks"] for p in points] == [200, 400]
    for point in points:
        assert point["retrieval"]["chunks"] >= point["target_chunks"]
        assert point["retrieval"]["mean_hits"] > 0 and point["retrieval"]["rss_mib"] > 0
        # Each retriever is timed on its own questions (--queries 5 in a quick run), in every round.
        assert len(point["rounds"]) == SCALE_ROUNDS
        assert all(r["queries"] == {"hybrid": 5, "dense": 5, "keyword": 5} for r in point["rounds"])
        assert "synthetic vectors" in point["vectors"]
    # All points timed after the builds, in rounds; the steepest round's figures are the result.
    assert len(scale["growth_rounds"]) == SCALE_ROUNDS
    steepest = max(scale["growth_rounds"])
    assert scale_growth([p["retrieval"] for p in points]) == steepest
    growth = next(t for t in result["targets"] if t["name"] == "retrieval latency growth")
    assert growth["measured"] == steepest
    statuses = {t["name"]: t["status"] for t in result["targets"]}
    assert len(statuses) == 6 and "not-run" not in statuses.values()
    assert "Targets" in format_table(result)
