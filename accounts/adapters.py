from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.auth.client import client_ip

from . import services
from .models import normalize_email


class AccountAdapter(DefaultAccountAdapter):
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
