"""Auth, limits, request ids, structured logs and Prometheus metrics."""

import base64
import io
import json
import logging

import pytest

from service.api.logging import configure_logging
from tests.conftest import app_client


@pytest.fixture(scope="module")
def guarded(writable_engine):
    with app_client(writable_engine, api_keys=["reader"], admin_keys=["admin"]) as client:
        yield client


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def test_health_is_open_everything_else_needs_a_key(guarded):
    assert guarded.get("/healthz").status_code == 200
    locked = [("POST", "/v1/ask"), ("GET", "/v1/documents"), ("GET", "/metrics"), ("GET", "/docs")]
    for method, path in locked:
        response = guarded.request(method, path, json={"question": "x"} if method == "POST" else None)
        assert response.status_code == 401, path
        assert response.json()["fields"][0]["field"] == "Authorization"
    wrong = guarded.post("/v1/ask", json={"question": "Who is Trumka?"}, headers=bearer("wrong"))
    assert wrong.status_code == 401


def test_readers_read_and_admins_write(guarded):
    doc = {"id": "auth-doc", "title": "T", "text": "The port reopened on Friday."}
    assert (
        guarded.post("/v1/ask", json={"question": "Who is Trumka?"}, headers=bearer("reader")).status_code
        == 200
    )
    refused = guarded.post("/v1/documents", json=doc, headers=bearer("reader"))
    assert refused.status_code == 403 and "admin key" in refused.json()["message"]
    assert guarded.post("/v1/documents", json=doc, headers=bearer("admin")).status_code == 201
    assert guarded.delete("/v1/documents/auth-doc", headers=bearer("reader")).status_code == 403
    assert guarded.delete("/v1/documents/auth-doc", headers=bearer("admin")).status_code == 204


def test_the_ui_asks_browsers_for_the_key(guarded):
    challenge = guarded.get("/ui/")
    assert challenge.status_code == 401 and "Basic" in challenge.headers["www-authenticate"]
    basic = base64.b64encode(b"newsroom:reader").decode()
    assert guarded.get("/ui/", headers={"Authorization": f"Basic {basic}"}).status_code == 200


def test_bodies_over_the_limit_are_refused_with_a_413(writable_engine):
    with app_client(writable_engine, max_body_mb=0.001) as small:
        big = {"question": "x" * 1500}
        response = small.post("/v1/ask", json=big)
        assert response.status_code == 413
        assert (
            response.json()["message"].startswith("body:") and "0.001 MB limit" in response.json()["message"]
        )

        def chunks():
            yield b'{"question": "'
            yield b"y" * 4000
            yield b'"}'

        streamed = small.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413


def test_every_response_carries_a_request_id(client):
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "trace-42"}).headers["x-request-id"] == "trace-42"
    assert client.get("/v1/documents/nope").headers["x-request-id"]


def test_metrics_count_routes_stages_and_the_index(client):
    client.post("/v1/ask", json={"question": "Who offered a jet to get Clinton to the dinner?"})
    client.get("/v1/documents/001_232c99f60a508717")
    text = client.get("/metrics").text
    assert 'newsdesk_http_requests_total{method="POST",route="/v1/ask",status="200"}' in text
    assert 'route="/v1/documents/{doc_id}"' in text  # a template, not one series per document
    for stage in ("retrieve", "rerank", "answer", "total"):
        assert f'newsdesk_stage_duration_seconds_count{{stage="{stage}"}}' in text
    assert "newsdesk_documents 5.0" in text
    assert 'newsdesk_answers_total{grounded="true"}' in text


def test_logs_are_json_lines_with_the_request_id(client):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("json", stream=stream)
    try:
        client.get("/healthz", headers={"X-Request-ID": "log-me"})
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        logging.getLogger("uvicorn.access").disabled = False
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line.get("logger") == "newsdesk.access"]
    assert access and access[-1]["request_id"] == "log-me" and access[-1]["status"] == 200
    assert access[-1]["route"] == "/healthz" and "duration_ms" in access[-1]
