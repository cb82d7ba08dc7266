"""Property tests over what is indexed, not over requests: whatever an article holds, ingest accepts it or
refuses it with a clear error, its chunks are exact and within every cap, each chunk has its sentence vectors,
and a question over it answers 200, never 500.

Contents mix long sentences (hundreds of words, one full stop), runs with no spaces (letters, URLs, Chinese,
combining marks, emoji), Unicode that breaks pipelines (RTL, bidi and zero-width controls, NUL and other C0
controls), Markdown and HTML markup, and huge counts of small things (headings, paragraphs, sentences).
The caps are small here (300-character chunks, 20,000-character documents), so the cuts and the refusals
happen on texts small enough to index in a test. Examples are few by default; NEWSDESK_HYPOTHESIS_EXAMPLES
raises them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from itertools import pairwise

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest.chunking import minilm_token_counts
from ingest.indexing import DocumentLimits, PreparedDocument, chunk_input, chunk_sentences, prepare_document
from ingest.models import Article, InvalidDocumentError
from service.engine import Newsdesk
from service.settings import Settings
from tests.conftest import app_client

EXAMPLES = int(os.environ.get("NEWSDESK_HYPOTHESIS_EXAMPLES", "0"))
PURE = settings(
    max_examples=EXAMPLES or 40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # fmt: skip
END_TO_END = settings(
    max_examples=EXAMPLES or 12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LIMITS = DocumentLimits(max_document_chars=20_000, max_chunk_chars=300, max_chunks=40)
CHUNK_TOKENS = 64

WORD = st.from_regex(r"[A-Za-z][a-z]{0,11}", fullmatch=True)
SENTENCE = st.from_regex(r"[A-Z][a-z]{1,9}( [a-z]{1,9}){2,14}[.!?]", fullmatch=True)
LONG_SENTENCE = st.builds(
    lambda words, n: " ".join(words * n) + ".", st.lists(WORD, min_size=1, max_size=12), st.integers(10, 120)
)
NO_SPACE_UNITS = [
    "x",
    "ab1",
    "中文句子",
    "e\u0301",
    "👍🏽",
    "👩\u200d💻",
    "https://example.com/a?b=c&",
    "مرحبا",
    "\u0627\u0651",
]
NO_SPACE_RUN = st.builds(lambda unit, n: unit * n, st.sampled_from(NO_SPACE_UNITS), st.integers(50, 1_500))
AWKWARD = [
    "\x00", "\x07", "\x1b[31m", "\x85", "\u200b", "\u200d", "\u202e", "\u2066", "\u061c", "\ufeff", "\u00ad",
    "\r\n", "\r", "\n", "\n\n", "\t", "\u2028", "\u2029", "e\u0301", "\u0327\u0301", "שלום עולם.",
    "مرحبا بالعالم.", "中文句子。", "🧑‍🤝‍🧑", "🇺🇸", "Dr.", "U.S.", "…", "“", "”", "—",
]  # fmt: skip
UNICODE = st.lists(st.one_of(st.sampled_from(AWKWARD), SENTENCE, st.text(max_size=20)), max_size=30).map(
    "".join
)
MARKDOWN_BLOCK = st.one_of(
    SENTENCE.map(lambda s: "# " + s),
    SENTENCE.map(lambda s: "- " + s),
    SENTENCE.map(lambda s: f"[{s}](http://example.com/x)"),
    SENTENCE.map(lambda s: f"![{s}](http://example.com/p.png)"),
    SENTENCE.map(lambda s: f"```\n{s}\n```"),
    SENTENCE.map(lambda s: f"> **{s}**"),
    SENTENCE,
)
MARKDOWN = st.lists(MARKDOWN_BLOCK, min_size=1, max_size=20).map("\n\n".join)
HTML_BLOCK = st.one_of(
    SENTENCE.map(lambda s: f"<p>{s}</p>"),
    SENTENCE.map(lambda s: f"<h2>{s}</h2>"),
    SENTENCE.map(lambda s: f"<p><a href='javascript:x()'>{s}</a> <script>var x = '{s}';</script></p>"),
    SENTENCE.map(lambda s: f"<ul><li>{s}</li></ul>"),
    NO_SPACE_RUN.map(lambda s: f"<p>{s}</p>"),
)
HTML = st.lists(HTML_BLOCK, min_size=1, max_size=20).map(
    lambda blocks: (
        "<html><head><title>A page</title></head><body><article>"
        + "".join(blocks)
        + "</article></body></html>"
    )
)
HUGE_COUNT = st.builds(
    lambda unit, n: unit * n,
    st.sampled_from(["# Heading\n\n", "Go now. ", "A.\n\n", "- item\n", "word ", "\n\n\n", "x\u0301 "]),
    st.integers(200, 5_000),
)
CONTENT = st.lists(
    st.one_of(SENTENCE, LONG_SENTENCE, NO_SPACE_RUN, UNICODE, MARKDOWN, HUGE_COUNT), min_size=1, max_size=5
).map("\n\n".join)


def check_prepared(prepared: PreparedDocument, limits: DocumentLimits, chunk_tokens: int) -> None:
    text = prepared.document.text
    chunks = prepared.chunks
    assert 1 <= len(chunks) <= limits.max_chunks
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for before, after in pairwise(chunks):
        assert before.end <= after.start
    counts = minilm_token_counts([c.text for c in chunks])
    for chunk, tokens in zip(chunks, counts, strict=True):
        assert chunk.text == text[chunk.start : chunk.end] and chunk.text == chunk.text.strip()
        assert chunk.end - chunk.start <= limits.max_chunk_chars
        assert tokens <= chunk_tokens, (tokens, chunk.text[:80])
        # Its sentence vectors: at least one sentence, each at the same text in what the encoder sees.
        spans = chunk_sentences(prepared, chunk)
        assert spans, chunk
        encoded, shifted = chunk_input(prepared, chunk)
        for (start, end), (s, e) in zip(spans, shifted, strict=True):
            assert encoded[s:e] == text[start:end]
    # Every sentence, or piece of one, lies in exactly one chunk, and nothing but whitespace lies in none.
    covered = bytearray(len(text))
    for start, end in prepared.sentences:
        assert sum(c.start <= start and end <= c.end for c in chunks) == 1
        covered[start:end] = b"\x01" * (end - start)
    lost = [i for i, char in enumerate(text) if not covered[i] and not char.isspace()]
    assert not lost, [text[i] for i in lost[:10]]


@PURE
@given(CONTENT, st.text(max_size=30), st.sampled_from([32, 64, 180]))
@example("Khartoum. " + " ".join(["word"] * 344) + ".", "Title", 180)  # a sentence longer than a chunk
@example("x" * 5_000, "No spaces", 180)  # one unknown word piece: the character cap alone cuts it
@example("中文句子没有空格" * 300, "", 32)
def test_ingest_accepts_or_refuses_clearly_and_chunks_stay_exact_and_capped(
    body: str, title: str, chunk_tokens: int
) -> None:
    try:
        prepared = prepare_document(Article(id="doc", title=title, body=body), chunk_tokens, LIMITS)
    except InvalidDocumentError as error:
        assert error.field in {"text", "title"} and error.message
        return
    check_prepared(prepared, LIMITS, chunk_tokens)


# --- end to end ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_caps_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Newsdesk, TestClient]]:
    engine = Newsdesk(
        Settings(
            data_dir=tmp_path_factory.mktemp("content-properties"),
            chunk_tokens=CHUNK_TOKENS,
            max_chunk_chars=LIMITS.max_chunk_chars,
            max_document_chars=LIMITS.max_document_chars,
            max_chunks_per_document=LIMITS.max_chunks,
        )
    )
    with app_client(engine) as client:
        yield engine, client
    engine.close()


UPLOAD = st.one_of(
    st.tuples(st.just("json"), CONTENT),
    st.tuples(st.just("story.txt"), CONTENT),
    st.tuples(st.just("story.md"), MARKDOWN | CONTENT),
    st.tuples(st.just("story.html"), HTML),
)


def question_about(content: str) -> str:
    """The content's first words (each cut to 40 characters), or a question of its own for content without."""
    words = [word[:40] for word in re.findall(r"\w+", content)[:12]]
    return " ".join(words) + "?" if words else "What happened?"


