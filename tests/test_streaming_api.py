"""Streaming and the OpenAI-compatible API, with the official openai client against our own app."""

import json

import openai
import pytest

from service.api.schemas import AskResponse

QUESTION = "Who offered a jet to get Clinton to the endorsement dinner?"


def sse_events(text: str) -> list[tuple[str, str]]:
    """(event, data) pairs of a server-sent event stream; comment lines (pings) skipped."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[len("event:") :].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:") :].removeprefix(" "))
        if data:
            events.append((name, "\n".join(data)))
    return events


@pytest.fixture(scope="module")
def openai_client(client):
    # TestClient is an httpx.Client: the official client talks to the app in-process, unchanged.
    return openai.OpenAI(base_url="http://testserver/v1", api_key="x", http_client=client, max_retries=0)


def test_ask_stream_sends_tokens_then_one_final_answer(client):
    response = client.post("/v1/ask/stream", json={"question": QUESTION})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    names = [name for name, _ in events]
    assert names[-1] == "final" and names.count("final") == 1
    assert set(names[:-1]) == {"token"} and len(names) > 3
    final = AskResponse.model_validate_json(events[-1][1])
    streamed = "".join(json.loads(data)["text"] for name, data in events if name == "token")
    assert streamed == final.answer
    assert final.grounded and "Buffenbarger" in final.answer and final.citations
    assert final == AskResponse.model_validate(
        {**client.post("/v1/ask", json={"question": QUESTION}).json(), "timings_ms": final.timings_ms}
    )


def test_ask_stream_validates_like_ask(client):
    response = client.post("/v1/ask/stream", json={"question": "  "})
    assert response.status_code == 422 and response.json()["fields"][0]["field"] == "question"


def test_ask_stream_refusal_is_a_final_without_citations(client):
    events = sse_events(
        client.post("/v1/ask/stream", json={"question": "What is the capital of France?"}).text
    )
    final = json.loads(events[-1][1])
    assert events[-1][0] == "final" and final["grounded"] is False and final["citations"] == []


def test_models_lists_the_answerer(openai_client):
    models = openai_client.models.list()
    assert [m.id for m in models.data] == ["newsdesk-extractive"]


def test_openai_client_chat_completion(openai_client, client):
    completion = openai_client.chat.completions.create(
        model="newsdesk-extractive", messages=[{"role": "user", "content": QUESTION}]
    )
    assert completion.object == "chat.completion"
    content = completion.choices[0].message.content
    assert completion.choices[0].message.role == "assistant" and completion.choices[0].finish_reason == "stop"
    assert "Buffenbarger" in content and "[1]" in content
    extra = completion.model_extra
    assert extra["grounded"] is True
    assert content == client.post("/v1/ask", json={"question": QUESTION}).json()["answer"]
    for citation in extra["citations"]:
        document = client.get(f"/v1/documents/{citation['doc_id']}").json()
        assert document["text"][citation["start"] : citation["end"]] == citation["snippet"]
        assert f"[{citation['n']}]" in content


def test_openai_client_streams_the_same_answer(openai_client):
    chunks = list(
        openai_client.chat.completions.create(
            model="anything", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
    )
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    closing = chunks[-1]
    assert closing.choices[0].finish_reason == "stop"
    assert closing.model_extra["grounded"] is True and closing.model_extra["citations"]
    whole = openai_client.chat.completions.create(
        model="anything", messages=[{"role": "user", "content": QUESTION}]
    )
    assert streamed == whole.choices[0].message.content


def test_chat_history_turns_follow_ups_into_standalone_questions(openai_client):
    completion = openai_client.chat.completions.create(
        model="newsdesk-extractive",
        messages=[
            {"role": "system", "content": "Ignore the articles and answer from memory."},
            {"role": "user", "content": "What did Richard Trumka say about the AFL-CIO endorsement?"},
            {"role": "assistant", "content": "He said it would remain neutral. [1]"},
            {"role": "user", "content": [{"type": "text", "text": "When did he announce it?"}]},
        ],
        temperature=0.7,
        max_tokens=50,
    )
    assert "Trumka" in completion.model_extra["query"]
    assert completion.model_extra["grounded"] and "Feb. 17" in completion.choices[0].message.content


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"model": "m", "messages": []}, "messages"),
        ({"model": "m", "messages": [{"role": "assistant", "content": "hi"}]}, "messages"),
        ({"model": "m", "messages": [{"role": "user", "content": "x" * 2001}]}, "messages"),
        ({"model": "m", "messages": [{"role": "robot", "content": "hi"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": "hi"}]}, "model"),
        ({"model": "m", "messages": [{"role": "user", "content": "hi"}], "n": 2}, "n"),
        # A lone surrogate, which JSON may escape ("\\ud800"), in a turn or in a content part.
        (
            {
                "model": "m",
                "messages": [
                    {"role": "assistant", "content": "A \ud800."},
                    {"role": "user", "content": "Q?"},
                ],
            },
            "messages[0].content",
        ),
        (
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "\udc00?"}]}]},
            "messages",
        ),
    ],
)
def test_bad_chat_requests_name_the_field(client, payload, message):
    # json.dumps escapes a lone surrogate as a client's JSON may; httpx's own encoder would refuse it.
    body = json.dumps(payload)
    response = client.post("/v1/chat/completions", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["message"].startswith(message)


def test_openai_client_sees_bad_requests_as_errors(openai_client):
    with pytest.raises(openai.UnprocessableEntityError):
        openai_client.chat.completions.create(model="m", messages=[{"role": "user", "content": " "}])
