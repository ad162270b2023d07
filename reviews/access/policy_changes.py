"""What a published policy change does to production access already given: every active
grant's use case is screened again, and a grant that now screens stricter gets a policy
re-review (reviews.access.grant_reviews.rereview_open, one per grant and version).

Stricter (approvals.policy.simulation.direction) than both
- the screening the grant was approved under (its revision's stored screening), so that what
  reviewers already weighed (an escalation an administrator cleared, a specialty a specialist
  approved) is not asked again; and
- the screening under the baseline: the last version re-screened before this one (or, before
  any run, the version published just before it), so that a change an earlier version made,
  and its re-review already covered, is not asked again.

Publications from anywhere (this module's publish, the admin site's action) are caught by the
periodic sweep: a PolicyRescreen row marks the version done, and versions published between
two runs are marked as covered by the later one (compared with the same baseline, their
changes are in it). One transaction per run: a crash leaves nothing half done for the retry.
"""

import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from accounts.errors import Conflict
from approvals.models import Grant, PolicyVersion
from approvals.policy import screening, simulation
from approvals.policy import versions as policy
from audit.services import record
from reviews.models import GrantReview, PolicyRescreen

from .grant_reviews import rereview_open

log = logging.getLogger(__name__)


@transaction.atomic
def policy_publish(
    *, actor, policy_version: PolicyVersion, fingerprint: str | None = None
) -> PolicyVersion:
    """Publishes a draft (approvals.policy.versions.policy_publish) and re-screens the active grants
    once that commits. With the `fingerprint` of a simulation, refuses (409) when the draft's
    rules or the published policy changed since: the administrator confirmed other results."""
    locked = PolicyVersion.objects.select_for_update().get(pk=policy_version.pk)
    if (
        fingerprint is not None
        and not locked.is_published
        and simulation.draft_fingerprint(locked) != fingerprint
    ):
        raise Conflict(
            f"Policy v{locked.number} or the published policy changed since the "
            "simulation; simulate again before publishing.",
            code="simulation_stale",
        )
    published = policy.policy_publish(actor=actor, policy=locked)
    transaction.on_commit(enqueue_rescreen)
    return published


def enqueue_rescreen() -> None:
    """Never fails or hangs the publish: without a broker the sweep does it."""
    try:  # by name: reviews/tasks.py imports this module
        current_app.tasks["reviews.rescreen_grants"].apply_async(retry=False)
    except Exception:  # any broker failure; the sweep recovers
        log.warning("could not queue the grants' re-screen; the sweep will")


def rescreen_pending() -> PolicyRescreen:
    """The periodic sweep: re-screens under the current policy unless that is done."""
    return grants_rescreen(policy_version=policy.current_policy())


@transaction.atomic
def grants_rescreen(*, policy_version: PolicyVersion) -> PolicyRescreen:
    """Opens a policy re-review for each active grant that `policy_version` screens stricter.
    Idempotent: a version already done (or covered by a later one) is left as it is."""
    policy_version = PolicyVersion.objects.get(pk=policy_version.pk)  # published since?
    if not policy_version.is_published:
        raise Conflict("Only a published policy re-screens grants.", code="policy_draft")
    run = _locked_run(policy_version)
    if run.is_done:
        return run
    current = policy.current_policy()
    if current.number != policy_version.number:
        # An older version: the current one's run (compared with an older baseline) covers it.
        run.superseded_by, run.finished_at = current.number, timezone.now()
        run.save(update_fields=["superseded_by", "finished_at"])
        return run
    baseline = _baseline(policy_version)
    counts = _rescreen(policy_version, baseline)
    covered = _mark_covered(policy_version, baseline)
    run.baseline_number = baseline.number if baseline else None
    run.counts, run.finished_at = counts, timezone.now()
    run.save(update_fields=["baseline_number", "counts", "finished_at"])
    record(
        actor=None,
        actor_label="policy re-screen",
        action="policy.grants_rescreened",
        target_type="policy",
        target_id=policy_version.number,
        data={"baseline": run.baseline_number, "covers": covered, **counts},
    )
    return run


def _locked_run(policy_version: PolicyVersion) -> PolicyRescreen:
    # Insert-or-nothing, then lock: a concurrent run waits here and then finds it done.
    PolicyRescreen.objects.bulk_create(
        [PolicyRescreen(policy=policy_version)], ignore_conflicts=True
    )
    return PolicyRescreen.objects.select_for_update().get(policy=policy_version)


