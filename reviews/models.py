from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from approvals.models import Application, Grant, PolicyVersion, Revision

# The due date of an item without one (a re-review) in the lists' order: after every other.
NO_DUE_DATE = datetime(9999, 12, 31, tzinfo=UTC)


class Claim(models.Model):
    """Who is looking at an application now. One per application; idle claims expire."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="claim")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    claimed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.reviewer} holds {self.application_id}"


class Decision(models.Model):
    class Kind(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"
        REQUEST_CHANGES = "request_changes", "Request changes"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    decision = models.CharField(max_length=16, choices=Kind.choices)
    rationale = models.TextField(blank=True)
    conditions = models.JSONField(default=list, blank=True)
    clauses = models.JSONField(default=list, blank=True)  # policy domains a rejection cites
    model_names = models.JSONField(default=list, blank=True)  # an approval's narrowing
    endpoints = models.JSONField(default=list, blank=True)
    limits = models.JSONField(default=dict, blank=True)
    as_specialist = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Set once the applicant's mail went out: the outbox mark the sweep looks for.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "reviewer"], name="one_decision_per_reviewer_and_revision"
            )
        ]

    def __str__(self):
        return f"{self.decision} on {self.application_id} r{self.revision.number}"


class Comment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    mailed_at = models.DateTimeField(null=True, blank=True)  # the outbox mark of its mail

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["application", "created_at", "id"], name="comment_conversation")
        ]

    def __str__(self):
        return f"comment on {self.application_id}"


class SlaNotice(models.Model):
    """That reviewers were warned of, or admins told of a breach of, one revision's SLA:
    each is sent once."""

    class Kind(models.TextChoices):
        NEARING = "nearing", "Nearing"
        BREACHED = "breached", "Breached"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "kind"], name="one_notice_per_kind")
        ]

    def __str__(self):
        return f"{self.kind} notice for revision {self.revision_id}"


class Campaign(models.Model):
    """An access review: every grant active at its start is re-certified by its due date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=120)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(db_index=True)
    # The usage each item shows: from period_start to the campaign's start.
    period_start = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When it was closed: "due" (its date came), or what an early end did with open items.
    closed_how = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class GrantReview(models.Model):
    """One grant to look at again: an access-review campaign's item, or a re-review opened by
    monitoring (an anomaly flag) or by a policy change. Decided with certify, reduce or
    revoke; a campaign item still open at the due date suspends its grant."""

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign", "Access review"
        ANOMALY = "anomaly", "Anomalous use"
        POLICY = "policy", "Policy change"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CERTIFIED = "certified", "Certified"
        REDUCED = "reduced", "Reduced"
        REVOKED = "revoked", "Revoked"
        LAPSED = "lapsed", "Not reviewed in time (grant suspended)"
        CLOSED = "closed", "Closed without a decision"

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="reviews")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField()  # why it was opened, in words for the reviewer
    details = models.JSONField(default=dict, blank=True)  # the figures behind the reason
    # For policy re-reviews: the policy version that screened stricter (one item per version).
    policy_number = models.PositiveIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rationale = models.TextField(blank=True)
    # The grant's terms before and after the decision (models, endpoints, limits).
    outcome = models.JSONField(default=dict, blank=True)
    # The outbox of the holder's mail: owed since mail_due_at (its grant changed), sent at
    # mailed_at; the sweep re-sends what a broker outage lost.
    mail_due_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            # The item lists (reviews/access/eligible.py): a campaign's, by status or opened;
            # everyone's, most urgent first (re-reviews, without a due date, last).
            models.Index(fields=["campaign", "status", "id"], name="grantreview_campaign_status"),
            models.Index(
                Coalesce(
                    models.F("due_at"),
                    models.Value(NO_DUE_DATE),
                    output_field=models.DateTimeField(),
                ),
                models.F("created_at"),
                models.F("id"),
                name="grantreview_most_urgent",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "grant"],
                name="one_item_per_campaign",
                condition=models.Q(campaign__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["grant", "policy_number"],
                name="one_policy_rereview_per_version",
                condition=models.Q(policy_number__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["grant", "kind"],
                name="one_open_rereview_per_kind",
                condition=models.Q(status="open", campaign__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of grant {self.grant_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AnomalyFlag(models.Model):
    """A finding of the monitoring task: which rule, the figures that triggered it, and the
    re-review it opened. One per (grant, rule, window), so a repeated run adds nothing."""

    class Severity(models.TextChoices):
        WARNING = "warning", "Warning"
        SEVERE = "severe", "Severe"

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="anomaly_flags")
    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    figures = models.JSONField(default=dict)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    suspended = models.BooleanField(default=False)  # the grant was suspended for it
    mailed_at = models.DateTimeField(null=True, blank=True)  # the suspension mail went out
    review = models.ForeignKey(
        GrantReview, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "rule", "window_start"], name="one_flag_per_rule_and_window"
            )
        ]

    def __str__(self):
        return f"{self.rule} on grant {self.grant_id}"


class PolicyRescreen(models.Model):
    """That the active grants were re-screened under a published policy version (or that a
    later version's run covered it: superseded_by). The sweep looks for the current version's
    row; its lock makes two runs for one version impossible."""

    policy = models.OneToOneField(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    # The version it was compared with: the last one re-screened before it.
    baseline_number = models.PositiveIntegerField(null=True, blank=True)
    superseded_by = models.PositiveIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-policy__number"]

    def __str__(self):
        return f"re-screen for policy {self.policy_id}"

    @property
    def is_done(self) -> bool:
        return self.finished_at is not None
