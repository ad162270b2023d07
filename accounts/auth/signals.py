"""Authentication events.

Business state changes are audited by their service functions, never by signals. Sign-in is
the exception on purpose: Django's authenticate() is the one choke point that every login
path (portal pages, admin site, API token) passes through, and these receivers only hand
the event to a service.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts import services

from .client import client_ip


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="accounts.login_succeeded")
def on_logged_in(sender, request, user, **kwargs):
    services.login_succeeded_record(user=user, via="session", ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    email = credentials.get("email") or credentials.get("username") or ""
    services.login_failed_record(email=email, ip=_ip(request))


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    services.lockout_record(email=username or "", ip=ip_address)
