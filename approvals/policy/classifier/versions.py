"""Classifier versions: trained as drafts, simulated, published; the latest published one
screens. Also the vectors kept per text, and what screening and the health check ask.

Every version records the encoder, the digest of its training data and the digest of its
artefact, so that a screening names exactly what judged it (Screening.classifier_version).
"""

import hashlib
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from accounts.errors import Conflict, NotFound
from approvals.models import ClassifierVersion, TextEmbedding
from approvals.policy import screening
from approvals.policy import versions as policy
from audit.services import record

from . import encoder as enc
from . import examples, training
from .scoring import Classifier, classifier_text

log = logging.getLogger(__name__)
Unavailable = enc.EncoderUnavailable
DEFAULT_PATH = Path(__file__).with_name("default_classifier.safetensors")
ENCODER_VERSION = f"{enc.NAME}@{enc.WEIGHTS_SHA256[:12]}"
_ROUTE = {
    screening.CLEAR: training.STANDARD,
    screening.SCRUTINY: training.SCRUTINY_ROUTE,
    screening.PROHIBITED_SUSPECTED: training.ESCALATION,
    screening.PROHIBITED_DECLARED: training.ESCALATION,
}


def current_classifier() -> ClassifierVersion | None:
    return (
        ClassifierVersion.objects.filter(status=ClassifierVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def get_version(number: int) -> ClassifierVersion:
    try:
        return ClassifierVersion.objects.get(number=number)
    except ClassifierVersion.DoesNotExist:
        raise NotFound(f"There is no classifier v{number}.", code="no_classifier") from None


@lru_cache(maxsize=4)
def _loaded(pk: int, number: int, digest: str) -> Classifier:
    # Safe to keep: an artefact never changes (its digest is part of the key).
    row = ClassifierVersion.objects.get(pk=pk)
    data = bytes(row.artefact)
    if hashlib.sha256(data).hexdigest() != digest:
        raise enc.EncoderUnavailable(f"Classifier v{number}'s artefact does not match its digest.")
    try:
        artefact = training.Artefact.from_bytes(data)
    except Exception as exc:
        raise enc.EncoderUnavailable(f"Classifier v{number}'s artefact is unreadable.") from exc
    return Classifier(artefact, version=number, encoder=enc.shared())


def loaded(version: ClassifierVersion) -> Classifier:
    """EncoderUnavailable when the model or the artefact cannot be used."""
    return _loaded(version.pk, version.number, version.artefact_digest)


class Screener:
    """The classifier as screening calls it: vectors come from (and go to) the cache."""

    def __init__(self, classifier: Classifier):
        self.classifier, self.version = classifier, classifier.version

    def assess(self, texts):
        """Unavailable when anything fails: screening then falls back to the rules."""
        try:
            text = classifier_text(texts)
            located = self.classifier.encoder.with_tokens(text)  # one pass: vector and spans
            keep_vector(text, located[0])
            return self.classifier.assess(texts, located=located)
        except Exception as exc:
            raise Unavailable(f"{type(exc).__name__}: {exc}") from exc


def screener() -> tuple[Screener | None, str]:
    """(the current classifier, "") or (None, why screening runs on the rules alone)."""
    version = current_classifier()
    if version is None:
        return None, "No classifier is published: the rules alone screened this."
    try:
        return Screener(loaded(version)), ""
    except enc.EncoderUnavailable as exc:
        log.error("classifier v%s unavailable: %s", version.number, exc)
        return (
            None,
            f"The classifier (v{version.number}) was unavailable: the rules alone screened this.",
        )


def health() -> dict:
    """What the health check reports of screening's classifier. It checks the installed
    weights' digest (once per process) and the artefact, without loading the model: a web
    process polled by a load balancer must not take on the worker's 180 MB."""
    version = current_classifier()
    if version is None:
        return {"status": "none", "detail": "No classifier is published."}
    try:
        enc.installed()
        if hashlib.sha256(bytes(version.artefact)).hexdigest() != version.artefact_digest:
            raise enc.EncoderUnavailable(f"Classifier v{version.number}'s artefact is damaged.")
    except enc.EncoderUnavailable as exc:
        return {"status": "unavailable", "version": version.number, "detail": str(exc)}
    return {"status": "ok", "version": version.number, "encoder": version.encoder}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _keep(pairs) -> None:
    """(sha256, vector) pairs into the cache, in a savepoint: a failure here leaves the
    caller's transaction intact."""
    with transaction.atomic():
        TextEmbedding.objects.bulk_create(
            [
                TextEmbedding(encoder=ENCODER_VERSION, sha256=d, vector=v.tobytes())
                for d, v in pairs
            ],
            ignore_conflicts=True,
        )


def keep_vector(text: str, vector: np.ndarray) -> None:
    """Kept for later simulations, which then need no forward pass for this text."""
    _keep([(_sha(text), vector)])


def vectors_for(texts: Sequence[str], encoder: enc.Encoder | None = None) -> np.ndarray:
    """The texts' vectors, computed once per text and encoder and kept in TextEmbedding."""
    digests = [_sha(t) for t in texts]
    kept = {
        row.sha256: np.frombuffer(bytes(row.vector), dtype=np.float32)
        for row in TextEmbedding.objects.filter(encoder=ENCODER_VERSION, sha256__in=set(digests))
    }
    missing = sorted({d: t for d, t in zip(digests, texts, strict=True) if d not in kept}.items())
    if missing:
        computed = (encoder or enc.shared()).embed([t for _, t in missing])
        fresh = {d: v for (d, _), v in zip(missing, computed, strict=True)}
        _keep(fresh.items())
        kept.update(fresh)
    return (
        np.vstack([kept[d] for d in digests]) if digests else np.zeros((0, enc.WIDTH), np.float32)
    )


def rule_routes(found: Sequence[training.Example]) -> dict[str, str]:
    """How the current policy's rules alone route each example."""
    compiled = policy.compiled(policy.current_policy())
    return {
        e.key: _ROUTE[screening.screen(compiled, texts=dict(e.fields), declared=e.declared).outcome]
        for e in found
    }


def train(found: Sequence[training.Example]) -> training.Artefact:
    """An artefact trained on `found` for the current policy's domains (pure but for the
    vectors' cache)."""
    kinds = dict(policy.current_domains().values_list("slug", "kind"))
    vectors = vectors_for([e.text for e in found])
    return training.train(
        found, vectors, kinds=kinds, encoder=ENCODER_VERSION, rule_routes=rule_routes(found)
    )


def _create(*, actor, artefact: training.Artefact, status: str, notes: str) -> ClassifierVersion:
    data = artefact.to_bytes()
    last = ClassifierVersion.objects.select_for_update().order_by("-number").first()
    return ClassifierVersion.objects.create(
        number=(last.number + 1) if last else 1,
        status=status,
        policy=policy.current_policy(),
        encoder=artefact.meta["encoder"],
        data_digest=artefact.meta["data_digest"],
        artefact=data,
        artefact_digest=hashlib.sha256(data).hexdigest(),
        figures=_figures(artefact),
        notes=notes,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _figures(artefact: training.Artefact) -> dict:
    meta = artefact.meta
    return {k: meta[k] for k in ("thresholds", "target", "target_met", "cross_validated", "counts")}


def classifier_train(
    *, actor, seed_path: Path = examples.SEED_PATH, notes: str = ""
) -> ClassifierVersion:
    """A draft trained on the seed examples and every decided revision. The vectors are
    computed (slow, about 20 ms a text) before the transaction opens."""
    found = examples.seed_examples(seed_path) + examples.decided_examples()
    artefact = train(found)
    with transaction.atomic():
        draft = _create(actor=actor, artefact=artefact, status="draft", notes=notes)
        record(
            actor=actor,
            actor_label="" if getattr(actor, "is_authenticated", False) else "train_classifier",
            action="classifier.trained",
            target_type="classifier",
            target_id=draft.number,
            data={
                "data_digest": draft.data_digest,
                "artefact_digest": draft.artefact_digest,
                "examples": len(found),
                "cross_validated": draft.figures["cross_validated"],
                "thresholds": draft.figures["thresholds"],
            },
        )
    return draft


def fingerprint(draft: ClassifierVersion) -> str:
    """Of what a simulation compared: the draft, the current classifier and policy. A publish
    confirmed on it refuses once either has changed since."""
    current = current_classifier()
    blob = f"{draft.artefact_digest}:{current.number if current else 0}:"
    blob += str(policy.current_policy().number)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@transaction.atomic
def classifier_publish(
    *, actor, version: ClassifierVersion, fingerprint_seen: str | None = None
) -> ClassifierVersion:
    """Conflict when published already, or when `fingerprint_seen` (from the simulation the
    administrator read) no longer matches."""
    version = ClassifierVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise Conflict(
            f"Classifier v{version.number} is already published.", code="already_published"
        )
    if fingerprint_seen and fingerprint_seen != fingerprint(version):
        raise Conflict(
            "The current classifier or policy changed since the simulation: simulate again.",
            code="simulation_stale",
        )
    before = current_classifier()
    version.status, version.published_at = ClassifierVersion.Status.PUBLISHED, timezone.now()
    version.published_by = actor if getattr(actor, "is_authenticated", False) else None
    version.save(update_fields=["status", "published_at", "published_by"])
    record(
        actor=actor,
        action="classifier.published",
        target_type="classifier",
        target_id=version.number,
        data={
            "before": {"number": before.number if before else None},
            "after": {"number": version.number, "artefact_digest": version.artefact_digest},
        },
    )
    return version


@transaction.atomic
def default_classifier_load(*, actor=None, path: Path = DEFAULT_PATH) -> ClassifierVersion | None:
    """Publishes the shipped classifier (trained on seed_examples.json) as version 1 when
    there is none; otherwise does nothing and returns None."""
    if ClassifierVersion.objects.select_for_update().exists() or not path.exists():
        return None
    artefact = training.Artefact.from_bytes(path.read_bytes())
    version = _create(actor=actor, artefact=artefact, status="draft", notes="Default classifier")
    return classifier_publish(actor=actor, version=version)