@END_TO_END
@given(UPLOAD)
@example(("json", "Khartoum. " + " ".join(["Bashir named Saleh prime minister"] * 70) + "."))
@example(("story.txt", "Headline\n\n" + "x" * 3_000 + " and more."))
def test_whatever_is_indexed_a_question_over_it_is_never_a_500(
    small_caps_client: tuple[Newsdesk, TestClient], upload: tuple[str, str]
) -> None:
    engine, client = small_caps_client
    kind, content = upload
    if kind == "json":
        written = client.post("/v1/documents", json={"id": "prop", "title": "Property", "text": content})
    else:
        written = client.post(
            "/v1/documents/upload", files={"file": (kind, content.encode("utf-8", "surrogatepass"))},
            data={"doc_id": "prop"},
        )  # fmt: skip
    assert written.status_code in (200, 201, 422), written.text
    if written.status_code == 422:
        assert written.json()["fields"] and written.json()["message"]
    else:
        record = engine.catalog.get_document("prop", with_text=False)
        assert record is not None
        ids = [f"prop@{record.version}#{i}" for i in range(record.chunk_count)]
        assert set(engine.catalog.sentence_vectors(ids)) == set(ids)
        for chunk in engine.catalog.chunk_records(ids).values():
            assert len(chunk.text) <= LIMITS.max_chunk_chars
    question = question_about(content)
    for body in ({"question": question, "doc_ids": ["prop"]}, {"question": question}):
        ask = client.post("/v1/ask", json=body)
        assert ask.status_code == 200, ask.text
    search = client.post("/v1/search", json={"query": question, "top_k": 10})
    assert search.status_code == 200, search.text
    assert all(len(hit["text"]) <= LIMITS.max_chunk_chars for hit in search.json()["results"])
