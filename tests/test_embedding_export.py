"""The ONNX export of all-MiniLM-L6-v2 computes what sentence-transformers computes.

The export traces the model once, at one example shape; these texts vary in length and run alone and in a
padded batch, so a shape or mask baked in by the trace would show here.
"""

import numpy as np
import pytest

from ingest.embedding import Embedder

TEXTS = [
    "Short one.",
    "The county council approved the budget on Monday after a long debate about roads and schools.",
    " ".join(["The mayor said the plan would cost $4 million and take two years."] * 12),
]


@pytest.fixture(scope="module")
def torch_vectors():
    return Embedder(backend="torch").embed_documents(TEXTS)


@pytest.mark.parametrize("batch_size", [1, 3])
def test_float32_export_gives_sentence_transformers_vectors(torch_vectors, batch_size):
    vectors = Embedder(backend="onnx", batch_size=batch_size).embed_documents(TEXTS)
    assert np.allclose((vectors * torch_vectors).sum(axis=1), 1.0, atol=1e-4)


def test_int8_export_stays_close_to_sentence_transformers(torch_vectors):
    vectors = Embedder(backend="onnx-int8").embed_documents(TEXTS)
    assert ((vectors * torch_vectors).sum(axis=1) > 0.98).all()


def test_export_has_no_attention_masking_subgraph():
    """Plain attention: the scaled_dot_product_attention export's Where/IsNaN masking cost 10% of a chunk."""
    import onnx

    from ingest.embedding import default_model_cache, onnx_model

    graph = onnx.load(str(onnx_model(default_model_cache(), quantized=True))).graph
    assert not any(node.op_type == "IsNaN" for node in graph.node)


def test_superseded_exports_are_removed_and_current_ones_kept(tmp_path):
    from ingest.embedding import SUPERSEDED_EXPORTS, remove_superseded_exports

    for name in (*SUPERSEDED_EXPORTS, "all-MiniLM-L6-v2-eager-int8.onnx"):
        (tmp_path / name).write_bytes(b"onnx")
    remove_superseded_exports(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["all-MiniLM-L6-v2-eager-int8.onnx"]
