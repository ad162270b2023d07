from django.conf import settings
from django.db import models
from django.utils import timezone

from approvals.models import Application, Revision


class Claim(models.Model):
    """Who is looking at an application now. One per application; idle claims expire."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE,
                                       related_name="claim")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="claims")
    claimed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.reviewer} holds {self.application_id}"


class Decision(models.Model):
    class Kind(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"
        REQUEST_CHANGES = "request_changes", "Request changes"

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="decisions")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="decisions")
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
        constraints = [models.UniqueConstraint(fields=["revision", "reviewer"],
                                               name="one_decision_per_reviewer_and_revision")]

    def __str__(self):
        return f"{self.decision} on {self.application_id} r{self.revision.number}"


class Comment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

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
        constraints = [models.UniqueConstraint(fields=["revision", "kind"],
                                               name="one_notice_per_kind")]

    def __str__(self):
        return f"{self.kind} notice for revision {self.revision_id}"
