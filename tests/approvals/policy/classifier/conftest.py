"""A small classifier, trained for real (the encoder, the training, the thresholds) on a
subset of the seed examples, so that the tests of screening and learning take seconds."""

import json

import pytest

from approvals.policy.classifier import encoder as enc
from approvals.policy.classifier import examples
from approvals.policy.classifier import versions as classifiers
from tests.approvals.test_applications_api import submit_now  # noqa: F401 (a fixture)

# What a subset keeps: benign uses, two prohibited domains and one extra-scrutiny domain.
KEPT = {None: 16, "fraud-scams": 14, "astroturfing": 10, "medical-health": 10}

# A romance scam written as companionship: no rule of the default policy fires on it.
COMPANIONSHIP = {
    "title": "Warm Hearts companion",
    "description": "Our personas chat for weeks with lonely widowed members, become their "
    "sweetheart, and then explain they urgently need help with a customs fee or a "
    "hospital bill before they can come and visit. Members send the money by gift card.",
    "mitigations": ["Members must be over 18"],
}
RELEASE_NOTES = {
    "title": "Release notes drafter",
    "description": "Drafts release notes for our engineers from merged pull requests; an "
    "engineer edits and posts them.",
    "mitigations": [],
}


def subset() -> list[dict]:
    taken: dict = {}
    chosen = []
    for case in json.loads(examples.SEED_PATH.read_text()):
        domain = case["domain"]
        if domain in KEPT and taken.get(domain, 0) < KEPT[domain] and not case.get("near"):
            taken[domain] = taken.get(domain, 0) + 1
            chosen.append(case)
    return chosen


@pytest.fixture
def small_seed(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(subset()))
    return path


@pytest.fixture
def published_classifier(db, small_seed, admin):
    """Classifier v1: trained on the subset, published by an administrator."""
    draft = classifiers.classifier_train(actor=admin, seed_path=small_seed)
    classifiers.classifier_publish(actor=admin, version=draft)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def broken_model(tmp_path, monkeypatch):
    """A broken install: the model's folder is empty."""
    monkeypatch.setattr(enc, "default_model_dir", lambda: tmp_path)
    enc.forget()
    classifiers._loaded.cache_clear()
    yield
    enc.forget()
    classifiers._loaded.cache_clear()
