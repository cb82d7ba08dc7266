"""The real language model backends end to end (make test-slow): llama-cpp in-process, and the openai backend
against llama-cpp-python's own OpenAI-compatible server on loopback, both with the bundled Gemma 3 270M GGUF.

Gemma 3 270M is a small base model: the checks are that whatever it writes comes back verified (or as the
extractive fallback) with valid citations, never that it is right.
"""

import copy
import json
import re

import openai
import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from tests.test_streaming_api import sse_events

pytestmark = pytest.mark.slow

QUESTION = "How many emails did WikiLeaks release on Wednesday?"


@pytest.fixture(scope="module")
def gguf():
    pytest.importorskip("llama_cpp", reason="the local-llm extra is not installed")
    pytest.importorskip("llama_index.llms.llama_cpp", reason="the local-llm extra is not installed")
    from service.answer.llm import bundled_gguf_path

    return bundled_gguf_path()


def engine_with(sample_engine, **settings):
    """The sample engine with the answerer NEWSDESK_ANSWERER (and friends) would build."""
    engine = copy.copy(sample_engine)
    engine.settings = sample_engine.settings.model_copy(update=settings)
    engine.answerer = engine._build_answerer()
    engine.warm_up()
    return engine


def assert_verified_answer(client, body, answerer):
    assert body["answerer"] == answerer
    assert body["grounded"] is True  # the judge found the answer: refusing is not an option here
    verification = body["verification"]
    assert verification["fallback"] or verification["kept"] >= 1
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", body["answer"])}
    assert numbers == {c["n"] for c in body["citations"]} == set(range(1, len(body["citations"]) + 1))
    for citation in body["citations"]:
        text = client.get(f"/v1/documents/{citation['doc_id']}").json()["text"]
        assert text[citation["start"] : citation["end"]] == citation["snippet"]
    if verification["fallback"]:
        assert body["answer"] == client.app.state.extractive_answer


def check_backend(engine, sample_engine, answerer):
    app = create_app(engine.settings, newsdesk=engine)
    with TestClient(app) as client:
        app.state.extractive_answer = sample_engine.ask(QUESTION).answer
        body = client.post("/v1/ask", json={"question": QUESTION}).json()
        assert_verified_answer(client, body, answerer)

        events = sse_events(client.post("/v1/ask/stream", json={"question": QUESTION}).text)
        assert [name for name, _ in events][-1] == "final" and len(events) > 2
        assert_verified_answer(client, json.loads(events[-1][1]), answerer)

        chat = openai.OpenAI(base_url="http://testserver/v1", api_key="x", http_client=client, max_retries=0)
        chunks = list(
            chat.chat.completions.create(
                model="newsdesk", messages=[{"role": "user", "content": QUESTION}], stream=True
            )
        )
        streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", streamed)}
        assert cited == {c["n"] for c in chunks[-1].model_extra["citations"]} and cited
        assert client.get("/v1/models").json()["data"][0]["id"] == f"newsdesk-{answerer}"
        assert (
            client.post("/v1/ask", json={"question": "What is the capital of France?"}).json()["grounded"]
            is False
        )


def test_llama_cpp_backend_answers_through_the_api(sample_engine, gguf):
    engine = engine_with(sample_engine, answerer="llama-cpp", llama_model_path=gguf)
    check_backend(engine, sample_engine, "llama-cpp")


@pytest.fixture(scope="module")
def llama_server(gguf):
    from eval.llama_server import llama_cpp_server

    pytest.importorskip("starlette_context", reason="llama-cpp-python's server extra is not installed")
    with llama_cpp_server(gguf, startup_timeout_s=180) as base_url:  # stopped however the tests end
        yield base_url


@pytest.mark.parametrize("chat", [False, True], ids=["completions", "chat"])
def test_openai_backend_against_a_llama_cpp_server(sample_engine, llama_server, chat):
    from eval.llama_server import MODEL_ALIAS

    engine = engine_with(
        sample_engine,
        answerer="openai",
        openai_base_url=llama_server,
        openai_model=MODEL_ALIAS,
        openai_chat=chat,
        openai_timeout_s=120,
    )
    check_backend(engine, sample_engine, "openai")
