from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization

from . import routing


class Immutable(Exception):
    """Raised on an attempt to change what has been published or frozen."""


class PublishedVersion(models.Model):
    """A numbered version that is drafted, then published; the policy's and the
    classifier's. `label` names the kind in `str()`."""

    label = "Version"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-number"]

    def __str__(self):
        return f"{self.label} v{self.number} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PolicyVersion(PublishedVersion):
    """A numbered set of domains. Drafts are edited; a published version never changes."""

    label = "Policy"


class DomainKind(models.TextChoices):
    PROHIBITED = "prohibited", "Prohibited"
    EXTRA_SCRUTINY = "extra_scrutiny", "Extra scrutiny"


class Domain(models.Model):
    policy = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="domains")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=DomainKind.choices)
    description = models.TextField()
    typical_conditions = models.TextField(blank=True)
    rules = models.JSONField(
        default=dict,
        blank=True,
        help_text="Screening rules, in the language of approvals/policy/rules.py.",
    )

    class Meta:
        ordering = ["kind", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "slug"], name="unique_domain_per_policy")
        ]

    def __str__(self):
        return f"{self.slug} (v{self.policy.number})"

    def save(self, *args, **kwargs):
        if PolicyVersion.objects.filter(pk=self.policy_id, status="published").exists():
            raise Immutable("A published policy's domains cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.policy.is_published:
            raise Immutable("A published policy's domains cannot change.")
        return super().delete(*args, **kwargs)


class Audience(models.TextChoices):
    INTERNAL = "internal", "Internal staff"
    BUSINESS = "business", "Business customers"
    CONSUMER = "consumer", "Consumers (the public)"


class Application(models.Model):
    """A use case an organization asks production access for. Its status changes only
    through approvals/lifecycle.py."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        AUTO_REJECTED = "auto_rejected", "Rejected by policy"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="applications"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=200)
    description = models.TextField()
    domains = models.JSONField(default=list, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    # Named model_names because `models` would shadow django.db.models here; the API says "models".
    model_names = models.JSONField(default=list)
    endpoints = models.JSONField(default=list)
    expected_requests_per_minute = models.PositiveIntegerField()
    expected_monthly_tokens = models.PositiveBigIntegerField()
    mitigations = models.JSONField(default=list, blank=True)
    # The route of the revision under review, kept here for the queue's ordering and filters.
    route_name = models.CharField(max_length=20, blank=True)
    flagged_domains = models.JSONField(default=list, blank=True)  # declared or detected
    specialist_domains = models.JSONField(default=list, blank=True)
    required_approvals = models.PositiveSmallIntegerField(default=0)
    sla_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # What reviewers decide on, and who has (lifecycle sets the one, decisions add to the other).
    current_revision = models.ForeignKey("Revision", models.SET_NULL, null=True, related_name="+")
    decided_by = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = routing.QUEUE_CONSTRAINTS
        indexes = [*routing.QUEUE_INDEXES, *routing.APPLICATION_INDEXES]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def latest_revision(self):
        return self.revisions.order_by("-number").first()


# The fields a developer writes, by their API names, and where each lives on Application.
CONTENT_FIELDS = {
    "title": "title",
    "description": "description",
    "domains": "domains",
    "audience": "audience",
    "models": "model_names",
    "endpoints": "endpoints",
    "expected_requests_per_minute": "expected_requests_per_minute",
    "expected_monthly_tokens": "expected_monthly_tokens",
    "mitigations": "mitigations",
}


class Revision(models.Model):
    """What was submitted, frozen; and how the policy of the day screened and routed it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    policy = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screening = models.JSONField(null=True, blank=True)
    route = models.JSONField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_revision_number")
        ]

    def __str__(self):
        return f"{self.application_id} r{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = Revision.objects.get(pk=self.pk)
            if stored.content != self.content or stored.screened_at is not None:
                raise Immutable("A submitted revision and its screening never change.")
        super().save(*args, **kwargs)


