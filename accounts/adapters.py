from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from accounts.auth.client import client_ip

from . import services
from .models import Role, normalize_email

# Where each role starts: its own work, not another role's page (issue 13).
HOMES = {
    Role.DEVELOPER: "portal:home",
    Role.REVIEWER: "reviews:queue",
    Role.ADMIN: "overview",
}


def product_site() -> SimpleNamespace:
    """The site mails name: the product (SITE_NAME) at its public address (SITE_URL), not
    the host a request happened to arrive on ("127.0.0.1:8000")."""
    return SimpleNamespace(
        name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc, url=settings.SITE_URL
    )


def home_for(user) -> str:
    """The URL a signed-in account starts from; the front page for a role without pages
    (the gateway, which the pages refuse)."""
    return reverse(HOMES.get(user.role, "home"))


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return home_for(request.user)

    def send_mail(self, template_prefix, email, context_):
        """allauth's mails, with the product as their site whatever the caller put there."""
        ctx = {"request": context.request, "email": email, **context_}
        ctx["current_site"] = product_site()
        self.render_mail(template_prefix, email, ctx).send()

    def clean_email(self, email):
        """Every allauth form (signup, sign-in by code, password reset, adding an address)
        finds an account by the one spelling accounts stores (accounts/auth/emails.py)."""
        return normalize_email(super().clean_email(email))

    def send_account_already_exists_mail(self, email):
        """A signup for a taken address mails its owner; one for an address that only looks
        like another account's (services.LooksLikeAnother) mails the mailbox asked for why it
        cannot be used. The caller is answered the same either way."""
        if services.looks_like_another(normalize_email(email)):
            self.send_mail("account/email/address_looks_alike", email, {"email": email})
        else:
            super().send_account_already_exists_mail(email)

    def confirm_email(self, request, email_address):
        with transaction.atomic():
            confirmed = super().confirm_email(request, email_address)
            if confirmed:
                services.email_verified_record(user=email_address.user, email=email_address.email)
        return confirmed

    def get_client_ip(self, request):
        """allauth's rate limits key on the same client address as lockout and throttles."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
