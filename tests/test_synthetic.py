"""The synthetic corpus generator and its golden questions: determinism, schema, ground truth, speed."""

import json
import re
import shlex
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import eval.synthetic as synthetic
from eval.datasets import load_dataset
from eval.metrics import normalize_answer
from eval.synth.questions import mentions
from eval.synthetic import build_article, generate_articles, generate_questions, iter_articles, plan_questions
from ingest.documents import clean_document
from ingest.loading import article_from_record
from ingest.models import validate_doc_id

DATASETS = Path(synthetic.__file__).parent / "datasets"
CORPUS_FILE = DATASETS / "synthetic_corpus.jsonl"
GOLDEN_FILE = DATASETS / "synthetic_golden.jsonl"
SECTIONS = {
    "local-government", "labor", "elections", "courts", "business", "sports", "weather", "science-health",
}  # fmt: skip


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _documented_arguments() -> list[str]:
    """The regeneration command written at the top of eval/synthetic.py, as arguments."""
    match = re.search(r"python -m eval\.synthetic (.+?)\n\n", synthetic.__doc__ or "", re.S)
    assert match, "eval/synthetic.py must document the command that regenerates the committed files"
    return shlex.split(match.group(1).replace("\\\\\n", " ").replace("\\\n", " "))


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return _read_jsonl(CORPUS_FILE)


@pytest.fixture(scope="module")
def documents(records):
    return {r["id"]: clean_document(article_from_record(r)) for r in records}


@pytest.fixture(scope="module")
def planned(records):
    arguments = _documented_arguments()
    seed = int(arguments[arguments.index("--seed") + 1])
    answerable = int(arguments[arguments.index("--answerable") + 1])
    unanswerable = int(arguments[arguments.index("--unanswerable") + 1])
    return plan_questions(records, seed, answerable, unanswerable)


# ---------------------------------------------------------------------------------------------- determinism


def test_the_same_count_and_seed_give_identical_output():
    first = [json.dumps(r, ensure_ascii=False) for r in generate_articles(60, 11)]
    second = [json.dumps(r, ensure_ascii=False) for r in generate_articles(60, 11)]
    assert first == second
    assert first != [json.dumps(r, ensure_ascii=False) for r in generate_articles(60, 12)]


def test_an_article_does_not_depend_on_how_many_are_generated():
    short = list(generate_articles(23, 5))
    longer = list(generate_articles(47, 5))
    assert longer[:23] == short
    # Article 45 stands alone too: the same when built directly, without the 45 before it.
    assert build_article(5, 45).record == longer[45]


def test_articles_are_streamed_not_built_as_a_list():
    stream = generate_articles(10**9, 3)  # a billion would never fit in memory
    assert isinstance(stream, Iterator)
    assert next(stream)["id"] == "syn3-000000"


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="seed"):
        next(generate_articles(3, -1))
    with pytest.raises(ValueError, match="count"):
        next(generate_articles(-2, 1))
    with pytest.raises(ValueError, match="not a synthetic article id"):
        generate_questions([{"id": "other-1", "title": "t", "text": "x"}], 1, 1, 0)
    forged = dict(next(generate_articles(1, 1)), text="Edited by hand.")
    with pytest.raises(ValueError, match="differs"):
        generate_questions([forged], 1, 1, 0)


# ---------------------------------------------------------------------------------------------- schema


def test_every_record_loads_and_cleans_to_exactly_its_article_text(records):
    assert len(records) >= 200
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    for record in records:
        validate_doc_id(record["id"])
        article = article_from_record(record)
        assert article.published is not None and article.byline and article.source and article.url
        assert article.metadata == {"section": record["section"]}
        # Cleaning removes exactly the page boilerplate: what is left is the article as written.
        assert clean_document(article).text == synthetic.article_for_record(record).clean_text


def test_the_corpus_is_news_like(records, documents):
    assert {r["section"] for r in records} == SECTIONS
    for document in documents.values():
        paragraphs = document.text.split("\n\n")[1:]  # after the headline
        assert 6 <= len(paragraphs) <= 14, document.id
        assert re.match(r"^(.+\n\n)?[A-Z .'-]+, [A-Z][\w. ]+ — ", document.text.split("\n\n", 1)[1]), (
            document.id
        )
    texts = "\n".join(r["text"] for r in records)
    assert "“" in texts and "said" in texts  # attributed quotes
    for leaning in ("did not say", "Of those", "That is"):
        assert leaning in texts


def test_some_pages_carry_boilerplate_that_cleaning_removes(records, documents):
    markers = ("Leave a Reply", "COMMENTS", "Subscribe to our newsletter", "Related Stories", "ADVERTISEMENT")
    with_noise = [r for r in records if any(m in r["text"] for m in markers)]
    assert len(with_noise) >= len(records) // 5
    for record in with_noise:
        cleaned = documents[record["id"]].text
        assert not any(m in cleaned for m in markers), record["id"]


