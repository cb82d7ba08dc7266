from itertools import pairwise

from ingest.chunking import (
    approximate_token_counts,
    chunk_article,
    minilm_token_counts,
    paragraph_spans,
    sentence_units,
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


def test_a_dateline_run_into_the_first_sentence_is_a_sentence_of_its_own():
    text = "Tokyo/Seoul/Beijing (CNN)When Rex Tillerson was sworn in, he flew east. (CNN)Nothing else."
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == [
        "Tokyo/Seoul/Beijing (CNN)",
        "When Rex Tillerson was sworn in, he flew east.",
        "(CNN)",
        "Nothing else.",
    ]


def test_a_wire_dateline_with_its_dash_is_a_sentence_of_its_own():
    text = "WASHINGTON (Reuters) - Democrats will oppose the nominee, senators said."
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == ["WASHINGTON (Reuters) -", "Democrats will oppose the nominee, senators said."]


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


def test_a_run_with_no_spaces_is_cut_at_the_character_cap():
    # The tokenizer reads 50,000 letters with no space as one unknown word piece: within any token budget.
    text = "Before it. " + "x" * 50_000 + " After."
    chunks = chunk_article("doc", text, max_tokens=180, max_chars=2_000)
    assert len(chunks) >= 25
    assert all(c.end - c.start <= 2_000 and c.text == text[c.start : c.end] for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == text.replace(" ", "")


def test_a_run_with_no_spaces_over_the_token_budget_is_cut_between_characters():
    text = "中文句子没有空格" * 200  # every character a word piece
    chunks = chunk_article("doc", text, max_tokens=64)
    assert len(chunks) > 1 and "".join(c.text for c in chunks) == text
    assert all(minilm_token_counts([c.text])[0] <= 64 for c in chunks)


def test_cuts_keep_combining_marks_and_joined_emoji_whole():
    import unicodedata

    for unit in ("e\u0301", "👩\u200d💻", "a\u0327\u0301"):
        text = unit * 3_000
        for chunk in chunk_article("doc", text, max_tokens=180, max_chars=500):
            assert chunk.text.startswith(unit[0]) and not unicodedata.combining(chunk.text[0])
            assert len(chunk.text) <= 500 and chunk.text.count(unit) * len(unit) == len(chunk.text)


def test_chunks_respect_the_character_cap_as_well_as_the_token_budget():
    text = " ".join(["https://example.com/" + "a" * 150] * 100)  # few word pieces, many characters
    chunks = chunk_article("doc", text, max_tokens=180, max_chars=1_000)
    assert len(chunks) > 10 and all(len(c.text) <= 1_000 for c in chunks)
    assert " ".join(c.text for c in chunks) == text


def test_pieces_of_a_long_sentence_are_the_units_chunks_are_made_of():
    sentence = " ".join(f"word{i}" for i in range(400)) + "."
    text = "A short opening. " + sentence + " A short close."
    units = sentence_units(text, split_sentences(text), max_tokens=40)
    chunks = chunk_article("doc", text, max_tokens=40)
    # Every chunk starts and ends on a unit's bounds, and holds at least one whole unit.
    starts, ends = {s for (s, _), _ in units}, {e for (_, e), _ in units}
    for chunk in chunks:
        assert chunk.start in starts and chunk.end in ends
        assert any(chunk.start <= s and e <= chunk.end for (s, e), _ in units)
