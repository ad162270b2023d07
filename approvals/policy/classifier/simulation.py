"""What a draft classifier would change, before it is published: every application's latest
revision screened under the current policy with the current classifier and with the draft,
and the two routes compared exactly as a policy draft's are (approvals/policy/simulation.py:
the same verdicts, directions and report). The vectors come from the cache (versions.py), so
an application costs two dot products once it has been screened, not a forward pass."""

import time
from itertools import islice

from accounts.errors import Conflict, DomainError
from approvals.models import ClassifierVersion
from approvals.policy import screening
from approvals.policy import simulation as policy_simulation
from approvals.policy import versions as policy

from . import versions
from .scoring import Classifier, classifier_text

CHUNK = 500


class ModelUnavailable(DomainError):
    status_code = 503
    code = "classifier_unavailable"


class _Given:
    """A classifier with the application's vector already at hand."""

    def __init__(self, classifier: Classifier, vector, *, locate: bool = False):
        self.classifier, self.version, self.vector, self.locate = (
            classifier,
            classifier.version,
            vector,
            locate,
        )

    def assess(self, texts):
        return self.classifier.assess(texts, vector=self.vector, locate=self.locate)


def classifier_simulate(*, draft: ClassifierVersion) -> policy_simulation.Simulation:
    """Reads only. Conflict for a published version; ModelUnavailable (503) when the model
    cannot be loaded."""
    if draft.is_published:
        raise Conflict(
            f"Classifier v{draft.number} is published; only a draft is simulated.",
            code="not_a_draft",
        )
    started = time.perf_counter()
    compiled = policy.compiled(policy.current_policy())
    current_version = versions.current_classifier()
    try:
        proposed = versions.loaded(draft)
        current = versions.loaded(current_version) if current_version else None
    except versions.Unavailable as exc:
        raise ModelUnavailable(f"The classifier cannot be simulated: {exc}") from exc
    screened, changes = 0, []
    rows = policy_simulation.latest_revisions()
    while chunk := list(islice(rows, CHUNK)):
        texts = [screening.texts_of(row["content"]) for row in chunk]
        vectors = versions.vectors_for([classifier_text(t) for t in texts])
        for row, text, vector in zip(chunk, texts, vectors, strict=True):
            screened += 1
            declared = row["content"]["domains"]
            before = policy_simulation.verdict_of(
                screening.screen(
                    compiled,
                    texts=text,
                    declared=declared,
                    classifier=_Given(current, vector) if current else None,
                )
            )
            after = policy_simulation.verdict_of(
                screening.screen(
                    compiled, texts=text, declared=declared, classifier=_Given(proposed, vector)
                )
            )
            way = policy_simulation.direction(before, after)
            if way == policy_simulation.UNCHANGED:
                continue
            located = screening.screen(
                compiled,
                texts=text,
                declared=declared,
                classifier=_Given(proposed, vector, locate=True),
            )
            changes.append(policy_simulation.Change.of(row, before, after, way, located))
    changes.sort(key=policy_simulation.concern)
    return policy_simulation.Simulation(
        draft=draft.number,
        current=current_version.number if current_version else 0,
        fingerprint=versions.fingerprint(draft),
        screened=screened,
        seconds=time.perf_counter() - started,
        changes=changes,
    )
