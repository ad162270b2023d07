"""Training is reproducible and its thresholds keep the benign target in cross-validation."""

import numpy as np
import pytest

from approvals.policy.classifier import examples, training
from approvals.policy.classifier import versions as classifiers
from approvals.policy.classifier.scoring import Classifier

from .conftest import subset

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(small_seed):
    return examples.seed_examples(small_seed)


def test_same_data_same_artefact_and_other_data_another(seed):
    first, second = classifiers.train(seed), classifiers.train(list(reversed(seed)))
    assert first.to_bytes() == second.to_bytes()
    assert first.meta["data_digest"] == training.data_digest(seed, classifiers.ENCODER_VERSION)
    fewer = classifiers.train(seed[1:])
    assert fewer.meta["data_digest"] != first.meta["data_digest"]
    assert fewer.digest != first.digest


def test_the_artefact_round_trips_and_keeps_its_figures(seed):
    artefact = classifiers.train(seed)
    again = training.Artefact.from_bytes(artefact.to_bytes())
    assert again.meta == artefact.meta
    assert np.array_equal(again.tensors["weights"], artefact.tensors["weights"])
    figures = artefact.meta["cross_validated"]
    benign = figures["benign_standard"]
    assert benign["of"] == sum(1 for case in subset() if case["intent"] == "benign")
    assert (
        benign["routed"] / benign["of"] >= training.BENIGN_TARGET or not artefact.meta["target_met"]
    )
    assert set(artefact.meta["thresholds"]) == {"prohibited", "extra_scrutiny", "corroborate"}


def test_a_trained_model_names_the_domain_of_its_own_examples(seed):
    artefact = classifiers.train(seed)
    classifier = Classifier(artefact, version=1)
    vectors = classifiers.vectors_for([e.text for e in seed])
    fraud = [v for e, v in zip(seed, vectors, strict=True) if e.domains == ("fraud-scams",)]
    named = [classifier.judge(v) for v in fraud]
    assert sum(any(d == "fraud-scams" for d, *_ in found) for found in named) >= len(fraud) - 2
    benign = [v for e, v in zip(seed, vectors, strict=True) if not e.domains]
    assert sum(bool(classifier.judge(v)) for v in benign) <= 1


def test_the_shipped_classifier_was_trained_on_the_shipped_seed_examples():
    artefact = training.Artefact.from_bytes(classifiers.DEFAULT_PATH.read_bytes())
    seed = examples.seed_examples()
    assert artefact.meta["encoder"] == classifiers.ENCODER_VERSION
    assert artefact.meta["data_digest"] == training.data_digest(seed, classifiers.ENCODER_VERSION)
    assert artefact.meta["counts"]["benign"] >= 300


def test_load_policy_publishes_the_shipped_classifier_once(admin):
    from approvals.models import ClassifierVersion

    loaded = classifiers.default_classifier_load()
    assert loaded.number == 1 and loaded.is_published
    assert bytes(loaded.artefact) == classifiers.DEFAULT_PATH.read_bytes()
    assert classifiers.default_classifier_load() is None
    assert ClassifierVersion.objects.count() == 1
