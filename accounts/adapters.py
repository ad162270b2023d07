from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request, email_address):
        with transaction.atomic():
            confirmed = super().confirm_email(request, email_address)
            if confirmed:
                services.email_verified_record(user=email_address.user, email=email_address.email)
        return confirmed
