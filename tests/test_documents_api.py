"""Documents: add, replace, no-op, list with paging and filters, read, delete; bulk ingest jobs."""

import time

import pytest

from tests.conftest import app_client


@pytest.fixture(scope="module")
def api(writable_engine):
    with app_client(writable_engine) as client:
        yield client


DOC = {
    "id": "council-budget-2016",
    "title": "Council approves transit budget",
    "text": "The Springfield council voted 7 to 2 on Tuesday to approve a $12 million transit budget. "
    "Mayor Ortiz said buses would run every ten minutes.",
    "source": "Springfield Herald",
    "published": "2016-11-01",
    "metadata": {"desk": "city"},
}


def counts(engine):
    return (
        engine.catalog.count_documents(),
        engine.catalog.count_chunks(),
        engine.vectors.count(),
        engine.keywords.count(),
    )


def test_add_is_201_same_is_a_no_op_and_a_change_replaces(api, writable_engine):
    first = api.post("/v1/documents", json=DOC)
    assert first.status_code == 201 and first.json()["status"] == "added"
    before = counts(writable_engine)
    again = api.post("/v1/documents", json=DOC)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert again.json()["content_hash"] == first.json()["content_hash"]
    assert counts(writable_engine) == before
    changed = api.post(
        "/v1/documents", json={**DOC, "text": DOC["text"].replace("$12 million", "$14 million")}
    )
    assert changed.status_code == 200 and changed.json()["status"] == "replaced"
    assert changed.json()["content_hash"] != first.json()["content_hash"]
    docs, chunks, vectors, keywords = counts(writable_engine)
    assert docs == before[0] and chunks == vectors == keywords
    detail = api.get("/v1/documents/council-budget-2016").json()
    assert "$14 million" in detail["text"] and detail["metadata"] == {"desk": "city"}
    assert detail["source"] == "Springfield Herald" and detail["published"] == "2016-11-01"
    question = "How much did the Springfield council approve for transit?"
    answer = api.post("/v1/ask", json={"question": question})
    assert "$14 million" in answer.json()["answer"], retrieval_state(writable_engine, question)


def retrieval_state(engine, question: str) -> str:
    """What each index returned and what the catalog called current: this test once failed, rarely and
    not reproducibly, with a refusal right after the replace (see issue 7's notes)."""
    from service.retrieve.retrievers import NewsQuery

    query = NewsQuery(query_str=question, embedding=engine.embedder.embed_query(question).tolist())
    raw = {type(s).__name__: [cid for cid, _ in s.search(query)[:5]] for s in engine.retriever._searches}
    found = [cid for ids in raw.values() for cid in ids]
    current = engine.catalog.current_chunk_ids(found)
    fused = [n.node.node_id for n in engine.search(question)[:8]]
    return f"raw hits {raw}; current among them {sorted(current)}; fused and reranked {fused}"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "a/b"}, "id"),
        ({"id": ""}, "id"),
        ({"text": "   "}, "text"),
        ({"title": 5}, "title"),  # an empty title is derived from the text; a number is no title
        ({"published": "yesterday"}, "published"),
        ({"colour": "blue"}, "colour"),
        ({"metadata": "x"}, "metadata"),
    ],
)
def test_bad_documents_name_the_field(api, change, field):
    response = api.post("/v1/documents", json={**DOC, **change})
    assert response.status_code == 422
    assert field in [f["field"] for f in response.json()["fields"]]


def test_upload_a_file(api):
    response = api.post(
        "/v1/documents/upload",
        files={
            "file": (
                "ferry-strike.txt",
                b"Ferry workers strike\n\nFerry crews walked out on Monday.",
                "text/plain",
            )
        },
        data={"source": "Harbour Times"},
    )
    assert response.status_code == 201, response.text
    assert api.get("/v1/documents/ferry-strike").json()["source"] == "Harbour Times"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("feed.jsonl", b'{"id": "a"}', "POST /v1/ingest"),
        ("blob.txt", b"\x00\x01\x02", "binary"),
        ("latin.txt", "Caf\xe9".encode("latin-1"), "not UTF-8"),
        ("empty.txt", b"", "empty"),
        ("slide.pdf", b"%PDF", "unsupported file type"),
    ],
)
def test_bad_uploads_name_the_file_field(api, name, content, message):
    response = api.post("/v1/documents/upload", files={"file": (name, content, "application/octet-stream")})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "file" and message in response.json()["message"]


