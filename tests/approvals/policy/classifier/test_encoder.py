"""The numpy encoder against vectors sentence-transformers itself made
(tests/data/make_encoder_reference.py), and its refusal of weights that are not the pinned ones."""

import json
from pathlib import Path

import numpy as np
import pytest

from approvals.policy.classifier import encoder as enc

REFERENCE = json.loads(
    (Path(__file__).parents[3] / "data" / "encoder_reference.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def encoder():
    return enc.Encoder()


def test_vectors_equal_sentence_transformers_batched_and_one_by_one(encoder):
    texts = [case["text"] for case in REFERENCE["cases"]]
    reference = np.array([case["vector"] for case in REFERENCE["cases"]])
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    batched = encoder.embed(texts)
    single = np.vstack([encoder.embed([text]) for text in texts])
    for vectors in (batched, single):
        cosines = (vectors * reference).sum(axis=1)
        assert cosines.min() > 0.99999, cosines
        assert np.abs(vectors - reference).max() < 1e-4


def test_long_texts_are_truncated_like_the_reference(encoder):
    longest = max(REFERENCE["cases"], key=lambda case: len(case["text"]))
    assert len(encoder.tokens(longest["text"])) == enc.MAX_TOKENS


def test_weights_that_are_not_the_pinned_ones_are_refused():
    with pytest.raises(enc.EncoderUnavailable, match="not the pinned"):
        enc.Encoder(expected_sha256="0" * 64)


def test_a_missing_model_is_unavailable_not_an_error(tmp_path):
    with pytest.raises(enc.EncoderUnavailable, match="Could not load"):
        enc.Encoder(tmp_path)
