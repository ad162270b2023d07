from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.auth.client import client_ip

from . import services


class AccountAdapter(DefaultAccountAdapter):
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
