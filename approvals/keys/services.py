"""Production keys: mint, list, rotate, revoke. Each change is one transaction, audited, and
published to the verifier's store once committed."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.errors import Conflict
from approvals.models import Grant, ProductionKey
from audit.services import record

from . import keyformat, keystore

GRACE_PERIODS = {"none": timedelta(0), "1h": timedelta(hours=1), "24h": timedelta(hours=24)}
DEFAULT_GRACE = "24h"  # rotating is not an outage unless asked for


def key_status(key: ProductionKey, now, grant_live: bool = True) -> str:
    """What a key does now, as every page shows it: active | rotating | rotated | revoked |
    expired | blocked. A rotated key's grace ends at expires_at (the expiry sweep then sets
    revoked_at to it): "rotating" until then, "rotated" after; revoked before that,
    "revoked". A key that would work under a grant that does not (suspended, revoked,
    expired: approvals.grants.grant_states) is "blocked"."""
    if key.expires_at is not None and key.replaced_by_id is not None:
        if key.revoked_at and key.revoked_at < key.expires_at:
            return "revoked"
        if key.expires_at <= now:
            return "rotated"
        return "rotating" if grant_live else "blocked"
    if key.revoked_at:
        return "revoked"
    if key.expires_at and key.expires_at <= now:
        return "expired"
    return "active" if grant_live else "blocked"


def active_keys(grant: Grant):
    now = timezone.now()
    return grant.keys.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)


def active_key_count(now):
    """For Grant.objects.annotate(active_keys=...): a grant's keys not revoked nor past their
    expiry, counted for each grant a page shows (a correlated subquery over the index
    key_grant_newest), never by aggregating every grant's keys before the page is cut."""
    live = ProductionKey.objects.filter(grant=OuterRef("pk"), revoked_at__isnull=True).exclude(
        expires_at__lte=now
    )
    counted = live.order_by().values("grant").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _record(actor, key: ProductionKey, action: str, **data) -> None:
    # The secret never reaches the log: only the public prefix and the name.
    record(
        actor=actor,
        action=f"key.{action}",
        target_type="key",
        target_id=key.pk,
        data={
            "grant": key.grant_id,
            "prefix": keyformat.shown_prefix(key.key_id),
            "name": key.name,
            **data,
        },
    )


def _publish_on_commit(*keys: ProductionKey) -> None:
    transaction.on_commit(lambda: keystore.publish(keys))


def _mint(actor, grant: Grant, name: str, *, outgoing=None) -> tuple[ProductionKey, str]:
    """`outgoing`: a key being rotated out, which does not count against the cap."""
    if grant.status != Grant.Status.ACTIVE or grant.expires_at <= timezone.now():
        raise Conflict("Keys are minted only under an active grant.", code="grant_not_active")
    current = active_keys(grant).exclude(pk=outgoing.pk) if outgoing else active_keys(grant)
    if current.count() >= settings.KEYS_PER_GRANT:
        raise Conflict(
            f"A grant has at most {settings.KEYS_PER_GRANT} active keys; revoke one first.",
            code="key_limit",
        )
    text, parsed = keyformat.new_key()
    key = ProductionKey.objects.create(
        grant=grant,
        key_id=parsed.key_id,
        name=name.strip(),
        digest=keyformat.digest(parsed.secret),
        created_by=actor,
    )
    return key, text


@transaction.atomic
def key_mint(*, actor, grant: Grant, name: str) -> tuple[ProductionKey, str]:
    """The new key and its text: the only time the secret exists outside the caller's hands."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)  # the cap holds under races
    key, text = _mint(actor, grant, name)
    _record(actor, key, "minted")
    return key, text


@transaction.atomic
def key_revoke(*, actor, key: ProductionKey) -> ProductionKey:
    key = (
        ProductionKey.objects.select_for_update()
        .select_related("grant__organization")
        .get(pk=key.pk)
    )
    if key.revoked_at is not None:
        raise Conflict("This key is already revoked.", code="already_revoked")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    _record(actor, key, "revoked")
    _publish_on_commit(key)
    return key


@transaction.atomic
def key_rotate(*, actor, key: ProductionKey, grace: str) -> tuple[ProductionKey, str]:
    """A new key with the same name; the old one keeps working for the grace period."""
    grant = Grant.objects.select_for_update().get(pk=key.grant_id)
    if grant.status != Grant.Status.ACTIVE or grant.expires_at <= timezone.now():
        shown = grant.status if grant.status != Grant.Status.ACTIVE else "expired"
        raise Conflict(
            f"The grant is {shown}: its keys cannot be rotated.", code="grant_not_active"
        )
    old = (
        ProductionKey.objects.select_for_update()
        .select_related("grant__organization")
        .get(pk=key.pk)
    )
    if old.revoked_at is not None or old.replaced_by_id is not None:
        raise Conflict("Only a current key can be rotated.", code="not_rotatable")
    new, text = _mint(actor, grant, old.name, outgoing=old)
    old.expires_at, old.replaced_by = timezone.now() + GRACE_PERIODS[grace], new
    old.save(update_fields=["expires_at", "replaced_by"])
    _record(
        actor,
        old,
        "rotated",
        replaced_by=keyformat.shown_prefix(new.key_id),
        grace=grace,
        expires_at=old.expires_at,
    )
    _record(actor, new, "minted", replaces=keyformat.shown_prefix(old.key_id))
    _publish_on_commit(old)
    return new, text


def keys_expired_record() -> int:
    """Audits keys whose rotation grace ran out (they stopped working at expires_at)."""
    done = 0
    for key in ProductionKey.objects.filter(
        expires_at__lte=timezone.now(), revoked_at__isnull=True
    ):
        with transaction.atomic():
            locked = ProductionKey.objects.select_for_update().get(pk=key.pk)
            if locked.revoked_at is None:
                locked.revoked_at = locked.expires_at
                locked.save(update_fields=["revoked_at"])
                _record(None, locked, "expired")
                done += 1
    return done
