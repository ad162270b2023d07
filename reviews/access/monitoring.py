"""Monitoring for anomalous use: the periodic run (task reviews.monitor_usage).

Each run gathers the usage of every live grant (active or suspended) in a few aggregate
queries (approvals.keys.usage.usage_for_monitoring), evaluates the rules (approvals.keys.anomalies)
and turns each new finding into an AnomalyFlag, in one transaction per finding under the
grant's row lock: a severe finding suspends an active grant (approvals.grants, audited, at
once at the gateway); every flag opens or joins the grant's anomaly re-review; the flag is
audited; the organization's members and the administrators hear of a suspension by mail.

A finding is new unless a flag of its rule, as severe or more, covers an overlapping window:
windows are aligned, so a run repeated in the same window adds nothing. A severe finding in
the window of an earlier warning escalates that flag (its unique key is the window's start).
Suspended grants are watched too: their findings (from before the suspension, or calls
refused since) still reach the re-review, but cannot suspend them again.
"""

import logging
from collections import Counter
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from approvals import grants
from approvals.keys import anomalies
from approvals.keys.usage import usage_for_monitoring
from approvals.models import Grant
from audit.services import record
from reviews import notifications
from reviews.models import AnomalyFlag, GrantReview

from .grant_reviews import rereview_open

log = logging.getLogger(__name__)
RANK = {anomalies.WARNING: 1, anomalies.SEVERE: 2}
RULE_LABELS = {
    anomalies.SUSTAINED_RATE: "Sustained use at the granted rate limit",
    anomalies.TOKEN_RUN_RATE: "Token use far above the declared monthly volume",
    anomalies.DENIED_BURST: "A burst of calls outside the grant's scope",
    anomalies.UNREQUESTED_SCOPE: "Calls to models or endpoints the application never asked for",
    anomalies.SUDDEN_GROWTH: "Sudden growth in use",
}
FLAGGED, ESCALATED = "flagged", "escalated"


def monitor_usage(*, now: datetime | None = None) -> dict[str, int]:
    """Evaluates every live grant's recent use; returns counts. Idempotent per window."""
    th = anomalies.thresholds()
    p = anomalies.periods(now or timezone.now(), th)
    usage = usage_for_monitoring(p, th)
    findings = [(u.grant_id, f) for u in usage for f in anomalies.evaluate(u, p, th)]
    known = _flags_of(
        {grant_id for grant_id, _ in findings},
        since=min((f.window_start for _, f in findings), default=None),
    )
    counts = Counter(grants=len(usage), findings=len(findings))
    for grant_id, finding in findings:
        if _covered(known.get((grant_id, finding.rule), []), finding):
            continue
        try:
            outcome, suspended = flag_finding(grant_id=grant_id, finding=finding)
        except Exception:  # one grant's failure must not hide the others' findings
            log.exception("monitoring: %s on grant %s not recorded", finding.rule, grant_id)
            outcome, suspended = "failed", False
        counts[outcome or "skipped"] += 1
        counts["suspended"] += suspended
    return dict(counts)


def _flags_of(grant_ids: set[int], since: datetime | None) -> dict[tuple, list]:
    """The flags that may cover this run's findings, by (grant, rule): one query."""
    known: dict[tuple, list] = {}
    if grant_ids:
        for flag in AnomalyFlag.objects.filter(grant_id__in=grant_ids, window_end__gt=since).only(
            "grant_id", "rule", "severity", "window_start", "window_end"
        ):
            known.setdefault((flag.grant_id, flag.rule), []).append(flag)
    return known


def _covered(flags, finding: anomalies.Finding) -> bool:
    return any(
        flag.window_start < finding.window_end
        and flag.window_end > finding.window_start
        and RANK[flag.severity] >= RANK[finding.severity]
        for flag in flags
    )


