"""The usage policy: published versions, drafts, and the compiled form screening uses."""

from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.errors import Conflict, InvalidInput, NotFound
from approvals.models import Domain, PolicyVersion
from audit.services import record

from . import default, screening
from .rules import RuleError


def current_policy() -> PolicyVersion:
    policy = (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if policy is None:
        raise NotFound("No usage policy is published.", code="no_policy")
    return policy


def current_domains():
    return current_policy().domains.order_by("kind", "slug")


def _compile(policy_id: int, number: int) -> screening.CompiledPolicy:
    """A version's domains compiled; RuleError when a rule does not compile."""
    return screening.compile_policy(
        number,
        [
            screening.DomainSpec(slug=d.slug, name=d.name, kind=d.kind, rules=d.rules)
            for d in Domain.objects.filter(policy_id=policy_id)
        ],
    )


def _compile_draft(policy: PolicyVersion) -> screening.CompiledPolicy:
    try:
        return _compile(policy.pk, policy.number)
    except RuleError as exc:
        raise InvalidInput(
            f"The draft's screening rules are invalid: {exc}", code="invalid_rules"
        ) from exc


@lru_cache(maxsize=8)
def _compiled(policy_id: int, number: int) -> screening.CompiledPolicy:
    # Safe to keep in process memory: a published version never changes.
    return _compile(policy_id, number)


def compiled(policy: PolicyVersion) -> screening.CompiledPolicy:
    if not policy.is_published:
        raise Conflict("Only a published policy screens applications.", code="policy_draft")
    return _compiled(policy.pk, policy.number)


def compiled_draft(policy: PolicyVersion) -> screening.CompiledPolicy:
    """A draft compiled for a simulation, never cached: a draft may still be edited.
    Conflict for a published version (simulate drafts only); InvalidInput when its rules do
    not compile."""
    if policy.is_published:
        raise Conflict(
            f"Policy v{policy.number} is published; only a draft is simulated.", code="not_a_draft"
        )
    return _compile_draft(policy)


@transaction.atomic
def policy_draft_create(*, actor) -> PolicyVersion:
    """A new draft, a copy of the current published version, for administrators to edit."""
    source = current_policy()
    last = PolicyVersion.objects.select_for_update().order_by("-number").first()
    draft = PolicyVersion.objects.create(number=last.number + 1, notes=f"From v{source.number}")
    Domain.objects.bulk_create(
        Domain(
            policy=draft,
            slug=d.slug,
            name=d.name,
            kind=d.kind,
            description=d.description,
            typical_conditions=d.typical_conditions,
            rules=d.rules,
        )
        for d in source.domains.all()
    )
    record(
        actor=actor,
        action="policy.draft_created",
        target_type="policy",
        target_id=draft.number,
        data={"from": source.number},
    )
    return draft


@transaction.atomic
def policy_publish(*, actor, policy: PolicyVersion) -> PolicyVersion:
    policy = PolicyVersion.objects.select_for_update().get(pk=policy.pk)
    if policy.is_published:
        raise Conflict(f"Policy v{policy.number} is already published.", code="already_published")
    if not policy.domains.exists():
        raise Conflict("A policy without domains cannot be published.", code="empty_policy")
    _compile_draft(policy)  # refuse rules that do not compile
    policy.status, policy.published_at = PolicyVersion.Status.PUBLISHED, timezone.now()
    policy.published_by = actor
    policy.save(update_fields=["status", "published_at", "published_by"])
    record(
        actor=actor,
        action="policy.published",
        target_type="policy",
        target_id=policy.number,
        data={
            "after": {
                "number": policy.number,
                "domains": sorted(policy.domains.values_list("slug", flat=True)),
            }
        },
    )
    return policy


@transaction.atomic
def default_policy_load(*, actor=None, path: Path = default.PATH) -> PolicyVersion | None:
    """Publishes the default policy (default_policy.toml, or the file at `path`) as version 1
    when there is no policy at all; otherwise does nothing and returns None. The file is read
    and checked either way: DefaultPolicyError, naming the domain and field, if malformed."""
    domains = default.domains(path)
    if PolicyVersion.objects.select_for_update().exists():
        return None
    version = PolicyVersion.objects.create(number=1, notes="Default policy")
    Domain.objects.bulk_create(Domain(policy=version, **domain) for domain in domains)
    return policy_publish(actor=actor, policy=version)
