import pytest


def test_healthz(client):
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "documents": 5, "chunks": body["chunks"]} and body["chunks"] > 5


def test_answer_shape_and_exact_snippets(client):
    response = client.post("/v1/ask", json={"question": "When did the NEA endorse Hillary Clinton?"})
    assert response.status_code == 200
    body = response.json()
    assert body["grounded"] is True
    assert "October 2015" in body["answer"]
    assert set(body["timings_ms"]) >= {"retrieve", "rerank", "answer", "total"}
    assert body["citations"]
    for citation in body["citations"]:
        assert set(citation) == {"n", "doc_id", "title", "snippet", "start", "end", "score"}
        document = client.get(f"/v1/documents/{citation['doc_id']}").json()
        assert document["text"][citation["start"] : citation["end"]] == citation["snippet"]
        assert f"[{citation['n']}]" in body["answer"]
        assert 0 <= citation["score"] <= 1


def test_every_answer_sentence_carries_a_marker(client):
    body = client.post(
        "/v1/ask", json={"question": "Was Trumka motivated to push for an early endorsement?"}
    ).json()
    assert body["grounded"]
    # The citation quotes the sentence the answer leans on ("He is not motivated.") together with it.
    assert "not motivated" in body["answer"]
    for part in body["answer"].split("] ")[:-1]:
        assert part.rstrip().split("[")[-1].isdigit()


def test_refusal_has_no_citations(client):
    body = client.post("/v1/ask", json={"question": "What is the capital of France?"}).json()
    assert body["grounded"] is False and body["citations"] == []
    assert "do not contain" in body["answer"]


def test_top_k_is_honoured(client):
    body = client.post("/v1/ask", json={"question": "Who is Nikki Budzinski?", "top_k": 1}).json()
    assert len({c["doc_id"] for c in body["citations"]}) <= 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   \n\t "}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({"question": "ok?", "top_k": 0}, "top_k"),
        ({"question": "ok?", "top_k": 51}, "top_k"),
        ({"question": "ok?", "top_k": "five"}, "top_k"),
        ({}, "question"),
        ({"question": 42}, "question"),
        ({"question": "ok?", "history": [{"role": "robot", "content": "hi"}]}, "history[0].role"),
        ({"question": "ok?", "history": "nope"}, "history"),
        ({"question": "ok?", "recency": 2}, "recency"),
        ({"question": "ok?", "published_from": "2016-13-01"}, "published_from"),
        ({"question": "ok?", "surprise": True}, "surprise"),
    ],
)
def test_bad_input_names_the_field(client, payload, field):
    response = client.post("/v1/ask", json=payload)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert field in [f["field"] for f in body["fields"]]
    assert body["message"].startswith(field) or f"; {field}" in body["message"]


@pytest.mark.parametrize("raw", ["{bad json", "", "null", "[1, 2]", '"just a string"'])
def test_malformed_json_is_a_4xx_not_a_500(client, raw):
    response = client.post("/v1/ask", content=raw, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.json()["message"]


def test_documents_listing_and_detail(client):
    listing = client.get("/v1/documents").json()
    assert listing["total"] == 5
    assert {d["id"] for d in listing["documents"]} == {
        "000_ed48cb7ca0d72a48",
        "001_232c99f60a508717",
        "002_56959c77431901b6",
        "003_3852874b1bc20166",
        "004_bd46c8d1508c9f8a",
    }
    assert all(d["chunk_count"] > 0 and d["title"] for d in listing["documents"])
    detail = client.get("/v1/documents/001_232c99f60a508717").json()
    assert detail["text"].startswith("Clinton Camp: Trumka 'Not Motivated' to Support Hillary")
    assert detail["published"] == "2016-11-01"


def test_unknown_document_is_a_404_naming_the_id(client):
    response = client.get("/v1/documents/nope")
    assert response.status_code == 404
    assert "doc_id" in response.json()["message"]


def test_docs_and_ui_are_served(client):
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/v1/ask"]
    assert client.get("/ui/").status_code == 200
