"""A bound on failed sign-ins per account that an attacker cannot turn into a lockout.

django-axes locks an (account, client address) pair after AXES_FAILURE_LIMIT failures, so a
guesser elsewhere never locks the real user out; but a guesser with many addresses could go
on guessing one account's password for ever. OWASP ASVS 2.2.1 asks for at most 100 failed
attempts an hour per account. A plain per-account lockout would hand every attacker a way
to lock anyone out, so past the bound the account is closed only to addresses it has never
signed in from (accounts.models.SignInAddress, written by every successful sign-in):

- the failures counted are axes' AccessFailureLog rows of the last hour for that address
  (each one a password that was checked and wrong; attempts refused by a lockout or by this
  bound check no password and are not recorded, AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
  being off), so the bound holds however many addresses the guesser has;
- past SIGNIN_ACCOUNT_FAILURES_PER_HOUR of them, an attempt from an address (an IPv6 /64)
  that signed in to the account in the last SIGNIN_KNOWN_ADDRESS_DAYS still goes on to the
  password check (and to axes' own per-pair lockout); any other is refused as locked out,
  before its password is looked at, until the count falls below the bound;
- an address for which no account exists is counted and refused alike, so the answer tells
  no account apart.

The real user keeps signing in from where they did before; from a new address, during an
attack, they wait for the hour to pass (or sign in from a known one). Concurrent attempts
may pass the count at the same moment, so a burst can exceed the bound by the number of
requests in flight.
"""

from datetime import timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import SignInAddress

from .client import client_network
from .lockout import username_from_request


def over_bound(email: str) -> bool:
    limit = settings.SIGNIN_ACCOUNT_FAILURES_PER_HOUR
    if limit <= 0:
        return False
    since = timezone.now() - timedelta(hours=1)
    recent = AccessFailureLog.objects.filter(username=email, attempt_time__gte=since)
    return recent[:limit].count() >= limit


def known_address(email: str, network: str | None) -> bool:
    since = timezone.now() - timedelta(days=settings.SIGNIN_KNOWN_ADDRESS_DAYS)
    return bool(network) and (
        SignInAddress.objects.filter(
            user__email=email, network=network, last_seen__gte=since
        ).exists()
    )


class AccountBoundBackend:
    """Between axes' backend and the password check: authenticates nobody, refuses an
    attempt past the bound from an address the account does not know. No get_user() (nor
    BaseBackend's): a session is never tied to this backend."""

    def authenticate(self, request, **credentials):
        if request is None:
            return None
        email = username_from_request(request, credentials)
        if email and over_bound(email) and not known_address(email, client_network(request)):
            # Answered as a lockout: AxesMiddleware renders it (429, JSON for the API).
            request.axes_locked_out = True
            request.axes_credentials = credentials
            raise PermissionDenied("Too many failed sign-ins for this account.")
        return None
