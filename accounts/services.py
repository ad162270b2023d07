"""Accounts: signup, staff-made accounts, roles, specialties, guidelines, API tokens.

Each function is one transaction and writes its audit event in it.
"""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from knox.models import AuthToken

from accounts.auth.client import network_of
from accounts.auth.emails import mixed_script, skeleton
from audit.services import record

from . import access
from .errors import Conflict, InvalidInput
from .models import (
    GuidelinesAcceptance,
    GuidelinesVersion,
    Membership,
    Organization,
    Role,
    SignInAddress,
    User,
    normalize_email,
)
from .readiness import current_guidelines


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def organization_create(*, name: str) -> Organization:
    """A new organization, never an existing one of the same name: a signup must not be
    able to join somebody else's organization by guessing its name."""
    name = name.strip()
    if not name:
        raise InvalidInput("An organization name is required.", code="required")
    return Organization.objects.create(name=name, slug=_unique_slug(name))


def _organization_named(name: str) -> Organization:
    """For accounts staff make: the existing organization of exactly this name (the oldest,
    if signups made several), so that an operator can put a reviewer into it and the
    conflict-of-interest rule applies; a new one when there is none."""
    existing = Organization.objects.filter(name=name.strip()).order_by("pk").first()
    return existing or organization_create(name=name)


def _add_member(user: User, organization: Organization) -> None:
    Membership.objects.create(user=user, organization=organization)
    access.grant_membership_permissions(user, organization)


MIXED_SCRIPT = (
    "This address mixes writing systems (such as Latin and Cyrillic) in {part!r}; "
    "each part of an address must be written in one."
)
LOOKS_LIKE_ANOTHER = (
    "This address looks like the address of an existing account (the two would display "
    "alike); choose another."
)


class LooksLikeAnother(Conflict):
    """The address shares its UTS #39 skeleton with another account's address. Staff see
    this; an anonymous signup is answered as for an existing account (see developer_signup)."""

    code = "confusable_email"


def looks_like_another(email: str) -> bool:
    """Whether another account's address displays like this one (normalized) address."""
    return User.objects.filter(email_skeleton=skeleton(email)).exclude(email=email).exists()


def email_for_new_account(email: str) -> str:
    """The normalized address, or InvalidInput (field "email") when a part of it mixes
    scripts, or LooksLikeAnother when it looks like (shares the UTS #39 skeleton of) another
    account's address. The very same address is not refused here: callers treat an existing
    account as such."""
    email = normalize_email(email)
    part = mixed_script(email)
    if part:
        raise InvalidInput(
            MIXED_SCRIPT.format(part=part), code="mixed_script", extra={"field": "email"}
        )
    if looks_like_another(email):
        raise LooksLikeAnother(LOOKS_LIKE_ANOTHER, extra={"field": "email"})
    return email


@transaction.atomic
def developer_signup(*, email: str, password: str, organization_name: str) -> User:
    """A developer account with a new organization and an unverified address. The caller
    sends the verification mail (allauth does, for the signup page). Conflict for an address
    taken or looked like (LooksLikeAnother): the anonymous caller answers both as it answers
    a new address, and the mailbox asked for hears why (AccountAdapter), so that a
    look-alike never tells a stranger which accounts exist."""
    email = email_for_new_account(email)
    if User.objects.filter(email=email).exists():
        raise Conflict("An account with this address already exists.", code="account_exists")
    user = User.objects.create_user(email, password, role=Role.DEVELOPER)
    organization = organization_create(name=organization_name)
    _add_member(user, organization)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    record(
        actor=user,
        action="account.signup",
        target_type="user",
        target_id=user.pk,
        data={
            "after": {
                "email": email,
                "role": user.role,
                "organization": {"id": organization.pk, "name": organization.name},
            }
        },
    )
    return user


def _validate_slugs(slugs: Iterable[str], field: str) -> list[str]:
    cleaned = sorted({s.strip() for s in slugs if s and s.strip()})
    bad = [s for s in cleaned if slugify(s) != s]
    if bad:
        raise InvalidInput(
            f"Not a domain slug: {', '.join(bad)}", code="invalid_slug", extra={"field": field}
        )
    return cleaned


@transaction.atomic
def account_create(
    *,
    actor: User | None,
    email: str,
    password: str,
    role: str,
    organization_name: str = "",
    specialties: Iterable[str] = (),
) -> User:
    """An account made by staff: verified and active; a developer has accepted the
    current guidelines."""
    email = email_for_new_account(email)
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}.", code="invalid_role")
    if User.objects.filter(email=email).exists():
        raise Conflict("An account with this address already exists.", code="account_exists")
    specialties = _validate_slugs(specialties, "specialties")
    is_admin = role == Role.ADMIN
    user = User.objects.create_user(
        email,
        password,
        role=role,
        is_staff=is_admin,
        is_superuser=is_admin,
        specialties=specialties,
    )
    organization = _organization_named(organization_name) if organization_name.strip() else None
    if organization:
        _add_member(user, organization)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    guidelines = current_guidelines()
    if role == Role.DEVELOPER and guidelines:
        GuidelinesAcceptance.objects.create(user=user, guidelines=guidelines)
    record(
        actor=actor,
        action="account.created",
        target_type="user",
        target_id=user.pk,
        actor_label="" if actor else "system",
        data={
            "after": {
                "email": email,
                "role": role,
                "specialties": specialties,
                "organization": organization.name if organization else None,
                "accepted_guidelines": guidelines.version
                if role == Role.DEVELOPER and guidelines
                else None,
            }
        },
    )
    return user


