"""Model runs spread over the cores: batches cover every row once, results come back in order, and the
parallel paths give the serial paths' answers."""

from __future__ import annotations

import os

import numpy as np
import pytest

from ingest.onnx_session import available_cores, balanced_batches


@pytest.mark.parametrize(
    ("count", "size", "workers"),
    [(1, 32, 2), (7, 32, 2), (64, 32, 2), (73, 32, 2), (290, 32, 2), (100, 8, 3)],
)
def test_balanced_batches_cover_every_row_once_in_order_and_keep_the_workers_busy(count, size, workers):
    batches = balanced_batches(count, size, workers)
    assert [i for b in batches for i in b] == list(range(count))
    assert all(0 < len(b) <= size for b in batches)
    assert max(len(b) for b in batches) - min(len(b) for b in batches) <= len(batches)
    if count >= workers:
        assert len(batches) % workers == 0 or len(batches) == count


def test_balanced_batches_of_nothing_is_nothing():
    assert balanced_batches(0, 32, 2) == []


def test_available_cores_are_the_cpu_set_this_process_may_use_not_the_hosts_count(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {2, 5}, raising=False)
    assert available_cores() == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(), raising=False)
    assert available_cores() == 1  # never zero workers


def test_available_cores_fall_back_to_the_cpu_count_without_an_affinity_call(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert available_cores() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert available_cores() == 1


def test_chunk_and_sentence_vectors_are_the_same_embedded_in_parallel_or_on_one_thread():
    from ingest.embedding import Embedder

    embedder = Embedder(backend="onnx-int8", batch_size=4, workers=2)
    texts = [
        f"Headline {i}\nThe council met on Monday. It voted {i} to {i + 1} for the budget." for i in range(9)
    ]
    spans = [[(len(f"Headline {i}\n"), len(f"Headline {i}\nThe council met on Monday."))] for i in range(9)]
    parallel = embedder.embed_chunks(texts, spans, parallel=True)
    serial = embedder.embed_chunks(texts, spans, parallel=False)
    for a, b in zip(parallel, serial, strict=True):
        # int8 activations are quantised per batch, so batch composition moves vectors a little, no more.
        assert float(a.vector @ b.vector) > 0.98
        assert a.sentences.shape == (1, 384) and float(a.sentences[0] @ b.sentences[0]) > 0.98


def test_a_pairs_score_does_not_depend_on_the_other_passages_scored_with_it():
    from service.judge.cross_encoder import CrossEncoder

    question = "When did the council approve the budget?"
    passages = [
        "The council approved the budget on Monday.",
        "Rain fell in the north.",
        "A long unrelated passage about football, transfer fees and the weather in the league's cities.",
        "The budget was approved by the council on Monday after a long debate about schools and roads.",
        "Shares fell.",
    ]
    one_by_one = [CrossEncoder(workers=1, cache_size=0).score(question, [p])[0] for p in passages]
    together = CrossEncoder(workers=2, cache_size=0).score(question, passages)
    assert np.allclose(one_by_one, together, atol=1e-5)  # in order, and no batch-mate moves a logit
    assert together[0] > 0 and together[3] > 0 and max(together[1], together[2], together[4]) < 0


def test_cross_encoder_pairs_are_not_padded_to_the_tokenizer_files_fixed_length():
    """The reranker's tokenizer.json pads to 512 tokens: ten times the work for a sentence-long pair."""
    from service.judge.cross_encoder import CrossEncoder

    encoder = CrossEncoder(workers=1)
    encoder.warm_up()
    assert len(encoder._tokenizer.encode("When?", "On Monday.").ids) < 16


def test_sentence_pooling_is_the_mean_of_each_sentences_tokens():
    from ingest.embedding import pool_sentences

    rng = np.random.default_rng(7)
    tokens = rng.normal(size=(7, 4)).astype(np.float32)
    # [CLS], four words over "Aa bb. Cc dd.", [SEP], and a padding-like empty span
    offsets = [(0, 0), (0, 2), (3, 6), (7, 9), (10, 13), (0, 0), (0, 0)]
    pooled = pool_sentences(tokens, offsets, [(0, 6), (7, 13), (20, 30)])

    def unit(v):
        return v / np.linalg.norm(v)

    assert np.allclose(pooled[0], unit(tokens[1:3].mean(axis=0)), atol=1e-6)
    assert np.allclose(pooled[1], unit(tokens[3:5].mean(axis=0)), atol=1e-6)
    assert np.allclose(pooled[2], unit(tokens.mean(axis=0)), atol=1e-6)  # truncated away: the whole chunk
    assert pool_sentences(tokens, offsets, []).shape == (0, 4)


def test_sessions_keep_residual_adds_and_layer_norms_unfused(tmp_path):
    """SkipLayerNormalization is the slower kernel here; onnxruntime silently ignores an optimizer name it
    does not know, so a rename upstream would bring the fusion back unnoticed."""
    import onnx
    import onnxruntime as ort

    from ingest.onnx_session import session_arguments
    from service.judge.cross_encoder import bundled_model_dir

    options, disabled = session_arguments()
    options.optimized_model_filepath = str(tmp_path / "optimized.onnx")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    ort.InferenceSession(
        str(bundled_model_dir() / "model.onnx"), options, providers=["CPUExecutionProvider"],
        disabled_optimizers=disabled,
    )  # fmt: skip
    ops = {node.op_type for node in onnx.load(str(tmp_path / "optimized.onnx")).graph.node}
    assert "LayerNormalization" in ops  # the other fusions still run
    assert "SkipLayerNormalization" not in ops
