"""What the classifier learns from: the seed examples shipped with the product
(seed_examples.json) and every decided revision (LabelledExample), one Example each.

How a decision labels a revision (reviews/decisions.py calls example_from_decision):
- a rejection citing clauses, an upheld escalation included: the cited domains;
- an approval on the standard route: benign;
- an escalation an administrator cleared: not prohibited (a "no" for the prohibited domains
  only: whether it needs extra scrutiny is not what was decided).
Anything else (a rejection citing no clause, a request for changes) teaches nothing.
"""

import json
from pathlib import Path

from django.db import transaction

from approvals.models import LabelledExample, Revision
from approvals.policy.screening import texts_of
from audit.services import record

from .scoring import classifier_text
from .training import ALL, PROHIBITED_ONLY, Example

SEED_PATH = Path(__file__).with_name("seed_examples.json")
Source = LabelledExample.Source


def seed_examples(path: Path = SEED_PATH) -> list[Example]:
    examples = []
    for case in json.loads(path.read_text(encoding="utf-8")):
        content = {k: case[k] for k in ("title", "description", "mitigations")}
        texts = texts_of(content)
        examples.append(
            Example(
                key=f"seed:{case['id']}",
                title=case["title"],
                text=classifier_text(texts),
                domains=(case["domain"],) if case["intent"] != "benign" else (),
                fields=tuple(sorted(texts.items())),
            )
        )
    return examples


def decided_examples() -> list[Example]:
    """One Example per labelled revision; when one revision was labelled twice (cleared,
    then rejected citing a clause), the later label wins."""
    latest: dict[int, LabelledExample] = {}
    rows = LabelledExample.objects.select_related("revision").order_by("created_at", "pk")
    for row in rows:
        latest[row.revision_id] = row
    examples = []
    for row in latest.values():
        content = row.revision.content
        texts = texts_of(content)
        examples.append(
            Example(
                key=f"revision:{row.revision_id}",
                title=content["title"],
                text=classifier_text(texts),
                domains=tuple(sorted(row.domains)),
                scope=row.scope,
                fields=tuple(sorted(texts.items())),
                declared=tuple(content.get("domains", ())),
            )
        )
    return examples


def training_examples() -> list[Example]:
    return seed_examples() + decided_examples()


@transaction.atomic
def example_record(
    *, actor, revision: Revision, source: str, domains=(), scope: str = ALL
) -> LabelledExample | None:
    """None when this outcome of this revision is already an example."""
    example, created = LabelledExample.objects.get_or_create(
        revision=revision,
        source=source,
        defaults={"domains": sorted(set(domains)), "scope": scope, "decided_by": actor},
    )
    if not created:
        return None
    record(
        actor=actor,
        action="classifier.example_labelled",
        target_type="application",
        target_id=revision.application_id,
        data={
            "revision": revision.number,
            "source": source,
            "domains": example.domains,
            "scope": scope,
        },
    )
    return example


def example_from_decision(
    *, actor, revision: Revision, outcome: str, clauses=(), route: str = ""
) -> LabelledExample | None:
    """`outcome`: "rejected", "approved" or "cleared"; `route`: the route it was decided on."""
    if outcome == "rejected" and clauses:
        return example_record(
            actor=actor, revision=revision, source=Source.REJECTED, domains=clauses
        )
    if outcome == "approved" and route == "standard":
        return example_record(actor=actor, revision=revision, source=Source.APPROVED)
    if outcome == "cleared":
        return example_record(
            actor=actor, revision=revision, source=Source.CLEARED, scope=PROHIBITED_ONLY
        )
    return None
