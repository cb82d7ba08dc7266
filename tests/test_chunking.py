from itertools import pairwise

from ingest.chunking import (
    approximate_token_counts,
    chunk_article,
    minilm_token_counts,
    paragraph_spans,
    split_sentences,
)

TEXT = (
    "Trumka’s union said “no” on Feb. 17, 2016. Sen. Bernie Sanders (I, Vt.) didn’t comment.\n\n"
    "Mr. Podesta wrote: ‘Maybe later.’ The U.S. election followed — on Nov. 8.\n\n"
    "Café owners in Zürich… were not asked."
)


def test_sentence_spans_are_exact_and_trimmed():
    spans = split_sentences(TEXT)
    for start, end in spans:
        piece = TEXT[start:end]
        assert piece == piece.strip() and piece
    assert [TEXT[s:e] for s, e in spans][:2] == [
        "Trumka’s union said “no” on Feb. 17, 2016.",
        "Sen. Bernie Sanders (I, Vt.) didn’t comment.",
    ]


def test_news_abbreviations_do_not_end_sentences():
    sentences = [TEXT[s:e] for s, e in split_sentences(TEXT)]
    assert not any(s.endswith(("Feb.", "Sen.", "Vt.", "Mr.", "Nov.")) for s in sentences)


def test_sentences_never_cross_paragraphs():
    paragraphs = paragraph_spans(TEXT)
    for start, end in split_sentences(TEXT):
        assert any(p_start <= start and end <= p_end for p_start, p_end in paragraphs)


def test_chunk_offsets_point_at_the_chunk_text():
    chunks = chunk_article("doc", TEXT * 20, max_tokens=60)
    assert len(chunks) > 3
    for index, chunk in enumerate(chunks):
        assert (TEXT * 20)[chunk.start : chunk.end] == chunk.text
        assert chunk.index == index and chunk.doc_id == "doc"


def test_chunks_cover_every_sentence_in_order_without_overlap():
    text = TEXT * 10
    chunks = chunk_article("doc", text, max_tokens=50)
    for before, after in pairwise(chunks):
        assert before.end <= after.start
    covered = "".join(text[c.start : c.end] for c in chunks).replace(" ", "").replace("\n", "")
    assert covered == text.replace(" ", "").replace("\n", "")


def test_chunks_respect_the_token_budget():
    text = TEXT * 30
    for chunk in chunk_article("doc", text, max_tokens=64):
        assert minilm_token_counts([chunk.text])[0] <= 64


def test_a_sentence_longer_than_the_budget_is_cut_at_word_boundaries():
    long_sentence = " ".join(f"word{i}" for i in range(400)) + "."
    chunks = chunk_article("doc", long_sentence, max_tokens=40)
    assert len(chunks) > 5
    for chunk in chunks:
        assert long_sentence[chunk.start : chunk.end] == chunk.text
        assert not chunk.text.startswith(" ") and not chunk.text.endswith(" ")
    assert " ".join(c.text for c in chunks) == long_sentence


def test_empty_text_has_no_chunks():
    assert chunk_article("doc", "") == []
    assert chunk_article("doc", "   \n\n  ") == []


def test_approximate_counts_are_close_to_real_ones():
    real = minilm_token_counts([TEXT])[0]
    approx = approximate_token_counts([TEXT])[0]
    assert 0.7 * real <= approx <= 1.3 * real


def test_load_chunking_models_loads_the_splitter_and_the_tokenizer_once():
    from ingest import chunking

    chunking.load_chunking_models()
    assert chunking._sentence_tokenizer.cache_info().currsize == 1
    assert chunking._minilm_tokenizer.cache_info().currsize == 1
    splitter = chunking._sentence_tokenizer()
    chunking.load_chunking_models()
    assert chunking._sentence_tokenizer() is splitter
