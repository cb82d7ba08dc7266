"""`newsdesk check [--repair]`: every kind of drift between the stores reported, and repaired."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from ingest.catalog import PendingWrite, chunk_id, version_key
from ingest.consistency import CountMismatch, check, compare, repair
from ingest.keyword_index import KeywordEntry
from ingest.vector_store import ChunkVector
from newsdesk.cli import main

DOC = "002_56959c77431901b6"


def test_compare_names_every_kind_of_drift():
    report = compare(
        catalog_ids=["a@1#0", "a@1#1", "b@1#0"],
        vector_ids=["a@1#0", "b@1#0", "a@0#0"],
        keyword_ids=["a@1#0", "a@1#1", "a@1#1", "c@1#0"],
        recorded_counts={"a": 2, "b": 2},
        actual_counts={"a": 2, "b": 1},
        pending=[PendingWrite("a", "0", 1, "1", 2)],
    )
    assert report.missing_vectors == ["a@1#1"] and report.orphan_vectors == ["a@0#0"]
    assert report.missing_keywords == ["b@1#0"] and report.orphan_keywords == ["c@1#0"]
    assert report.duplicate_keywords == ["a@1#1"] and report.duplicate_vectors == []
    assert report.count_mismatches == [CountMismatch("b", 2, 1)]
    assert (report.catalog_chunks, report.vector_chunks, report.keyword_chunks) == (3, 3, 4)
    assert not report.consistent and len(report.problems()) == 7


def test_agreeing_stores_are_consistent():
    report = compare(["a@1#0"], ["a@1#0"], ["a@1#0"], {"a": 1}, {"a": 1})
    assert report.consistent and report.problems() == []


def drift_every_way(engine) -> dict[str, str]:
    """Damage the indexes and the catalog the ways a bug, a crash or a hand could; returns what was done."""
    version = engine.catalog.hashes([DOC])[DOC][1]
    lost_vector, lost_keyword, doubled, lost_row = (chunk_id(DOC, version, i) for i in (1, 2, 3, 4))
    orphan = chunk_id(DOC, "0123456789abcdef", 0)
    engine.vectors.delete([lost_vector])
    embedding = engine.embedder.embed_query("an orphan")
    engine.vectors.upsert([ChunkVector(orphan, embedding, DOC, None, None)])
    records = engine.catalog.chunk_records([doubled])
    with engine.keywords.writer() as writer:
        writer.delete_chunk(lost_keyword)
        record = records[doubled]
        writer.add(
            [KeywordEntry(doubled, version_key(DOC, version), DOC, record.title, record.text, None, None)]
        )
        writer.add(
            [KeywordEntry(orphan, version_key(DOC, "0123456789abcdef"), DOC, "x", "orphan", None, None)]
        )
    engine.catalog.connection.execute("DELETE FROM chunks WHERE id = ?", (lost_row,))
    engine.catalog.begin_writes([PendingWrite(DOC, version, 8, "0123456789abcdef", 1)])
    return {
        "lost_vector": lost_vector,
        "lost_keyword": lost_keyword,
        "doubled": doubled,
        "orphan": orphan,
        "lost_row": lost_row,
    }


@pytest.fixture
def drifted(fresh_engine, sample_dir):
    assert fresh_engine.ingest_paths([sample_dir]).ok
    assert check(fresh_engine.indexer).consistent
    return fresh_engine


def test_check_reports_and_repair_fixes_every_kind_of_drift(drifted):
    lost_vector = chunk_id(DOC, drifted.catalog.hashes([DOC])[DOC][1], 1)
    original = drifted.vectors.collection.get(ids=[lost_vector], include=["embeddings"])["embeddings"][0]
    damage = drift_every_way(drifted)

    report = check(drifted.indexer)
    assert [p.doc_id for p in report.pending] == [DOC]
    assert report.missing_vectors == [damage["lost_vector"]]
    assert report.missing_keywords == [damage["lost_keyword"]]
    # A chunk row gone from the catalog leaves its index entries orphaned until the document is re-chunked.
    orphans = sorted([damage["orphan"], damage["lost_row"]])
    assert report.orphan_vectors == orphans == report.orphan_keywords
    assert report.duplicate_keywords == [damage["doubled"]]
    assert report.count_mismatches == [CountMismatch(DOC, 8, 7)]

    result = repair(drifted.indexer)
    assert result.after.consistent, result.after.problems()
    assert result.recovered == 1 and result.rechunked == [DOC]
    assert result.after.catalog_chunks == result.after.vector_chunks == result.after.keyword_chunks == 31
    # The re-embedded chunk is the chunk it was: same text, same headline context, so the same vector up to
    # the int8 encoder's dynamic quantization, whose activation scales depend on the rest of the batch.
    repaired = drifted.vectors.collection.get(ids=[lost_vector], include=["embeddings"])["embeddings"][0]
    assert float(np.dot(repaired, original)) > 0.98
    # And the repaired keyword entries are searchable again, once.
    hits = [
        cid
        for cid, _ in drifted.keywords.search(
            drifted.catalog.chunk_records([damage["lost_keyword"]])[damage["lost_keyword"]].text, k=50
        )
    ]
    assert hits.count(damage["lost_keyword"]) == 1 and hits.count(damage["doubled"]) <= 1
    assert repair(drifted.indexer).before.consistent  # a second repair finds nothing to do


def invoke(data_dir: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), "check", *args], catch_exceptions=False)


def test_cli_check_exit_status_and_repair(drifted):
    data_dir = drifted.settings.data_dir
    clean = invoke(data_dir)
    assert clean.exit_code == 0 and clean.output.strip().endswith("consistent")
    drift_every_way(drifted)

    found = invoke(data_dir)
    assert found.exit_code == 1, found.output
    assert "1 chunks missing from the vector store" in found.output
    assert "2 orphan chunks in the keyword index" in found.output
    assert "1 journaled writes not finished: 002_56959c77431901b6" in found.output
    assert "NOT consistent" in found.output and "Traceback" not in found.output
    as_json = json.loads(invoke(data_dir, "--json").output)
    assert as_json["consistent"] is False and len(as_json["duplicate_keywords"]) == 1

    repaired = invoke(data_dir, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired: 1 journaled writes resolved, 1 documents re-chunked" in repaired.output
    assert repaired.output.strip().endswith("consistent")
    assert invoke(data_dir).exit_code == 0
