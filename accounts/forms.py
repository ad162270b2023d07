from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from . import services


class SignupForm(AllauthSignupForm):
    organization = forms.CharField(
        label="Organization",
        max_length=120,
        help_text="The company or team that will use the API. A new organization is created.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    field_order = ["email", "organization", "password1"]

    def save(self, request):
        if self.account_already_exists:
            raise ValueError(self.cleaned_data.get("email"))
        return services.developer_signup(
            email=self.cleaned_data["email"],
            password=self.cleaned_data["password1"],
            organization_name=self.cleaned_data["organization"],
        )