def flag_finding(*, grant_id: int, finding: anomalies.Finding) -> tuple[str | None, bool]:
    """Records one finding and its effects in one transaction; returns (flagged | escalated,
    or None when it was covered meanwhile or the grant ended; whether it suspended)."""
    with transaction.atomic():
        grant = (
            Grant.objects.select_for_update()
            .filter(pk=grant_id, status__in=(Grant.Status.ACTIVE, Grant.Status.SUSPENDED))
            .first()
        )
        if grant is None:
            return None, False
        overlapping = list(
            AnomalyFlag.objects.filter(
                grant=grant,
                rule=finding.rule,
                window_start__lt=finding.window_end,
                window_end__gt=finding.window_start,
            )
        )
        if _covered(overlapping, finding):  # a racing run got here first
            return None, False
        flag = next((f for f in overlapping if f.window_start == finding.window_start), None)
        outcome = ESCALATED if flag else FLAGGED
        flag = flag or AnomalyFlag(
            grant=grant, rule=finding.rule, window_start=finding.window_start
        )
        suspend = finding.severity == anomalies.SEVERE and grant.status == Grant.Status.ACTIVE
        if suspend:
            grant = grants.grant_status_set(
                actor=None,
                grant=grant,
                status=Grant.Status.SUSPENDED,
                reason=f"Anomalous use ({finding.rule}): {finding.reason}",
            )
        review, _ = rereview_open(
            grant=grant,
            kind=GrantReview.Kind.ANOMALY,
            reason=finding.reason,
            details={
                "rule": finding.rule,
                "severity": finding.severity,
                "figures": finding.figures,
            },
        )
        flag.severity, flag.figures = finding.severity, finding.figures
        flag.window_end, flag.review = finding.window_end, review
        flag.suspended = flag.suspended or suspend
        flag.save()
        record(
            actor=None,
            actor_label="system",
            action=f"anomaly.{outcome}",
            target_type="anomaly_flag",
            target_id=flag.pk,
            data={
                "grant": grant.pk,
                "rule": finding.rule,
                "severity": finding.severity,
                "figures": finding.figures,
                "suspended": suspend,
                "review": review.pk,
            },
        )
        if suspend:
            transaction.on_commit(lambda: notifications.enqueue("send_suspension_mail", flag.pk))
    return outcome, suspend


# The mail: the organization's members and the administrators, when a flag suspended a grant.


def send_suspension_mail(flag_id: int) -> int:
    """Members read what happened and what to do; administrators also the figures and the
    re-review. Nothing once the grant is no longer suspended (a late retry has no news)."""
    flag = (
        AnomalyFlag.objects.select_related("grant__application", "grant__organization")
        .filter(pk=flag_id, suspended=True, mailed_at__isnull=True)
        .first()
    )
    if flag is None or flag.grant.status != Grant.Status.SUSPENDED:
        return 0  # nothing owed, sent already, or no news any more
    grant = flag.grant
    context = {
        "grant_id": grant.pk,
        "title": grant.application.title,
        "organization": grant.organization.name,
        "rule": RULE_LABELS[flag.rule],
        "window_start": flag.window_start,
        "window_end": flag.window_end,
        "link": notifications.site(f"/portal/grants/{grant.pk}/"),
    }
    subject = f"Production access suspended: grant #{grant.pk}"
    admins = notifications.admins()
    members = [email for email in _members(grant) if email not in admins]
    sent = notifications.send(
        "access/grant_suspended", subject, {**context, "for_admins": False}, members
    )
    sent += notifications.send(
        "access/grant_suspended",
        subject,
        {
            **context,
            "for_admins": True,
            "reason": _reason(flag),
            "link": notifications.site(f"/reviews/access-review-items/{flag.review_id}/"),
        },
        admins,
    )
    AnomalyFlag.objects.filter(pk=flag.pk, mailed_at__isnull=True).update(mailed_at=timezone.now())
    return sent


def _members(grant: Grant) -> list[str]:
    return list(
        User.objects.filter(memberships__organization_id=grant.organization_id, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _reason(flag: AnomalyFlag) -> str:
    finding = anomalies.Finding(
        flag.rule,
        flag.severity,
        flag.figures["observed"],
        flag.figures["threshold"],
        flag.figures["baseline"],
        flag.window_start,
        flag.window_end,
        {
            k: v
            for k, v in flag.figures.items()
            if k not in ("observed", "threshold", "baseline", "window")
        },
    )
    return finding.reason