@transaction.atomic
def role_set(*, actor: User | None, user: User, role: str) -> User:
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}.", code="invalid_role")
    before = user.role
    if before == role:
        return user
    # Administrators run the admin site and read the audit log: staff with every permission.
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    record(
        actor=actor,
        action="account.role_changed",
        target_type="user",
        target_id=user.pk,
        data={"before": {"role": before}, "after": {"role": role}},
    )
    return user


def _domain_list_set(*, actor: User | None, user: User, field: str, slugs: Iterable[str]) -> User:
    after = _validate_slugs(slugs, field)
    before = list(getattr(user, field))
    if before == after:
        return user
    setattr(user, field, after)
    user.save(update_fields=[field])
    record(
        actor=actor,
        action=f"reviewer.{field}_changed",
        target_type="user",
        target_id=user.pk,
        data={"before": {field: before}, "after": {field: after}},
    )
    return user


@transaction.atomic
def specialties_set(*, actor: User | None, user: User, specialties: Iterable[str]) -> User:
    """Domains in which a reviewer counts as a specialist (extra-scrutiny approvals)."""
    return _domain_list_set(actor=actor, user=user, field="specialties", slugs=specialties)


@transaction.atomic
def opt_outs_set(*, actor: User | None, user: User, opt_outs: Iterable[str]) -> User:
    """Domains a reviewer will not be shown (a reviewer may decline disturbing categories)."""
    return _domain_list_set(actor=actor, user=user, field="opt_outs", slugs=opt_outs)


@transaction.atomic
def active_set(*, actor: User | None, user: User, active: bool) -> User:
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="account.reactivated" if active else "account.deactivated",
        target_type="user",
        target_id=user.pk,
        data={"before": {"is_active": not active}, "after": {"is_active": active}},
    )
    return user


@transaction.atomic
def guidelines_publish(*, actor: User | None, text: str) -> GuidelinesVersion:
    """A new version; every developer must accept it before their next submission."""
    text = text.strip()
    if not text:
        raise InvalidInput("The guidelines text is empty.", code="required")
    last = GuidelinesVersion.objects.select_for_update().order_by("-version").first()
    version = GuidelinesVersion.objects.create(
        version=(last.version + 1) if last else 1,
        text=text,
        published_by=actor if actor and actor.is_authenticated else None,
    )
    record(
        actor=actor,
        action="guidelines.published",
        target_type="guidelines",
        target_id=version.version,
        data={"after": {"version": version.version}},
    )
    return version


@transaction.atomic
def guidelines_accept(*, user: User, version: int) -> GuidelinesAcceptance:
    current = current_guidelines()
    if current is None or current.version != version:
        raise Conflict(
            f"Version {version} is not the current usage guidelines"
            + (f"; the current version is {current.version}." if current else "."),
            code="not_current_guidelines",
        )
    acceptance, created = GuidelinesAcceptance.objects.get_or_create(user=user, guidelines=current)
    if created:
        record(
            actor=user,
            action="guidelines.accepted",
            target_type="guidelines",
            target_id=current.version,
            data={"after": {"version": current.version}},
        )
    return acceptance


@transaction.atomic
def email_verified_record(*, user: User, email: str) -> None:
    record(
        actor=user,
        action="account.email_verified",
        target_type="user",
        target_id=user.pk,
        data={"after": {"email": email}},
    )


def _sign_in_address_remember(user: User, ip: str | None) -> None:
    """The address becomes one the account is known to sign in from (accounts/auth/bound.py)."""
    network = network_of(ip)
    if network:
        now = timezone.now()
        SignInAddress.objects.update_or_create(
            user=user,
            network=network,
            defaults={"last_seen": now},
            create_defaults={"first_seen": now, "last_seen": now},
        )


@transaction.atomic
def api_token_issue(*, user: User, ip: str | None = None) -> tuple[AuthToken, str]:
    """A portal API token. Only its digest is stored; the token is returned once."""
    instance, token = AuthToken.objects.create(user=user)
    _sign_in_address_remember(user, ip)
    record(
        actor=user,
        action="account.login_succeeded",
        target_type="user",
        target_id=user.pk,
        data={
            "via": "api_token",
            "token_prefix": instance.token_key,
            "expires_at": instance.expiry,
            "ip": ip,
        },
    )
    return instance, token


@transaction.atomic
def login_succeeded_record(*, user: User, via: str, ip: str | None = None) -> None:
    _sign_in_address_remember(user, ip)
    record(
        actor=user,
        action="account.login_succeeded",
        target_type="user",
        target_id=user.pk,
        data={"via": via, "ip": ip},
    )


def login_failed_record(*, email: str, ip: str | None) -> None:
    """No user id: an unknown address must not be told apart from a known one here either."""
    record(
        actor=None,
        actor_label=normalize_email(email)[:254],
        action="account.login_failed",
        target_type="login",
        target_id=normalize_email(email)[:64],
        data={"ip": ip},
    )


def lockout_record(*, email: str, ip: str | None) -> None:
    record(
        actor=None,
        actor_label=normalize_email(email)[:254],
        action="account.locked_out",
        target_type="login",
        target_id=normalize_email(email)[:64],
        data={"ip": ip},
    )
