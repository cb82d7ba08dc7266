"""`newsdesk eval`: the runner, its metrics and report, and the CI gate on the sample golden set."""

import json
import re
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.datasets import DatasetError, GoldenItem, load_dataset
from eval.runner import run_evaluation, score_outcome
from eval.systems import CitedSnippet, SystemAnswer
from newsdesk.cli import main

GOLD = GoldenItem("q1", "When?", ("October 2015",), ("doc-a",))
UNANSWERABLE = GoldenItem("u1", "Who won?", unanswerable=True)
ROOT = Path(__file__).resolve().parent.parent


def answer(text="It was in October 2015. [1]", grounded=True, docs=("doc-a",), ranked=("doc-b", "doc-a")):
    citations = [CitedSnippet(i + 1, d, "snippet", 0, 7, True) for i, d in enumerate(docs)]
    return SystemAnswer(text, grounded, citations, list(ranked), {"total": 10.0})


def test_a_correct_cited_answer():
    outcome = score_outcome(GOLD, "s", answer())
    assert outcome["correct"] and outcome["answer_correct"]
    assert outcome["first_relevant_rank"] == 2 and outcome["citation_precision"] == 1.0


@pytest.mark.parametrize(
    ("result", "failure"),
    [
        (answer(grounded=False, docs=()), "refused an answerable question"),
        (answer(text="Some other date. [1]"), "answer lacks an accepted string"),
        (answer(docs=("doc-z",)), "no citation of a gold document"),
    ],
)
def test_failures_say_why(result, failure):
    outcome = score_outcome(GOLD, "s", result)
    assert not outcome["correct"] and outcome["failure"] == failure


def test_unanswerable_is_right_only_when_refused():
    assert score_outcome(UNANSWERABLE, "s", answer(grounded=False, docs=()))["correct"]
    assert not score_outcome(UNANSWERABLE, "s", answer())["correct"]


def test_dataset_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "q", "answers": ["x"], "doc_ids": ["d"]}\n{"id": "b"}\n')
    with pytest.raises(DatasetError, match=r"bad\.jsonl:2: 'question'"):
        load_dataset(path)


class BulkySystem:
    """Answers with 200 kB each time: holding every answer would take ~200 MB for 1,000 questions."""

    name = "bulky"

    def answer(self, question, history=()):
        return SystemAnswer("x " * 100_000, True, [], ["doc-a"], {"total": 1.0})


class ScriptedSystem:
    """Answers from a script keyed by (question, the history's text), recording what it was asked."""

    name = "scripted"

    def __init__(self, script):
        self.script = script
        self.asked = []

    def answer(self, question, history=()):
        self.asked.append((question, [t["content"] for t in history]))
        text, doc = self.script.get(question, ("", None))
        citations = [CitedSnippet(1, doc, text, 0, len(text), True)] if doc else []
        return SystemAnswer(text or "refused", bool(doc), citations, [doc] if doc else [], {"total": 1.0})


def test_a_follow_up_is_asked_after_its_history_with_the_systems_own_answers(tmp_path):
    dataset = tmp_path / "conversation.jsonl"
    items = [
        {
            "id": "f1", "question": "Who was confirmed?", "answers": ["DeVos"], "doc_ids": ["d1"],
            "kind": "fact",
        },
        {
            "id": "f2", "question": "What was the vote?", "history": ["Who was confirmed?"],
            "answers": ["51-50"], "doc_ids": ["d1"], "kind": "followup", "split": "dev",
        },
        {
            "id": "u1", "question": "Who won Eurovision?", "unanswerable": True, "kind": "near_miss",
            "split": "test",
        },
    ]  # fmt: skip
    dataset.write_text("".join(json.dumps(item) + "\n" for item in items))
    system = ScriptedSystem(
        {
            "Who was confirmed?": ("Betsy DeVos was confirmed.", "d1"),
            "What was the vote?": ("It was 51-50.", "d1"),
        }
    )
    run = run_evaluation(dataset, [system], tmp_path / "out", progress=False)

    assert system.asked == [
        ("Who was confirmed?", []),
        ("Who was confirmed?", []),
        ("What was the vote?", ["Who was confirmed?", "Betsy DeVos was confirmed."]),
        ("Who won Eurovision?", []),
    ]
    by_kind = run.metrics()["systems"]["scripted"]["by_kind"]
    assert by_kind == {
        "fact": {"right": 1, "total": 1, "accuracy": 1.0},
        "followup": {"right": 1, "total": 1, "accuracy": 1.0},
        "near_miss": {"right": 1, "total": 1, "accuracy": 1.0},
    }
    by_split = run.metrics()["systems"]["scripted"]["by_split"]
    assert by_split["dev"]["answerable_right"] == 1 and by_split["dev"]["answerable"] == 1
    assert by_split["dev"]["followups_right"] == 1 and by_split["dev"]["followups"] == 1
    assert by_split["test"]["unanswerable_refused"] == 1 and by_split["test"]["answerable"] == 0


