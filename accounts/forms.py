from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from . import services
from .errors import InvalidInput


def _new_account_email(value: str) -> str:
    """accounts.services' rules for an address a new account (or a new address) takes."""
    try:
        return services.email_for_new_account(value) if value else value
    except (InvalidInput, services.LooksLikeAnother) as exc:
        raise forms.ValidationError(exc.detail, code=exc.code) from exc


class SignupForm(AllauthSignupForm):
    organization = forms.CharField(
        label="Organization",
        max_length=120,
        help_text="The company or team that will use the API. A new organization is created.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    field_order = ["email", "organization", "password1"]

    def clean_email(self):
        email = super().clean_email()
        try:
            return services.email_for_new_account(email) if email else email
        except InvalidInput as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc
        except services.LooksLikeAnother:
            # Answered as a taken address: "verification sent", and the mailbox asked for is
            # told why (AccountAdapter.send_account_already_exists_mail).
            self.account_already_exists = True
            return email

    def save(self, request):
        if self.account_already_exists:
            raise ValueError(self.cleaned_data.get("email"))
        return services.developer_signup(
            email=self.cleaned_data["email"],
            password=self.cleaned_data["password1"],
            organization_name=self.cleaned_data["organization"],
        )


class AddEmailForm(AllauthAddEmailForm):
    def clean_email(self):
        return _new_account_email(super().clean_email())