class Grant(models.Model):
    """Production access for an approved application: what the keys minted under it may do."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="grants")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    model_names = models.JSONField(default=list)
    endpoints = models.JSONField(default=list)
    # requests_per_minute, tokens_per_minute, monthly_tokens
    limits = models.JSONField(default=dict)
    conditions = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = routing.GRANT_INDEXES

    def __str__(self):
        return f"grant {self.pk} for application {self.application_id}"


class ProductionKey(models.Model):
    """A key under a grant. Only the SHA-256 digest of its secret is stored."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="keys")
    key_id = models.CharField(max_length=16, unique=True)  # public: the key names its row
    name = models.CharField(max_length=80)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when the key is rotated: it keeps working until then (the grace period).
    expires_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = routing.KEY_INDEXES

    def __str__(self):
        return f"{self.name} ({self.key_id})"


class UsageBucket(models.Model):
    """A grant's use in one minute, flushed from Redis: for reports and monitoring."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="usage")
    minute = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)
    tokens = models.PositiveBigIntegerField(default=0)
    scope_denied = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["grant", "minute"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "minute"], name="one_bucket_per_grant_minute")
        ]
        # Monitoring reads the recent minutes of every grant at once (approvals.keys.usage).
        indexes = [models.Index(fields=["minute"], name="usagebucket_minute")]

    def __str__(self):
        return f"{self.grant_id} @ {self.minute:%Y-%m-%d %H:%M}"


class UsageScope(models.Model):
    """A grant's use of one model and endpoint in one day, flushed from Redis: what access
    reviews compare with what was granted. `denied` counts scope-denied calls (names outside
    the catalogue are kept as "(other)", so a caller cannot grow this table at will)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="scope_usage")
    day = models.DateField()
    model_name = models.CharField(max_length=100)
    endpoint = models.CharField(max_length=200)
    requests = models.PositiveBigIntegerField(default=0)
    tokens = models.PositiveBigIntegerField(default=0)
    denied = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["grant", "day", "model_name", "endpoint"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "day", "model_name", "endpoint"],
                name="one_scope_row_per_grant_day",
            )
        ]

    def __str__(self):
        return f"{self.grant_id} {self.model_name} {self.endpoint} @ {self.day}"


class ClassifierVersion(PublishedVersion):
    """A trained screening classifier (approvals/policy/classifier/): its artefact, what it
    was trained on and its cross-validated figures. The artefact never changes; a draft is
    simulated, then published, and the latest published version screens."""

    label = "Classifier"

    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    encoder = models.CharField(max_length=64)
    data_digest = models.CharField(max_length=64)
    artefact = models.BinaryField()
    artefact_digest = models.CharField(max_length=64)
    figures = models.JSONField(default=dict)  # cross-validated, thresholds, counts
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class LabelledExample(models.Model):
    """A decided revision as the classifier learns from it. `domains` are what it is; `scope`
    says which other domains it is a "no" for: all of them, or only the prohibited ones (an
    escalation an administrator cleared says nothing about extra scrutiny)."""

    class Source(models.TextChoices):
        REJECTED = "rejected", "Rejected, citing clauses"
        APPROVED = "approved", "Approved on the standard route"
        CLEARED = "cleared", "Escalation cleared"

    class Scope(models.TextChoices):
        ALL = "all", "Every other domain"
        PROHIBITED = "prohibited", "Prohibited domains only"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="examples")
    source = models.CharField(max_length=12, choices=Source.choices)
    domains = models.JSONField(default=list)
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.ALL)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "source"], name="one_example_per_outcome")
        ]

    def __str__(self):
        return f"{self.source} revision {self.revision_id}: {self.domains or 'benign'}"


class TextEmbedding(models.Model):
    """A text's vector under one encoder, kept so that training and simulations embed each
    text once (about 20 ms each)."""

    encoder = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["encoder", "sha256"], name="one_vector_per_text")
        ]

    def __str__(self):
        return f"{self.encoder} {self.sha256[:12]}"


class ReadMark(models.Model):
    """How far one person has read an application's conversation (later comments are new)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "application"], name="read_mark")]

    def __str__(self):
        return f"{self.user_id} read {self.application_id} up to {self.read_at:%Y-%m-%d %H:%M}"


class KeyUsage(models.Model):
    """One key's calls in one day, flushed from Redis: served, and refused by reason."""

    key = models.ForeignKey(ProductionKey, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    requests = models.PositiveIntegerField(default=0)
    rate_limited = models.PositiveIntegerField(default=0)
    quota_exceeded = models.PositiveIntegerField(default=0)
    scope_denied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="one_tally_per_key_day")]

    def __str__(self):
        return f"{self.key_id} on {self.day}"