def test_a_split_runs_only_its_own_items(tmp_path):
    dataset = tmp_path / "split.jsonl"
    dataset.write_text(
        "".join(
            json.dumps({"id": f"q{i}", "question": f"q{i}?", "unanswerable": True, "split": split}) + "\n"
            for i, split in enumerate(["dev", "test", "dev"])
        )
    )
    assert [item.id for item in load_dataset(dataset, split="dev")] == ["q0", "q2"]
    system = ScriptedSystem({})
    run = run_evaluation(dataset, [system], tmp_path / "out", progress=False, split="test")
    assert [question for question, _ in system.asked] == ["q1?"]
    assert run.metrics()["systems"]["scripted"]["unanswerable"] == 1


def test_history_must_be_a_list_of_questions(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "question": "q?", "unanswerable": True, "history": "q0?"}) + "\n")
    with pytest.raises(DatasetError, match="'history' must be a list"):
        load_dataset(path)


def test_a_thousand_questions_stream_through_constant_memory(tmp_path):
    dataset = tmp_path / "big.jsonl"
    record = {"question": "q?", "answers": ["x"], "doc_ids": ["doc-a"]}
    dataset.write_text("".join(json.dumps({"id": f"q{i}", **record}) + "\n" for i in range(1000)))
    tracemalloc.start()
    run = run_evaluation(dataset, [BulkySystem()], tmp_path / "out", progress=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert run.metrics()["systems"]["bulky"]["answer_accuracy"] == 1.0
    assert peak < 10_000_000, f"peak {peak / 1e6:.1f} MB: answers are being held"


def test_eval_gate_on_the_sample_golden_set(tmp_path):
    """The CI gate: thresholds just under today's figures, so a regression fails the build.

    The answer figures stand lower than under the hand-set rule (0.92, 0.8, 0.94): the learned refusal gives
    up five of these 50 answers to refuse twice as many unseen unanswerable news questions, and its refit
    after the entity check in the ranking one more (q38) for three more refused on the unseen half
    (eval/calibration.md)."""
    report = tmp_path / "report"
    result = CliRunner().invoke(
        main,
        [
            "eval", "eval/datasets/sample_golden.jsonl", "--baseline", "textbook", "--report", str(report),
            "--no-progress",
            "--fail-under", "hit@1=0.98", "--fail-under", "hit@5=0.98", "--fail-under", "mrr=0.98",
            "--fail-under", "answer_accuracy=0.8", "--fail-under", "citation_precision=0.98",
            "--fail-under", "citation_validity=1.0", "--fail-under", "refusal_recall=1.0",
            "--fail-under", "refusal_precision=0.58", "--fail-under", "overall_accuracy=0.84",
            "--fail-under", "direct_answer_accuracy=0.8",
        ],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    metrics = json.loads((report / "metrics.json").read_text())
    ours, baseline = metrics["systems"]["newsdesk"], metrics["systems"]["textbook"]
    assert ours["hit@5"] > baseline["hit@5"] and ours["mrr"] > baseline["mrr"]
    assert set(metrics["retrieval"]) == {"dense", "bm25", "hybrid", "hybrid+rerank"}
    assert "not computed: no OpenAI-compatible judge" in metrics["ragas"]["note"]
    markdown = (report / "report.md").read_text()
    assert "| textbook |" in markdown and "![hit@k](hit_at_k.png)" in markdown
    # Failures first: the first question row of our table is a failure.
    ours_table = markdown.split("## Questions: newsdesk (failures first)")[1]
    first_row = next(line for line in ours_table.splitlines() if line.startswith(("| q", "| u")))
    assert "✘" in first_row
    for name in ("report.html", "hit_at_k.png", "latency.png", "outcomes.jsonl"):
        assert (report / name).stat().st_size > 0


def test_fail_under_fails_the_run(tmp_path):
    result = CliRunner().invoke(
        main,
        ["eval", "eval/datasets/sample_golden.jsonl", "--no-variants", "--no-progress",
         "--report", str(tmp_path / "r"), "--fail-under", "answer_accuracy=0.999"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert re.search(r"answer_accuracy = 0\.\d+ is under 0\.999", result.output), result.output


def test_unknown_metric_is_a_usage_error():
    result = CliRunner().invoke(
        main, ["eval", "eval/datasets/sample_golden.jsonl", "--fail-under", "speed=1"]
    )
    assert result.exit_code == 2 and "unknown metric 'speed'" in result.output


def test_the_report_folder_holds_the_files_the_makefile_and_docs_name(tmp_path):
    # `make eval` and docs/how-it-works.md promise report.md, report.html and metrics.json in --report.
    from eval.report import write_report

    dataset = tmp_path / "set.jsonl"
    dataset.write_text(
        json.dumps({"id": "q1", "question": "q?", "answers": ["x"], "doc_ids": ["doc-a"]}) + "\n"
    )
    run = run_evaluation(dataset, [BulkySystem()], tmp_path / "out", progress=False)
    paths = write_report(run.metrics(), run.outcomes_path, tmp_path / "out")
    documented = {"report.md", "report.html", "metrics.json"}
    assert documented <= {path.name for path in paths.values()}
    for name in documented:
        assert (tmp_path / "out" / name).stat().st_size > 0, name
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["systems"]["bulky"]["questions"] == 1
    assert "metrics.json" in (ROOT / "Makefile").read_text()
    assert "metrics.json" in (ROOT / "docs" / "how-it-works.md").read_text()


def test_the_suite_table_has_a_row_per_set_split_and_system():
    from eval.suite import suite_table

    def summary(by_split=None, by_kind=None):
        return {
            "answer_accuracy_cited": 0.5, "answerable": 4, "refusal_recall": 1.0, "unanswerable": 2,
            "hit@5": 0.75, "by_split": by_split or {}, "by_kind": by_kind or {},
        }  # fmt: skip

    split = {
        "answerable_right": 3, "answerable": 4, "unanswerable_refused": 1, "unanswerable": 2,
        "followups_right": 1, "followups": 2,
    }  # fmt: skip
    table = suite_table(
        {
            "sample": {"systems": {"newsdesk": summary(by_kind={"followup": {"right": 2, "total": 3}})}},
            "news": {"systems": {"newsdesk": summary({"dev": split, "test": split}), "textbook": summary()}},
        }
    )
    lines = table.splitlines()
    assert lines[2] == "| sample | newsdesk | 2/4 (50%) | 2/2 (100%) | 2/3 (67%) | 0.750 |"
    assert lines[3] == "| news dev | newsdesk | 3/4 (75%) | 1/2 (50%) | 1/2 (50%) | 0.750 |"
    assert lines[4].startswith("| news test | newsdesk |")
    assert lines[5] == "| news | textbook | 2/4 (50%) | 2/2 (100%) | — | 0.750 |"


def test_an_eval_can_read_an_index_built_once_and_leaves_it_as_it_was(tmp_path):
    from service.engine import sample_corpus_path

    index = tmp_path / "index"
    built = CliRunner().invoke(main, ["--data-dir", str(index), "ingest", str(sample_corpus_path())])
    assert built.exit_code == 0, built.output

    def indexed() -> list[tuple]:
        # Documents and chunks only: answering caches sentence vectors in the same file.
        with sqlite3.connect(index / "catalog.sqlite3") as catalog:
            return [catalog.execute(f"SELECT * FROM {table}").fetchall() for table in ("documents", "chunks")]

    before = indexed()
    dataset = tmp_path / "two.jsonl"
    items = [
        {
            "id": "q1",
            "question": "How many emails did WikiLeaks release on Wednesday?",
            "answers": ["1,500"],
            "doc_ids": ["000_ed48cb7ca0d72a48"],
        },
        {"id": "u1", "question": "Who won the 1962 Tour de France?", "unanswerable": True},
    ]
    dataset.write_text("".join(json.dumps(item) + "\n" for item in items))
    report = str(tmp_path / "report")
    result = CliRunner().invoke(
        main,
        ["eval", str(dataset), "--index", str(index), "--no-variants", "--no-progress", "--report", report],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())["systems"]["newsdesk"]
    assert (metrics["answerable"], metrics["unanswerable"]) == (1, 1)
    assert metrics["answer_accuracy"] == 1.0 and metrics["refusal_recall"] == 1.0
    assert f"the existing index at {index}" in (tmp_path / "report" / "report.md").read_text()
    assert indexed() == before


def test_an_eval_index_that_holds_none_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["eval", "eval/datasets/sample_golden.jsonl", "--index", str(tmp_path)])
    assert result.exit_code == 2
    assert "--index" in result.output and "holds no index" in result.output
    both = CliRunner().invoke(
        main, ["eval", "eval/datasets/sample_golden.jsonl", "--index", str(tmp_path), "--url", "http://x"]
    )
    assert both.exit_code == 2 and "give one" in both.output
