from pathlib import Path

import pytest

from ingest.catalog import PendingWrite, chunk_ids
from ingest.models import Article


def article(doc_id: str, body: str, title: str = "Title") -> Article:
    return Article(id=doc_id, title=title, body=body)


def store_counts(engine):
    return (
        engine.catalog.count_documents(),
        engine.catalog.count_chunks(),
        engine.vectors.count(),
        engine.keywords.count(),
    )


def test_reingesting_the_same_files_changes_nothing(fresh_engine, sample_dir):
    first = fresh_engine.ingest_paths([sample_dir])
    before = store_counts(fresh_engine)
    hashes = fresh_engine.catalog.hashes(first.added)
    second = fresh_engine.ingest_paths([sample_dir])
    assert len(second.unchanged) == 5 and not second.added and not second.replaced
    assert second.chunks == 0
    assert store_counts(fresh_engine) == before
    assert fresh_engine.catalog.hashes(first.added) == hashes
    assert before[1] == before[2] == before[3]


def test_an_edited_file_replaces_its_old_chunks(fresh_engine, tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_text("Headline\n\nThe mayor resigned on Monday. " * 30, encoding="utf-8")
    fresh_engine.ingest_paths([path])
    old_ids = set(fresh_engine.vectors.iter_ids())
    path.write_text("Headline\n\nThe mayor stayed on Monday. " * 3, encoding="utf-8")
    report = fresh_engine.ingest_paths([path])
    assert report.replaced == ["story"]
    docs, chunks, vectors, keywords = store_counts(fresh_engine)
    assert docs == 1 and chunks == vectors == keywords
    assert not old_ids & set(fresh_engine.vectors.iter_ids())
    assert "stayed" in fresh_engine.catalog.get_document("story").text


def test_a_duplicate_id_within_one_batch_keeps_the_last_copy(fresh_engine):
    report = fresh_engine.ingest_articles([article("d1", "First version."), article("d1", "Second version.")])
    assert report.added == ["d1"] and report.replaced == ["d1"]
    assert "Second version." in fresh_engine.catalog.get_document("d1").text
    docs, chunks, vectors, keywords = store_counts(fresh_engine)
    assert docs == 1 and chunks == vectors == keywords == 1


def test_delete_removes_a_document_from_every_store(fresh_engine, sample_dir):
    fresh_engine.ingest_paths([sample_dir])
    assert fresh_engine.delete(["001_232c99f60a508717", "missing"]) == ["001_232c99f60a508717"]
    docs, chunks, vectors, keywords = store_counts(fresh_engine)
    assert docs == 4 and chunks == vectors == keywords
    assert not any(i.startswith("001_") for i in fresh_engine.vectors.iter_ids())
    assert not any(i.startswith("001_") for i in fresh_engine.keywords.iter_ids())


def test_recovery_undoes_a_write_interrupted_before_the_switch(fresh_engine):
    fresh_engine.ingest_articles([article("d1", "Original text about the council vote.")])
    _, version, count = fresh_engine.catalog.hashes(["d1"])["d1"]
    # Simulate a crash after the indexes received a new version but before the catalog switched to it.
    orphan = chunk_ids("d1", "deadbeefdeadbeef", 1)
    fresh_engine.catalog.begin_writes([PendingWrite("d1", version, count, "deadbeefdeadbeef", 1)])
    from ingest.vector_store import ChunkVector

    fresh_engine.vectors.upsert(
        [ChunkVector(orphan[0], fresh_engine.embedder.embed_query("x"), "d1", None, None)]
    )
    assert fresh_engine.vectors.count() == 2
    assert fresh_engine.indexer.recover() == 1
    assert fresh_engine.vectors.count() == 1 and fresh_engine.catalog.pending_writes() == []
    assert fresh_engine.catalog.hashes(["d1"])["d1"][1] == version


def test_bad_documents_fail_alone(fresh_engine, tmp_path):
    (tmp_path / "good.txt").write_text("Headline\n\nA fine article.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "boiler.txt").write_text("Headline\n\nLeave a Reply\n\nSpam.", encoding="utf-8")
    report = fresh_engine.ingest_paths([tmp_path])
    assert report.added == ["good"]
    assert sorted(f.origin.rsplit("/", 1)[-1] for f in report.failed) == ["boiler.txt", "empty.txt"]


def test_batches_written_in_the_background_keep_order_and_counts(fresh_engine, monkeypatch):
    """Batch n is written while batch n+1 embeds; a document in both ends as its later copy, counted right."""
    monkeypatch.setattr(fresh_engine.indexer, "batch_documents", 2)
    seen = []
    articles = [article(f"a{i}", f"Story number {i} happened.") for i in range(5)]
    articles.append(article("a1", "Story one was corrected."))  # a1's first copy is in an earlier batch
    report = fresh_engine.indexer.ingest(articles, on_batch=lambda r: seen.append(len(r.added)))
    assert sorted(report.added) == [f"a{i}" for i in range(5)] and report.replaced == ["a1"]
    assert "corrected" in fresh_engine.catalog.get_document("a1").text
    assert seen == sorted(seen) and seen[-1] == 5
    docs, chunks, vectors, keywords = store_counts(fresh_engine)
    assert docs == 5 and chunks == vectors == keywords == 5


def test_a_failed_background_write_fails_the_ingest_and_leaves_no_half_batch(fresh_engine, monkeypatch):
    def broken_upsert(vectors):
        raise OSError("disk full")

    fresh_engine.ingest_articles([article("kept", "This one went in.")])
    monkeypatch.setattr(fresh_engine.vectors, "upsert", broken_upsert)
    try:
        fresh_engine.ingest_articles([article("lost", "This one cannot be written.")])
    except OSError as error:
        assert "disk full" in str(error)
    else:
        raise AssertionError("the write error was swallowed")
    assert fresh_engine.catalog.get_document("lost") is None
    docs, chunks, vectors, keywords = store_counts(fresh_engine)
    assert docs == 1 and chunks == vectors == keywords == 1


def test_a_failed_embedding_of_a_batch_in_flight_fails_the_ingest_and_writes_no_part_of_it(
    fresh_engine, monkeypatch
):
    """Two batches embed at once: the one that fails is not written, nor any after it; earlier ones are."""
    import threading

    monkeypatch.setattr(fresh_engine.indexer, "batch_documents", 2)
    real = fresh_engine.embedder.embed_chunks

    def embed_chunks(texts, spans, parallel=True, **options):
        if any("poison" in t for t in texts):
            raise RuntimeError("the encoder failed")
        return real(texts, spans, parallel, **options)

    monkeypatch.setattr(fresh_engine.embedder, "embed_chunks", embed_chunks)
    articles = [article(f"b{i}", f"Story number {i} happened.") for i in range(6)]
    articles[3] = article("b3", "A poison story.")  # the second batch
    try:
        fresh_engine.ingest_articles(articles)
    except RuntimeError as error:
        assert "encoder failed" in str(error)
    else:
        raise AssertionError("the embedding error was swallowed")
    assert [d for d in ("b0", "b1") if fresh_engine.catalog.get_document(d) is None] == []
    assert all(fresh_engine.catalog.get_document(f"b{i}") is None for i in (2, 3, 4, 5))
    docs, chunks, vectors, keywords = store_counts(fresh_engine)
    assert docs == 2 and chunks == vectors == keywords == 2
    assert fresh_engine.catalog.pending_writes() == []
    assert not any(t.name.startswith("newsdesk-embed") for t in threading.enumerate())


def test_articles_are_prepared_ahead_in_order_with_bad_ones_reported():
    from ingest.indexing import prepare_ahead
    from ingest.loading import LoadError

    items = [article(f"p{i}", f"Story {i} happened.") for i in range(50)]
    items[7] = article("empty", "   ")
    items[9] = LoadError("broken.txt", "not UTF-8")
    out = list(prepare_ahead(items, chunk_tokens=180, lookahead=4))
    assert len(out) == 50
    assert isinstance(out[7], LoadError) and out[7].field == "text"
    assert out[9] is items[9]
    assert [o.document.id for i, o in enumerate(out) if i not in (7, 9)] == [
        f"p{i}" for i in range(50) if i not in (7, 9)
    ]


def test_an_error_from_the_article_source_reaches_the_caller_and_stops_the_thread():
    import threading

    from ingest.indexing import prepare_ahead

    def source():
        yield article("ok", "Fine.")
        raise OSError("the feed broke")

    prepared = prepare_ahead(source(), chunk_tokens=180)
    assert next(prepared).document.id == "ok"
    try:
        next(prepared)
    except OSError as error:
        assert "feed broke" in str(error)
    else:
        raise AssertionError("the source's error was swallowed")
    endless = prepare_ahead((article(f"e{i}", "Again.") for i in range(10**9)), chunk_tokens=180, lookahead=2)
    next(endless)
    endless.close()  # a consumer that stops early stops the producer too
    assert not any(t.name == "newsdesk-prepare" for t in threading.enumerate())


@pytest.mark.parametrize(
    "title, body",
    [
        ("Budget passes", "The council met on Monday. It voted 7-2 for the budget.\n\nThe mayor said so."),
        ("T" * 900 + " long headline", "A sentence after a headline longer than the model reads. " * 30),
        ("Café owners", "Zoë’s café re-opened.Prices rose by 5%. 北京 hosted talks. " * 20),
        ("No spaces", "x" * 5000 + " and then words. " + "Another sentence here. " * 40),
    ],
)
def test_a_chunks_encoder_input_put_together_from_its_sentences_is_the_tokenizers(title, body):
    """The ingest does not tokenise a chunk again: its sentences' word pieces (the chunker counted them) make
    the encoder's input, which must be exactly what the tokenizer makes of the text, or None."""
    from ingest.embedding import bundled_model_path, load_tokenizer
    from ingest.indexing import chunk_encoding, embedding_text, prepare_document

    tokenizer = load_tokenizer(bundled_model_path())
    prepared = prepare_document(article("t1", body, title=title), 180)
    assembled = 0
    for chunk in prepared.chunks:
        found = chunk_encoding(prepared, chunk)
        if found is None:  # pieces of a word cut where there is no space: tokenised whole
            continue
        assembled += 1
        encoding = tokenizer.encode(embedding_text(prepared.document, chunk))
        assert (list(found[0]), list(found[1])) == (encoding.ids, encoding.offsets)
    assert assembled >= len(prepared.chunks) // 2
