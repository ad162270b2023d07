import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit events cannot be updated")

    def delete(self):
        raise AppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One recorded state change. Append-only; each row carries the hash of the one before.

    The id is the position in the chain, handed out under the chain-head lock, so ids are
    contiguous and a missing row shows as a gap as well as a broken link.
    """

    id = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    # No index of its own: (actor, id) below serves the foreign key's lookups too.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)
    # The id of the AUDIT_CHAIN_KEY the hash is keyed with (HMAC-SHA256); blank: plain
    # SHA-256, for events written while no key was configured (audit.chain, anchor.keys).
    key_id = models.CharField(max_length=16, blank=True, default="", db_default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # The log is read newest first, a page at a time (keyset on id): each filter has an
        # index that ends in id, so a filtered page is a short index range scan at any depth.
        # Free-text search has a trigram index on PostgreSQL (migration 0004). Added with
        # CREATE INDEX CONCURRENTLY on PostgreSQL (0003): writers keep appending meanwhile.
        indexes = [
            models.Index(fields=["action", "id"]),
            models.Index(fields=["target_type", "target_id", "id"]),
            models.Index(fields=["actor", "id"]),
            models.Index(fields=["target_type", "id"], name="audit_event_type_id_idx"),
            models.Index(fields=["target_id", "id"], name="audit_event_target_id_idx"),
            # What `actor=<email>` compares (iexact): UPPER(actor_label).
            models.Index(Upper("actor_label"), "id", name="audit_event_actor_label_idx"),
        ]

    def __str__(self):
        return f"#{self.id} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit events cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events cannot be deleted")

    @property
    def data_json(self) -> str:
        return json.dumps(self.data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)


class ChainHead(models.Model):
    """The single row that serialises appends and remembers the chain's last link,
    so that removing the newest events is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"chain head at #{self.last_id}"


class ChainVerification(models.Model):
    """One verification of the chain: the audit page shows the last one instead of walking
    the chain on every load. A request from an administrator is a row before it is a task
    (finished_at empty), so a request lost to a broker outage is run by the hourly task."""

    class Kind(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "hourly schedule"
        COMMAND = "command", "management command"
        API = "api", "API call"
        ADMIN = "admin", "administrator's request"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FULL)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    events_checked = models.BigIntegerField(default=0)
    first_bad_id = models.BigIntegerField(null=True, blank=True)
    # The last event found good: an incremental run starts after it.
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    duration = models.DurationField(null=True, blank=True)
    # Of the events checked, how many were keyed (HMAC-SHA256) and how many plain SHA-256;
    # how many digests outside the database were checked; why the run failed, in words.
    keyed_events = models.BigIntegerField(default=0)
    unkeyed_events = models.BigIntegerField(default=0)
    digests_checked = models.IntegerField(default=0)
    problem = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["finished_at"], name="audit_verif_finished_idx")]

    def __str__(self):
        state = "pending" if self.ok is None else ("ok" if self.ok else "broken")
        return f"{self.kind} verification #{self.pk}: {state}"
