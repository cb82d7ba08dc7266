"""Single-word vectors for the judge: batched by length, yet each a function of its word alone."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.embedding import Embedder
from service.judge.answerability import WordVectors
from service.judge.word_encoder import WordEncoder, embed_words

WORDS = ["budget", "council", "aware", "knew", "resign", "ambassador", "tourists", "steel", "Osadchy", "x"]


@pytest.fixture(scope="module")
def encoder() -> WordEncoder:
    return WordEncoder()


def test_a_words_vector_is_the_same_alone_and_in_any_batch(encoder):
    together = encoder.encode(WORDS)
    alone = np.stack([encoder.encode([word])[0] for word in WORDS])
    shuffled = encoder.encode(WORDS[::-1])[::-1]
    assert np.array_equal(together, alone) and np.array_equal(together, shuffled)
    assert together.shape == (len(WORDS), 384) and together.dtype == np.float32
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_the_vectors_are_the_same_models_as_the_int8_embedders():
    embedder = Embedder(backend="onnx-int8")
    ours, int8 = embed_words(embedder, WORDS), embedder.embed_documents(WORDS)
    assert float((ours * int8).sum(axis=1).min()) > 0.95  # the same model, fp32 against int8
    near = WordVectors(embedder).vectors(["aware", "knew", "steel"])
    assert float(near[0] @ near[1]) > float(near[0] @ near[2])  # near-synonyms stay nearer


def test_no_words_no_vectors(encoder):
    assert encoder.encode([]).shape == (0, 384)
