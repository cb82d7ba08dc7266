"""Real articles and hostile input never break a request (issue 20: items 2, 3, 6, 10 and 11)."""

from __future__ import annotations

import itertools
import json
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from chromadb.errors import InternalError

from eval.loopback import serve_in_thread
from ingest.documents import derive_title
from ingest.loading import LoadError, load_paths
from ingest.models import Article
from service.answer.extractive import choose_passages, cite
from service.answer.types import Draft
from service.api import create_app
from service.engine import Newsdesk, sample_corpus_path
from service.jobs.sqlite import IngestJobs
from service.judge.cross_encoder import MAX_TOKENS, CrossEncoder
from service.judge.evidence import evidence_sentences
from service.retrieve.retrievers import NewsQuery
from service.settings import Settings
from tests.conftest import app_client
from tests.test_documents_api import wait_for
from ui.chat import Chat

LONG_QUESTION = (
    "Whom did Omar al-Bashir name as Sudan's prime minister in March 2017, after the national dialogue "
    "that the ruling party had promised would bring the opposition into government? "
)


def question_of(chars: int) -> str:
    return (LONG_QUESTION * (chars // len(LONG_QUESTION) + 1))[:chars].strip()


# --- 2. long questions ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cross_encoder() -> CrossEncoder:
    return CrossEncoder(workers=1)


@pytest.mark.parametrize("chars", [900, 1_200, 1_500, 2_000, 20_000])
def test_the_cross_encoder_scores_any_question_length_with_any_passage(cross_encoder, chars):
    passages = ["Bashir named Bakri Hassan Saleh prime minister.", "word " * 600, "x"]
    scores = cross_encoder.score(question_of(chars), passages)
    assert len(scores) == 3 and all(math.isfinite(s) for s in scores)


def test_a_long_question_keeps_the_whole_of_a_short_passage_in_view(cross_encoder):
    cross_encoder.score("warm", ["up"])
    passage = "Bashir named Bakri Hassan Saleh prime minister on Wednesday."
    encoding = cross_encoder.encode(question_of(2_000), passage)
    assert len(encoding.ids) == MAX_TOKENS
    whole = cross_encoder.encode("q", passage)
    passage_ids = [i for i, kind in zip(whole.ids, whole.type_ids, strict=True) if kind == 1]
    assert [i for i, kind in zip(encoding.ids, encoding.type_ids, strict=True) if kind == 1] == passage_ids


def test_short_questions_are_encoded_as_before(cross_encoder):
    """Questions of ordinary length: the passage alone is cut, so the calibrated scores do not move."""
    question = "Whom did Omar al-Bashir name as Sudan's prime minister?"
    encoding = cross_encoder.encode(question, "word " * 600)
    question_ids = [i for i, kind in zip(encoding.ids, encoding.type_ids, strict=True) if kind == 0]
    assert len(encoding.ids) == MAX_TOKENS
    assert question_ids == cross_encoder.encode(question, "x").ids[: len(question_ids)]


@pytest.mark.parametrize("route", ["/v1/ask", "/v1/search", "/v1/chat/completions"])
@pytest.mark.parametrize("chars", [900, 1_500, 2_000])
def test_questions_up_to_the_limit_are_answered_over_the_api(client, route, chars):
    question = question_of(chars)
    body = (
        {"model": "newsdesk", "messages": [{"role": "user", "content": question}]}
        if route.endswith("completions")
        else {"query" if route == "/v1/search" else "question": question}
    )
    response = client.post(route, json=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("route", "field"),
    [("/v1/ask", "question"), ("/v1/search", "query"), ("/v1/chat/completions", "messages")],
)
def test_the_question_limit_is_the_setting(sample_engine, route, field):
    def body(question: str) -> dict[str, object]:
        if route.endswith("completions"):
            return {"model": "newsdesk", "messages": [{"role": "user", "content": question}]}
        return {field: question}

    with app_client(sample_engine, max_question_chars=60) as client:
        refused = client.post(route, json=body("x" * 61))
        assert refused.status_code == 422, refused.text
        assert refused.json()["fields"][0]["field"] == field
        assert "at most 60 characters" in refused.json()["message"]
        assert "NEWSDESK_MAX_QUESTION_CHARS" in refused.json()["message"]
    with app_client(sample_engine, max_question_chars=3_000) as client:
        assert client.post(route, json=body(question_of(2_500))).status_code == 200


def test_the_chat_ui_reads_the_question_limit_from_the_settings(sample_engine):
    class Engine:  # the limit is read before the engine is asked anything
        settings = sample_engine.settings.model_copy(update={"max_question_chars": 10})

    replies = list(Chat(lambda: Engine()).respond("x" * 11, [], "", "", ""))
    assert replies == ["Please keep questions under 10 characters."]


def test_the_chat_ui_shows_a_plain_message_never_the_exception(sample_engine):
    class Broken:
        settings = sample_engine.settings

        def ask_stream(self, question, history=(), filters=None):
            raise RuntimeError("Truncation error: secret internals at /srv/data")

    replies = list(Chat(lambda: Broken()).respond("When did it happen?", [], "", "", ""))
    assert len(replies) == 1
    assert "Truncation" not in replies[0] and "/srv" not in replies[0]
    assert "could not answer" in replies[0]


# --- 10. a 500 keeps the connection ------------------------------------------------------------------------


def test_an_internal_error_is_a_json_500_and_the_connection_stays_open(sample_engine, monkeypatch):
    def broken_search(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/data")

    monkeypatch.setattr(sample_engine, "search", broken_search)
    app = create_app(sample_engine.settings, newsdesk=sample_engine)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        failed = client.post("/v1/search", json={"query": "Who endorsed Clinton?"})
        assert failed.status_code == 500
        assert failed.json() == {
            "error": "internal_error",
            "message": "the server could not complete the request",
            "fields": [],
        }
        assert "secret" not in failed.text and failed.headers.get("connection") != "close"
        assert failed.headers["x-request-id"]
        after = client.get("/healthz")
        assert after.status_code == 200
        # The same TCP connection served both: the client's side of it kept its port.
        assert local_port(after) == local_port(failed)


def local_port(response: httpx.Response) -> int:
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


# --- 11. untitled articles ---------------------------------------------------------------------------------

KABUL = (
    "Kabul has joined Moscow, Tel Aviv and a few other capitals in welcoming Donald Trump's presidential "
    "administration. Although Trump has not yet elaborated on his policy towards Afghanistan, his criticisms "
    "of Washington were welcomed there."
)
FIRST_SENTENCE = KABUL.split(". ")[0] + "."


def assert_derived_from(detail: dict[str, object], first_sentence: str) -> None:
    title = str(detail["title"])
    assert detail["metadata"]["title_derived"] is True  # type: ignore[index]
    assert len(title) <= 100 and title.endswith("…")
    assert first_sentence.startswith(title[:-1]) and first_sentence[len(title) - 1] == " "
    text = str(detail["text"])
    # The derived title is not put in front of the text: the first sentence is there once, as written.
    assert text.startswith(first_sentence) and text.count(title[:-1]) == 1


def test_untitled_jsonl_articles_get_a_title_from_their_first_sentence(writable_engine, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "untitled-empty", "title": "", "text": KABUL})
        + "\n"
        + json.dumps({"id": "untitled-missing", "text": "Short first sentence. Then more news follows."})
        + "\n"
        + json.dumps({"id": "untitled-blank", "title": "  \t ", "text": KABUL})
        + "\n"
    )
    report = writable_engine.ingest_paths([feed])
    assert report.ok, report.failed
    with app_client(writable_engine) as client:
        for doc_id in ("untitled-empty", "untitled-blank"):
            assert_derived_from(client.get(f"/v1/documents/{doc_id}").json(), FIRST_SENTENCE)
        short = client.get("/v1/documents/untitled-missing").json()
    assert short["title"] == "Short first sentence." and short["metadata"]["title_derived"] is True


def test_a_given_title_is_not_marked_derived(writable_engine):
    with app_client(writable_engine) as client:
        posted = client.post("/v1/documents", json={"id": "titled", "title": "Kabul welcomes", "text": KABUL})
        assert posted.status_code == 201, posted.text
        detail = client.get("/v1/documents/titled").json()
    assert detail["title"] == "Kabul welcomes" and "title_derived" not in detail["metadata"]


@pytest.mark.parametrize("title", ["", "   ", None])
def test_documents_posted_without_a_title_get_one(writable_engine, title):
    body = {"id": "untitled-api", "text": KABUL, **({} if title is None else {"title": title})}
    with app_client(writable_engine) as client:
        posted = client.post("/v1/documents", json=body)
        assert posted.status_code in (200, 201), posted.text
        assert_derived_from(client.get("/v1/documents/untitled-api").json(), FIRST_SENTENCE)


def test_an_uploaded_file_whose_first_line_is_a_paragraph_gets_a_derived_title(writable_engine):
    text = KABUL + " " + "The talks went on into the night and resumed in the morning. " * 5
    with app_client(writable_engine) as client:
        uploaded = client.post("/v1/documents/upload", files={"file": ("one-paragraph.txt", text.encode())})
        assert uploaded.status_code == 201, uploaded.text
        assert_derived_from(client.get("/v1/documents/one-paragraph").json(), FIRST_SENTENCE)


def test_a_derived_title_is_cut_at_a_word_and_never_empty():
    assert derive_title("Short first sentence. Then more.") == "Short first sentence."
    assert derive_title("  \n  Spaced   out\n words here. More.") == "Spaced out words here."
    no_spaces = "x" * 500 + ". Then more."
    assert derive_title(no_spaces) == "x" * 99 + "…"
    long = derive_title("word " * 100)
    assert len(long) <= 100 and long.endswith("word…")


# --- 3. folder ingest stays inside NEWSDESK_INGEST_ROOTS ---------------------------------------------------


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """An ingest root holding one good article, one good link inside the root, and every way out of it."""
    root = tmp_path / "inbox"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "ferry.txt").write_text("Ferry fares rise\n\nFares rise by 5% in May, the operator said.")
    (root / "sub" / "bus.txt").write_text("Bus fares fall\n\nBus fares fall by 2% in June, the council said.")
    (tmp_path / "outside" / "secret.txt").write_text("Secret plans\n\nThe secret plan is kept outside.")
    (root / "bus-link.txt").symlink_to(root / "sub" / "bus.txt")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    (root / "status.txt").symlink_to("/proc/self/status")
    (root / "secret.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    (root / "escape").symlink_to(tmp_path / "outside")
    (root / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(root / "pipe.txt")
    return root


def outcome(items: list[Article | LoadError]) -> tuple[set[str], dict[str, str]]:
    loaded = {item.id for item in items if isinstance(item, Article)}
    errors = {Path(item.origin).name: item.message for item in items if isinstance(item, LoadError)}
    return loaded, errors


@pytest.mark.timeout(60)  # a FIFO that was opened would block forever
def test_files_resolving_outside_the_roots_or_not_regular_are_refused_one_by_one(inbox):
    loaded, errors = outcome(list(load_paths([inbox], roots=[inbox.resolve()])))
    assert loaded == {"ferry", "bus-link", "bus"}
    for name in ("passwd.txt", "status.txt", "secret.txt"):
        assert "outside the ingest roots" in errors[name] and "NEWSDESK_INGEST_ROOTS" in errors[name]
    assert "not a regular file" in errors["pipe.txt"]
    assert "broken link" in errors["broken.txt"]
    assert set(errors) == {"passwd.txt", "status.txt", "secret.txt", "pipe.txt", "broken.txt"}


@pytest.mark.timeout(60)
def test_without_roots_links_are_followed_but_devices_fifos_and_proc_files_are_not_read(inbox):
    loaded, errors = outcome(list(load_paths([inbox])))
    assert {"ferry", "bus-link", "bus", "secret", "passwd"} <= loaded  # the operator's own CLI, own links
    assert "not a regular file" in errors["pipe.txt"]
    assert "kernel" in errors["status.txt"]
    (inbox / "zero.txt").symlink_to("/dev/zero")
    _, direct = outcome(list(load_paths([inbox / "zero.txt", inbox / "pipe.txt", inbox / "status.txt"])))
    assert "not a regular file" in direct["zero.txt"] and "not a regular file" in direct["pipe.txt"]
    assert "kernel" in direct["status.txt"]


@pytest.mark.timeout(120)
def test_folder_ingest_over_the_api_indexes_nothing_from_outside_the_roots(writable_engine, inbox):
    with app_client(writable_engine, ingest_roots=[inbox]) as client:
        started = client.post("/v1/ingest", json={"path": str(inbox)})
        assert started.status_code == 202, started.text
        job = wait_for(client, started.json()["job_id"])
        assert job["status"] == "succeeded" and job["added"] == 3, job
        refused = {Path(e["origin"]).name: e["message"] for e in job["errors"]}
        assert set(refused) == {"passwd.txt", "status.txt", "secret.txt", "pipe.txt", "broken.txt"}
        for doc_id in ("passwd", "status", "secret"):
            assert client.get(f"/v1/documents/{doc_id}").status_code == 404
        assert client.get("/v1/documents/ferry").status_code == 200
        linked = client.post("/v1/ingest", json={"path": str(inbox / "passwd.txt")})
        assert linked.status_code == 403 and "outside the ingest roots" in linked.json()["message"]


# --- 6. replace or delete while questions run ------------------------------------------------------------

NEA_QUESTION = "When did the NEA endorse Hillary Clinton?"


@pytest.fixture(scope="module")
def racing_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsdesk]:
    """The sample corpus in an engine of this module's own: these tests delete and replace its documents."""
    engine = Newsdesk(Settings(data_dir=tmp_path_factory.mktemp("racing")))
    engine.ingest_paths([sample_corpus_path()])
    engine.warm_up()
    yield engine
    engine.close()


def sample_article(engine: Newsdesk, doc_id: str, suffix: str = "") -> Article:
    record = engine.catalog.get_document(doc_id)
    if record is None:  # deleted by an earlier test: the file holds it
        [article] = load_paths([sample_corpus_path() / f"{doc_id}.txt"])
        assert isinstance(article, Article)
        return replace(article, body=article.body + suffix)
    return Article(id=doc_id, title=record.title, body=record.text.split("\n\n", 1)[1] + suffix)


def test_a_document_deleted_between_judging_and_citing_is_quoted_as_judged(racing_engine):
    engine = racing_engine
    query, nodes, _ = engine.gather_evidence(NEA_QUESTION)
    passages = choose_passages(engine.judge.judge(query, nodes[:5]), engine.answerer.threshold, 2)
    assert passages, "the sample corpus answers this question"
    doc_id = passages[0].sentence.doc_id
    judged_text = passages[0].sentence.document
    try:
        assert engine.delete([doc_id]) == [doc_id]
        text, citations = cite(passages, engine.judge.splits)
    finally:
        engine.ingest_articles([sample_article(engine, doc_id)])
    assert citations and citations[0].doc_id == doc_id
    assert citations[0].snippet == judged_text[citations[0].start : citations[0].end]
    assert citations[0].snippet in text or text.startswith(citations[0].snippet.split(". ")[-1][:40])


def test_a_document_replaced_between_retrieval_and_judging_is_skipped_not_misquoted(racing_engine):
    engine = racing_engine
    query, nodes, _ = engine.gather_evidence(NEA_QUESTION)
    doc_id = nodes[0].node.metadata["doc_id"]
    # The new version opens with a paragraph of its own: every old offset now points at other words.
    article = sample_article(engine, doc_id)
    opening = "Editor's note: this article was updated with a new opening paragraph of many characters.\n\n"
    engine.ingest_articles([replace(article, body=opening + article.body)])
    try:
        sentences = evidence_sentences(nodes[:5], engine.judge.splits)
        answer = engine.answerer.answer(query, nodes[:5])
    finally:
        engine.ingest_articles([article])
    assert all(s.doc_id != doc_id for s in sentences)
    for citation in answer.citations:
        current = engine.catalog.get_document(citation.doc_id)
        assert current is not None and current.text[citation.start : citation.end] == citation.snippet


def test_a_document_deleted_between_retrieval_and_answering_is_skipped(racing_engine):
    engine = racing_engine
    query, nodes, _ = engine.gather_evidence(NEA_QUESTION)
    doc_id = nodes[0].node.metadata["doc_id"]
    assert engine.delete([doc_id]) == [doc_id]
    try:
        answer = engine.answerer.answer(query, nodes[:5])
        hits = engine.reranker.postprocess_nodes(nodes, NewsQuery(query_str=query))
    finally:
        engine.ingest_articles([sample_article(engine, doc_id)])
    assert all(c.doc_id != doc_id for c in answer.citations)
    assert hits


def test_a_dense_search_that_meets_a_vanished_chunk_is_retried(racing_engine):
    """Chroma's HNSW can return a chunk whose record a concurrent delete just removed: it raises, once."""
    store = racing_engine.vectors
    real = store.collection
    calls = 0

    class VanishingOnce:  # Chroma's own error, as it raises it mid-race; every other call is Chroma's
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def query(self, **kwargs: object) -> object:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise InternalError("Error executing plan: Internal error: Error finding id")
            return real.query(**kwargs)

    embedding = racing_engine.embedder.embed_query(NEA_QUESTION)
    expected = store.query(embedding, 5)
    store.collection = VanishingOnce()
    try:
        assert store.query(embedding, 5) == expected and calls == 2
    finally:
        store.collection = real


@pytest.mark.timeout(300)
def test_questions_never_fail_while_their_documents_are_replaced_and_deleted(racing_engine):
    engine = racing_engine
    questions = [
        NEA_QUESTION,
        "Who offered a jet to get Clinton to the endorsement dinner?",
        "How many emails did WikiLeaks release on Wednesday?",
        "When did Richard Trumka announce that the AFL-CIO would stay neutral?",
    ]
    doc_ids = sorted(engine.catalog.iter_document_ids())
    originals = {doc_id: sample_article(engine, doc_id) for doc_id in doc_ids}
    failures: list[str] = []
    asked = 0
    stop = threading.Event()

    def ask(offset: int) -> None:
        nonlocal asked
        for n in itertools.count(offset):
            if stop.is_set():
                return
            try:
                engine.ask(questions[n % len(questions)])
                engine.search(questions[(n + 1) % len(questions)])
            except Exception as error:  # any exception is the failure this test looks for
                failures.append(f"{type(error).__name__}: {error}")
            asked += 1

    askers = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
    for asker in askers:
        asker.start()
    deadline = time.monotonic() + 20
    writes = 0
    try:
        while time.monotonic() < deadline:
            # Every document in turn is deleted, then written back with a new first paragraph (so every
            # offset of its old version points at other words), while the askers read it.
            doc_id = doc_ids[writes % len(doc_ids)]
            engine.delete([doc_id])
            article = originals[doc_id]
            engine.ingest_articles([replace(article, body=f"Update {writes}.\n\n{article.body}")])
            writes += 1
    finally:
        stop.set()
        for asker in askers:
            asker.join()
        engine.ingest_articles(originals.values())
    assert failures == [], failures[:5]
    assert asked > 20 and writes > 5
    assert engine.catalog.count_documents() == len(doc_ids)


def test_a_dense_search_that_keeps_meeting_vanished_chunks_leaves_the_answer_to_bm25(racing_engine):
    store = racing_engine.vectors
    real = store.collection

    class AlwaysVanishing:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def query(self, **kwargs: object) -> object:
            raise InternalError("Error executing plan: Internal error: Error finding id")

    store.collection = AlwaysVanishing()
    try:
        assert store.query(racing_engine.embedder.embed_query(NEA_QUESTION), 5) == []
        answer = racing_engine.ask(NEA_QUESTION)
    finally:
        store.collection = real
    assert answer.grounded and all(c.doc_id for c in answer.citations)  # the keyword index found it


def test_a_document_deleted_as_it_is_written_is_a_409_not_a_500(racing_engine, monkeypatch):
    engine = racing_engine
    written = engine.ingest_articles

    def write_then_lose(articles: list[Article]) -> object:
        report = written(articles)
        engine.delete([a.id for a in articles])  # another request's DELETE, just after the write
        return report

    monkeypatch.setattr(engine, "ingest_articles", write_then_lose)
    with app_client(engine) as client:
        response = client.post("/v1/documents", json={"id": "short-lived", "title": "Gone", "text": KABUL})
    assert response.status_code == 409, response.text
    assert "deleted" in response.json()["message"]


def test_a_stream_failing_midway_ends_with_an_error_event_and_keeps_the_connection(
    sample_engine, monkeypatch
):
    def half_an_answer(*args: object, **kwargs: object) -> Iterator[Draft]:
        yield Draft("The first words ")
        raise RuntimeError("secret internals at /srv/data")

    monkeypatch.setattr(sample_engine, "ask_stream", half_an_answer)
    app = create_app(sample_engine.settings, newsdesk=sample_engine)
    chat = {"model": "newsdesk", "stream": True, "messages": [{"role": "user", "content": NEA_QUESTION}]}
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        streamed = client.post("/v1/ask/stream", json={"question": NEA_QUESTION})
        assert streamed.status_code == 200
        assert "event: token" in streamed.text and "event: error" in streamed.text
        assert "internal_error" in streamed.text and "secret" not in streamed.text
        chunks = client.post("/v1/chat/completions", json=chat)
        assert "internal_error" in chunks.text and "secret" not in chunks.text
        assert chunks.text.rstrip().endswith("data: [DONE]")
        after = client.get("/healthz")
        assert after.status_code == 200 and local_port(after) == local_port(streamed) == local_port(chunks)


def test_a_job_that_fails_unexpectedly_says_so_without_the_exception_text(racing_engine):
    def broken_ingest(items: object, on_batch: object = None) -> object:
        raise RuntimeError("secret internals at /srv/data")

    jobs = IngestJobs(racing_engine.catalog, broken_ingest)
    try:
        job = jobs.submit("documents", lambda: [], total=0)
        jobs.wait(timeout=30)
        finished = jobs.get(job.id)
    finally:
        jobs.shutdown()
    assert finished is not None and finished.status == "failed"
    assert finished.message and "secret" not in finished.message and "server log" in finished.message