# ---------------------------------------------------------------------------------------------- questions


def test_the_golden_file_is_a_valid_dataset_of_the_promised_size():
    items = load_dataset(GOLDEN_FILE)
    answerable = [i for i in items if not i.unanswerable]
    assert len(answerable) >= 40 and len(items) - len(answerable) >= 10
    assert len({i.question for i in items}) == len(items)
    styles = Counter(json.loads(line)["style"] for line in GOLDEN_FILE.read_text().splitlines())
    for style in (*synthetic.ANSWERABLE_STYLES, *synthetic.UNANSWERABLE_STYLES):
        assert styles[style] >= 3, style


def test_every_accepted_answer_is_in_the_cleaned_text_of_every_gold_document(documents):
    for item in load_dataset(GOLDEN_FILE):
        for doc_id in item.doc_ids:
            text = documents[doc_id].text
            for answer in item.answers:
                assert answer in text, (item.id, doc_id, answer)
            for year in re.findall(r"\b20\d\d\b", item.question):
                assert year in text, (item.id, year)
        for answer in item.answers:
            assert normalize_answer(answer) not in normalize_answer(item.question), item.id


def test_gold_documents_are_the_only_ones_stating_the_fact(planned, records):
    articles = [synthetic.article_for_record(r) for r in records]
    for question in planned:
        if question.fact is None:
            continue
        stating = {a.id for a in articles if any(f.key == question.fact.key for f in a.facts)}
        assert stating == set(question.doc_ids), question.question


def test_wrong_year_questions_have_a_true_fact_from_another_year(planned, records):
    articles = [synthetic.article_for_record(r) for r in records]
    wrong_year = [q for q in planned if q.style == "wrong-year"]
    assert wrong_year
    for question in wrong_year:
        fact = question.fact
        assert str(fact.year) in question.question
        distractors = [
            f for a in articles for f in a.facts
            if f.series == fact.series and f.year != fact.year and f.answers[0] != fact.answers[0]
        ]  # fmt: skip
        assert distractors, question.question


def test_unanswerable_questions_ask_about_known_entities_for_facts_never_stated(planned, documents):
    unanswerable = [q for q in planned if q.fact is None]
    assert {q.style for q in unanswerable} == set(synthetic.UNANSWERABLE_STYLES)
    texts = [d.text for d in documents.values()]
    for question in unanswerable:
        assert any(mentions(t, question.absent_anchor, question.absent_anchor) for t in texts), (
            question.question
        )
        assert not any(mentions(t, question.absent_anchor, question.absent_terms) for t in texts), (
            question.question
        )


def test_the_committed_files_equal_a_fresh_regeneration(tmp_path, capsys):
    arguments = _documented_arguments()
    for flag, name in (("--corpus-out", "corpus.jsonl"), ("--questions-out", "golden.jsonl")):
        arguments[arguments.index(flag) + 1] = str(tmp_path / name)
    assert synthetic.main(arguments) == 0
    assert (tmp_path / "corpus.jsonl").read_bytes() == CORPUS_FILE.read_bytes()
    assert (tmp_path / "golden.jsonl").read_bytes() == GOLDEN_FILE.read_bytes()
    assert CORPUS_FILE.stat().st_size + GOLDEN_FILE.stat().st_size < 2_000_000


# ---------------------------------------------------------------------------------------------- command line


def test_bad_command_lines_fail_with_a_message_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "c.jsonl"
    for arguments in (
        ["--articles", "0", "--seed", "1", "--corpus-out", str(out)],
        ["--articles", "ten", "--seed", "1", "--corpus-out", str(out)],
        ["--articles", "5", "--seed", "-1", "--corpus-out", str(out)],
        ["--articles", "5", "--seed", "1", "--corpus-out", str(tmp_path)],
    ):
        with pytest.raises(SystemExit) as exit_info:
            synthetic.main(arguments)
        assert exit_info.value.code == 2
        assert "error:" in capsys.readouterr().err
    too_many = [
        "--articles",
        "5",
        "--seed",
        "1",
        "--corpus-out",
        str(out),
        "--questions-out",
        str(tmp_path / "q"),
    ]
    assert synthetic.main([*too_many, "--answerable", "500"]) == 1
    assert "generate more articles" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_corpus_alone_can_be_written_for_benchmarks(tmp_path, capsys):
    out = tmp_path / "bench" / "corpus.jsonl"
    assert synthetic.main(["--articles", "25", "--seed", "9", "--corpus-out", str(out)]) == 0
    assert _read_jsonl(out) == list(generate_articles(25, 9))


# ---------------------------------------------------------------------------------------------- scale


def test_two_thousand_articles_take_under_five_seconds():
    started = time.perf_counter()
    titles = Counter(a.record["title"] for a in iter_articles(2000, 2026))
    assert time.perf_counter() - started < 5.0
    # Pools are big enough that headlines rarely repeat verbatim (near-duplicates are on purpose).
    assert len(titles) > 0.9 * 2000