def _baseline(policy_version: PolicyVersion) -> PolicyVersion | None:
    done = (
        PolicyRescreen.objects.filter(
            finished_at__isnull=False,
            superseded_by__isnull=True,
            policy__number__lt=policy_version.number,
        )
        .select_related("policy")
        .order_by("-policy__number")
        .first()
    )
    if done is not None:
        return done.policy
    return (
        PolicyVersion.objects.filter(
            status=PolicyVersion.Status.PUBLISHED, number__lt=policy_version.number
        )
        .order_by("-number")
        .first()
    )


def _mark_covered(policy_version: PolicyVersion, baseline: PolicyVersion | None) -> list[int]:
    """Versions published after the baseline and before this one, never re-screened."""
    between = PolicyVersion.objects.filter(
        status=PolicyVersion.Status.PUBLISHED, number__lt=policy_version.number
    )
    if baseline is not None:
        between = between.filter(number__gt=baseline.number)
    between = list(
        between.exclude(
            pk__in=PolicyRescreen.objects.filter(finished_at__isnull=False).values("policy_id")
        )
    )
    PolicyRescreen.objects.bulk_create(
        [PolicyRescreen(policy=v) for v in between], ignore_conflicts=True
    )
    PolicyRescreen.objects.filter(policy__in=between, finished_at__isnull=True).update(
        superseded_by=policy_version.number, finished_at=timezone.now()
    )
    return sorted(v.number for v in between)


def _rescreen(policy_version: PolicyVersion, baseline: PolicyVersion | None) -> dict:
    new = policy.compiled(policy_version)
    pair = simulation.PolicyPair(policy.compiled(baseline), new) if baseline is not None else None
    counts = {"checked": 0, "stricter": 0, "opened": 0, "added_to_open": 0, "already": 0}
    stricter = {}
    for row in simulation.latest_revisions(application__grant__status=Grant.Status.ACTIVE):
        counts["checked"] += 1
        finding = _finding(row, new, pair)
        if finding is not None:
            stricter[row["application__grant__id"]] = finding
    counts["stricter"] = len(stricter)
    already = set(
        GrantReview.objects.filter(
            grant_id__in=stricter, policy_number=policy_version.number
        ).values_list("grant_id", flat=True)
    )
    counts["already"] = len(already)
    grants = Grant.objects.in_bulk([pk for pk in stricter if pk not in already])
    for pk, grant in sorted(grants.items()):
        reason, details = stricter[pk]
        try:
            _, created = rereview_open(
                grant=grant,
                kind=GrantReview.Kind.POLICY,
                reason=reason,
                details=details,
                policy_number=policy_version.number,
            )
        except Conflict:  # opened meanwhile for this version
            counts["already"] += 1
            continue
        counts["opened" if created else "added_to_open"] += 1
    return counts


def _finding(
    row: dict, new: screening.CompiledPolicy, pair: simulation.PolicyPair | None
) -> tuple[str, dict] | None:
    """(reason, details) when the grant's use case screens stricter, else None."""
    content = row["content"]
    texts, declared = screening.texts_of(content), content["domains"]
    if pair is not None and not pair.may_differ(texts, declared):
        return None  # screened as under the baseline: not stricter than it
    old = pair.before if pair is not None else None
    result = screening.screen(new, texts=texts, declared=declared)
    after = simulation.verdict_of(result)
    approved = (
        simulation.verdict_of(screening.Screening.from_dict(row["screening"]))
        if row["screening"]
        else None
    )
    previous = (
        simulation.verdict_of(screening.screen(old, texts=texts, declared=declared))
        if old is not None
        else None
    )
    baselines = [v for v in (approved, previous) if v is not None]
    if not baselines or any(
        simulation.direction(b, after) != simulation.STRICTER for b in baselines
    ):
        return None
    new_domains = sorted(after.domains.difference(*(b.domains for b in baselines)))
    shown = set(new_domains) or after.domains
    reason = (
        f"Policy v{new.version} screens this use case stricter: now {after.route}"
        + (f", matching {', '.join(new_domains)}" if new_domains else "")
        + f" (was {baselines[0].route})."
    )
    return reason, {
        "policy_number": new.version,
        "baseline_policy": old.version if old else None,
        "before": approved.as_dict() if approved else None,
        "previous": previous.as_dict() if previous else None,
        "after": after.as_dict(),
        "new_domains": new_domains,
        "evidence": [m.as_dict() for m in result.matches if m.domain in shown],
    }


def rescreen_runs(numbers) -> dict[int, PolicyRescreen]:
    """Version number -> its run, for the versions given that have one."""
    return {
        run.policy.number: run
        for run in PolicyRescreen.objects.filter(policy__number__in=list(numbers)).select_related(
            "policy"
        )
    }
