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
        "http": {"index_chunks": 500, "levels": [{"concurrency": 1, "p95_ms": 100.0, "ok": 4}]},
        "ingest": {"articles": 10, "peak_rss_mib": 900.0},
    }
    by_name = {t.name: t for t in targets(result, BenchOptions())}
    assert by_name["/v1/ask p95 / CPU-bound floor at concurrency 1"].status == "partial"  # 4 asks: no p95
    assert by_name["/v1/ask p95, real news corpus / sample corpus"].status == "not-run"
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


# The whole `bench --quick` command (about two minutes): in `make test-slow`, to keep `make test` under ten.
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


@pytest.mark.slow
def test_quick_run_prints_one_json_document_with_every_section(quick_run):
    completed, scratch = quick_run
    result = json.loads(completed.stdout)  # --json-only: nothing else on stdout
    assert json.loads((scratch / "out.json").read_text()) == result
    sections = ("machine", "settings", "corpus", "encoder", "ingest", "textbook", "http", "news_ask", "scale")
    for section in sections:
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


@pytest.mark.slow
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
    # + news_ingest's 2; news_ask's 3 queueing ratios and 1 for the real corpus, in place of the retired
    # p95 at concurrency 4
    assert len(statuses) == 6 + 2 + 3 and "not-run" not in statuses.values()
    assert "Targets" in format_table(result)


@pytest.mark.slow
def test_quick_run_ingests_the_sample_as_whole_processes_when_the_news_corpus_is_absent(quick_run):
    from eval.benchmarks.news_ingest import EFFICIENCY_NAME, SPEEDUP_NAME

    result = json.loads(quick_run[0].stdout)
    news = result["news_ingest"]
    assert news["corpus"]["name"] == "sample" and not news["corpus"]["full"]  # no news.jsonl in a fresh dir
    ours, theirs = news["newsdesk"], news["textbook"]
    assert ours["articles"] == theirs["articles"] == news["corpus"]["articles"] > 0 and ours["failed"] == 0
    for side in (ours, theirs):
        assert side["wall_s"] > 0 and side["cpu_s"] > 0 and side["peak_rss_mib"] > 0 and side["chunks"] > 0
    # Encoder CPU over the ingest's, both measured inside the same `newsdesk ingest` process.
    assert 0 < ours["encoder_cpu_s"] <= ours["ingest_cpu_s"] <= ours["cpu_s"]
    assert news["pipeline_efficiency_cpu"] == round(ours["encoder_cpu_s"] / ours["ingest_cpu_s"], 3)
    assert news["speedup"] == round(theirs["wall_s"] / ours["wall_s"], 2)
    statuses = {t["name"]: t["status"] for t in result["targets"]}
    for name in (SPEEDUP_NAME, EFFICIENCY_NAME):
        assert statuses[name] in ("partial", "fail"), name  # the sample is not the full corpus
    assert "Ingest of the real news corpus" in format_table(result)


def test_news_corpus_for_the_bench_is_the_first_lines_of_news_jsonl(tmp_path):
    from eval.benchmarks.news_ingest import corpus_for_bench
    from service.settings import Settings

    settings = Settings(data_dir=tmp_path / "data")
    path, info = corpus_for_bench(settings, 3, tmp_path)
    assert info["name"] == "sample" and not info["full"] and path.exists()
    news = tmp_path / "data" / "corpora" / "news.jsonl"
    news.parent.mkdir(parents=True)
    news.write_text("".join(json.dumps({"id": f"n{i}", "text": "Words."}) + "\n" for i in range(5)))
    path, info = corpus_for_bench(settings, 3, tmp_path / "work")
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["n0", "n1", "n2"]
    assert (info["name"], info["articles"], info["source_articles"], info["full"]) == ("news", 3, 5, False)
    assert corpus_for_bench(settings, None, tmp_path)[0] == news


def test_queueing_floor_is_concurrency_over_cores_times_one_answer_and_never_below_one():
    from eval.benchmarks.news_ask import queueing_floor, queueing_ratios

    assert queueing_floor(100.0, 1, 2) == 100.0 and queueing_floor(100.0, 4, 2) == 200.0
    assert queueing_floor(100.0, 16, 32) == 100.0
    levels = [{"concurrency": c, "p95_ms": p, "ok": 64} for c, p in ((1, 100.0), (4, 250.0), (16, 1000.0))]
    ratios = {r["concurrency"]: r["ratio"] for r in queueing_ratios({"levels": levels}, 2)}
    assert ratios == {1: 1.0, 4: 1.25, 16: 1.25}
    found = {t.name: t for t in targets({"http": {"cores": 2, "levels": levels}}, BenchOptions())}
    assert found["/v1/ask p95 / CPU-bound floor at concurrency 4"].status == "pass"


@pytest.mark.slow
def test_quick_run_asks_the_sample_beside_a_stand_in_for_the_real_corpus(quick_run):
    news = json.loads(quick_run[0].stdout)["news_ask"]  # a fresh data dir holds no news.jsonl
    assert "stand-in" in news["news"]["note"]
    for name in ("sample", "news"):
        assert news[name]["requests"] == news[name]["questions"] > 0 and news[name]["errors"] == 0
        assert news[name]["cpu_p95_ms"] is not None and "rerank" in news[name]["server_steps_ms"]
    assert news["p95_ratio"] == round(news["news"]["p95_ms"] / news["sample"]["p95_ms"], 2)


def test_scale_filler_from_the_real_corpus_is_its_sentences_and_the_news_questions(tmp_path):
    from types import SimpleNamespace

    import numpy as np

    from eval.benchmarks.filler import FillerPool
    from eval.benchmarks.news_filler import scale_inputs
    from service.settings import Settings

    news = tmp_path / "data" / "corpora" / "news.jsonl"
    news.parent.mkdir(parents=True)
    text = "Ministers met in Town{0} on Monday. They agreed a budget of {0} million euros."
    rows = [
        {"id": f"n{i}", "title": f"Headline {i}", "text": text.format(i), "source": "www.rte.ie",
         "published": f"2017-01-0{i}"}
        for i in range(1, 4)
    ]  # fmt: skip
    news.write_text("".join(json.dumps(r) + "\n" for r in rows))
    pool = FillerPool(["Synthetic."], ["Town"], ["Wire"], np.eye(4, dtype=np.float32))
    run = SimpleNamespace(settings=Settings(data_dir=tmp_path / "data"), options=SimpleNamespace(requests=4),
                          pool=pool, questions=lambda n: ["synthetic?"] * n)  # fmt: skip
    filled, questions, filler = scale_inputs(run, 7)
    assert any("million euros" in sentence for sentence in filled.sentences)
    assert "Synthetic." not in filled.sentences and filled.sources == ["www.rte.ie"]
    assert filled.vectors.shape == (4, 4) and "synthetic" in filler["vectors"]  # vectors stay perturbed
    assert len(questions) == 7 and questions[0] != "synthetic?" and filler["corpus"] == str(news)
    news.unlink()
    assert scale_inputs(run, 2)[1] == ["synthetic?"] * 2  # no corpus: the synthetic filler, as before
