"""What a reviewer weighs beside the application itself: the organization's own earlier
applications, and similar past decisions on anyone's.

Similar means near in the classifier's embedding space, read from the vectors that
screening already kept (TextEmbedding): the page computes none, so it never loads the
model. When the application's own vector is not kept (no classifier screened it), the
decided applications sharing its flagged domains stand in, most shared first. Either way a
bounded number of recent decisions is compared, in a fixed number of queries.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from approvals import access
from approvals.models import Application, Revision, TextEmbedding
from approvals.policy.classifier.scoring import classifier_text
from approvals.policy.classifier.versions import ENCODER_VERSION
from approvals.policy.screening import texts_of

S = Application.Status
DECIDED = (S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED)
CANDIDATES = 200  # the most recently decided applications compared
SHOWN = 5
HISTORY_SHOWN = 20
MIN_SIMILARITY = 0.5  # cosine; below it a decision is not "similar"


@dataclass(frozen=True)
class Similar:
    application: Application
    similarity: float | None  # cosine of the embeddings; None when by shared domains
    shared: tuple[str, ...]  # flagged domains in common (slugs)

    @property
    def percent(self) -> int | None:
        return None if self.similarity is None else round(self.similarity * 100)


def history(user, application: Application):
    """The organization's earlier applications the user may see, newest first."""
    return (
        access.applications_visible_to(user)
        .filter(organization_id=application.organization_id, created_at__lt=application.created_at)
        .select_related("grant")
        .order_by("-created_at")[:HISTORY_SHOWN]
    )


def similar(user, application: Application, revision: Revision | None) -> list[Similar]:
    """Up to SHOWN decided applications most like this one, never itself."""
    candidates = list(
        access.applications_visible_to(user)
        .filter(status__in=DECIDED)
        .exclude(pk=application.pk)
        .select_related("organization")
        .annotate(latest_revision_id=Max("revisions__id"))
        .order_by("-updated_at")[:CANDIDATES]
    )
    if not candidates or revision is None:
        return []
    own = set(application.flagged_domains)
    found = _by_embedding(revision, candidates, own)
    if found:  # none kept, or none near enough: shared domains stand in
        return found
    ranked = sorted(
        (c for c in candidates if own & set(c.flagged_domains)),
        key=lambda c: -len(own & set(c.flagged_domains)),
    )  # stable: the most recent first among equals
    return [Similar(c, None, tuple(sorted(own & set(c.flagged_domains)))) for c in ranked[:SHOWN]]


def _digest(content: dict) -> str:
    return hashlib.sha256(classifier_text(texts_of(content)).encode()).hexdigest()


def _vector(digests) -> dict[str, np.ndarray]:
    return {
        row.sha256: _unit(np.frombuffer(bytes(row.vector), dtype=np.float32))
        for row in TextEmbedding.objects.filter(encoder=ENCODER_VERSION, sha256__in=set(digests))
    }


def _by_embedding(revision, candidates, own: set) -> list[Similar]:
    """Empty when this revision's vector is not kept."""
    mine = _vector([_digest(revision.content)])
    if not mine:
        return []
    (target,) = mine.values()
    contents = dict(
        Revision.objects.filter(pk__in=[c.latest_revision_id for c in candidates]).values_list(
            "pk", "content"
        )
    )
    digests = {
        c.pk: _digest(contents[c.latest_revision_id])
        for c in candidates
        if c.latest_revision_id in contents
    }
    vectors = _vector(digests.values())
    scored = []
    for candidate in candidates:
        vector = vectors.get(digests.get(candidate.pk, ""))
        if vector is None:
            continue
        score = float(np.dot(target, vector))
        if score >= MIN_SIMILARITY:
            shared = tuple(sorted(own & set(candidate.flagged_domains)))
            scored.append(Similar(candidate, score, shared))
    scored.sort(key=lambda s: -s.similarity)
    return scored[:SHOWN]


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
