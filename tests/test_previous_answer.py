"""The article a follow-up's previous answer quoted: found again from the answer's text, searched as well."""

from llama_index.core.schema import NodeWithScore, TextNode

from ingest.catalog import DocumentFilter
from service.answer.types import REFUSAL
from service.retrieve.previous_answer import last_answer, quoted_article, with_article_chunks, within


def _nodes(*ids: str) -> list[NodeWithScore]:
    return [NodeWithScore(node=TextNode(id_=i, text=i), score=1.0) for i in ids]


def test_the_last_answer_is_the_last_assistant_turn_unless_it_refused():
    history = [
        {"role": "user", "content": "Who won?"},
        {"role": "assistant", "content": "Mitch Seavey won the race. [1]"},
        {"role": "user", "content": "How old was he?"},
    ]
    assert last_answer(history) == "Mitch Seavey won the race. [1]"
    assert last_answer([*history, {"role": "assistant", "content": REFUSAL}]) is None
    assert last_answer([{"role": "user", "content": "Who won?"}]) is None


def test_article_chunks_take_the_last_places_of_the_top_k_once():
    joined = with_article_chunks(_nodes("a", "b", "c", "d"), _nodes("x", "b"), top_k=3)
    assert [n.node.node_id for n in joined] == ["a", "b", "x", "c", "d"]
    # Already among the first top_k: nothing moves.
    same = with_article_chunks(_nodes("a", "b", "c"), _nodes("a"), top_k=3)
    assert [n.node.node_id for n in same] == ["a", "b", "c"]


def test_the_readers_filters_still_hold_inside_the_article():
    assert within("news-1", None) == DocumentFilter(doc_ids=("news-1",))
    assert within("news-1", DocumentFilter(source="bbc.co.uk")) == DocumentFilter(
        doc_ids=("news-1",), source="bbc.co.uk"
    )
    assert within("news-1", DocumentFilter(doc_ids=("news-2",))) is None


def test_an_answer_is_traced_to_the_article_it_quotes_and_a_follow_up_searches_it(sample_engine):
    question = "Who offered a jet to get Clinton to the endorsement dinner?"
    answer = sample_engine.ask(question)
    assert answer.grounded
    cited = answer.citations[0].doc_id
    assert quoted_article(answer.answer, sample_engine.keywords, sample_engine.catalog) == cited
    # Words no article holds trace to none.
    assert (
        quoted_article("Zyxw qwerty uiop asdf ghjk lzxcv bnm.", sample_engine.keywords, sample_engine.catalog)
        is None
    )

    history = [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
    query, nodes, timings = sample_engine.gather_evidence("Who else was there?", history)
    assert "previous_article" in timings
    # Had the search found only other stories, the quoted article's best chunks would still be read.
    elsewhere = [n for n in nodes if n.node.metadata["doc_id"] != cited]
    joined = sample_engine._with_previous_article(query, elsewhere, history, None, 0.0)
    top = [n.node.metadata["doc_id"] for n in joined[: sample_engine.settings.top_k]]
    assert top.count(cited) == sample_engine.settings.followup_article_chunks
    assert len(joined) == len(elsewhere) + top.count(cited)
