"""Queries keep working while a bulk ingest runs, and nothing is lost or duplicated."""

import threading
import time

import httpx

from eval.loopback import serve_in_thread
from service.api import create_app

CITIES = ["Springfield", "Riverton", "Lakewood", "Fairview", "Greenville", "Madison", "Clinton", "Salem"]


def bulk_documents(count):
    return [
        {
            "id": f"wire-{i:04d}",
            "title": f"{CITIES[i % len(CITIES)]} council vote {i}",
            "text": f"The {CITIES[i % len(CITIES)]} council voted {i % 9 + 1} to 2 on measure {i}. "
            f"The measure funds {i * 3} new buses. Officials said the vote followed a long debate.",
            "source": "Wire",
        }
        for i in range(count)
    ]


def test_asks_during_a_bulk_ingest(fresh_engine, sample_dir, monkeypatch):
    fresh_engine.ingest_paths([sample_dir])
    fresh_engine.warm_up()  # model loading is start-up, not what this test is about
    # Small write steps, so the ingest lasts long enough (seconds) for the askers to overlap many of them.
    monkeypatch.setattr(fresh_engine.indexer, "batch_documents", 8)
    documents = bulk_documents(400)
    errors: list[str] = []
    answered = 0
    with serve_in_thread(create_app(fresh_engine.settings, newsdesk=fresh_engine)) as url:
        client = httpx.Client(base_url=url, timeout=60)
        job_id = client.post("/v1/ingest", json={"documents": documents}).json()["job_id"]
        done = threading.Event()

        def keep_asking():
            nonlocal answered
            ask = httpx.Client(base_url=url, timeout=60)
            while not done.is_set():
                response = ask.post("/v1/ask", json={"question": "When did the NEA endorse Hillary Clinton?"})
                if response.status_code != 200 or "October 2015" not in response.json()["answer"]:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                answered += 1

        askers = [threading.Thread(target=keep_asking) for _ in range(3)]
        for asker in askers:
            asker.start()
        deadline = time.monotonic() + 300
        while client.get(f"/v1/jobs/{job_id}").json()["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, "the bulk ingest did not finish"
            time.sleep(0.2)
        done.set()
        for asker in askers:
            asker.join()
        job = client.get(f"/v1/jobs/{job_id}").json()

    assert job["status"] == "succeeded" and job["added"] == 400 and job["failed"] == 0
    assert answered > 10 and errors == []  # about 30 on an idle 2-core machine
    catalog_ids = fresh_engine.catalog.current_chunk_ids()
    vector_ids = list(fresh_engine.vectors.iter_ids())
    keyword_ids = list(fresh_engine.keywords.iter_ids())
    assert len(vector_ids) == len(set(vector_ids)) and len(keyword_ids) == len(set(keyword_ids))
    assert catalog_ids == set(vector_ids) == set(keyword_ids)
    assert fresh_engine.catalog.count_documents() == 405
    assert {f"wire-{i:04d}" for i in range(400)} <= set(fresh_engine.catalog.iter_document_ids())