def test_listing_pages_and_filters(api):
    page = api.get("/v1/documents", params={"limit": 2, "offset": 0}).json()
    rest = api.get("/v1/documents", params={"limit": 1000, "offset": 2}).json()
    assert len(page["documents"]) == 2 and page["total"] == len(rest["documents"]) + 2
    ids = [d["id"] for d in page["documents"] + rest["documents"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    only = api.get("/v1/documents", params={"source": "Springfield Herald"}).json()
    assert [d["id"] for d in only["documents"]] == ["council-budget-2016"]
    dated = api.get(
        "/v1/documents", params={"published_from": "2016-10-01", "published_to": "2016-11-30"}
    ).json()
    assert {d["id"] for d in dated["documents"]} >= {"001_232c99f60a508717", "council-budget-2016"}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"offset": -1}, {"published_from": "x"}])
def test_listing_limits_name_the_parameter(api, params):
    response = api.get("/v1/documents", params=params)
    assert response.status_code == 422 and next(iter(params)) in response.json()["message"]


def test_delete_removes_it_everywhere(api, writable_engine):
    api.post(
        "/v1/documents",
        json={**DOC, "id": "to-delete", "text": "The zoo's oldest tortoise, Gus, turned 120."},
    )
    response = api.delete("/v1/documents/to-delete")
    assert response.status_code == 204
    assert api.get("/v1/documents/to-delete").status_code == 404
    assert api.delete("/v1/documents/to-delete").status_code == 404
    assert not any(i.startswith("to-delete@") for i in writable_engine.vectors.iter_ids())
    assert not any(i.startswith("to-delete@") for i in writable_engine.keywords.iter_ids())
    answer = api.post("/v1/ask", json={"question": "How old is the tortoise Gus?"}).json()
    assert all(c["doc_id"] != "to-delete" for c in answer["citations"])


def wait_for(api, job_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.get(f"/v1/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_bulk_ingest_job_reports_progress_and_per_document_errors(api):
    documents = [
        {"id": "bulk-1", "title": "One", "text": "The first bulk story about the harbour."},
        {"id": "bulk-2", "title": "Two", "text": "Second.", "published": "not a date"},
        {"id": "bulk-3", "title": "Three", "text": "The third bulk story about the airport."},
    ]
    accepted = api.post("/v1/ingest", json={"documents": documents})
    assert accepted.status_code == 202
    job = wait_for(api, accepted.json()["job_id"])
    assert accepted.json()["status_url"].endswith(f"/v1/jobs/{job['id']}")
    assert job["status"] == "succeeded" and job["total"] == 3 and job["processed"] == 3
    assert (job["added"], job["failed"]) == (2, 1)
    [error] = job["errors"]
    assert error["field"] == "published" and error["origin"].startswith("documents[1]")
    assert api.get("/v1/documents/bulk-3").status_code == 200


def test_server_side_paths_need_an_allowed_root(writable_engine, sample_dir, tmp_path):
    with app_client(writable_engine) as closed:
        response = closed.post("/v1/ingest", json={"path": str(sample_dir)})
        assert response.status_code == 403 and "NEWSDESK_INGEST_ROOTS" in response.json()["message"]
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "ferry.txt").write_text(
        "Ferry fares rise\n\nFares rise by 5% in May.", encoding="utf-8"
    )
    with app_client(writable_engine, ingest_roots=[tmp_path / "inbox"]) as open_:
        outside = open_.post("/v1/ingest", json={"path": str(sample_dir)})
        assert outside.status_code == 403 and outside.json()["message"].startswith("path:")
        missing = open_.post("/v1/ingest", json={"path": str(tmp_path / "inbox" / "nope")})
        assert missing.status_code == 404
        job = wait_for(
            open_, open_.post("/v1/ingest", json={"path": str(tmp_path / "inbox")}).json()["job_id"]
        )
        assert job["status"] == "succeeded" and job["added"] == 1


@pytest.mark.parametrize("raw", ["~no-such-user-here/inbox", "inbox\x00/evil"])
def test_a_path_that_cannot_be_resolved_is_a_clear_422(writable_engine, tmp_path, raw):
    with app_client(writable_engine, ingest_roots=[tmp_path]) as open_:
        response = open_.post("/v1/ingest", json={"path": raw})
    assert response.status_code == 422, response.text
    assert (
        response.json()["message"].startswith("path:") and "not a usable path" in response.json()["message"]
    )


@pytest.mark.parametrize(
    "body", [{}, {"documents": []}, {"documents": [], "path": "/x"}, {"path": 3}, {"documents": "x"}]
)
def test_ingest_requests_must_say_what_to_ingest(api, body):
    assert api.post("/v1/ingest", json=body).status_code == 422


def test_unknown_job_is_404(api):
    response = api.get("/v1/jobs/nope")
    assert response.status_code == 404 and "job_id" in response.json()["message"]
