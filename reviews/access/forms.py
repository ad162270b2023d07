"""What the access-review pages accept: starting, ending and scheduling a campaign, and an
item's decision. Forms parse and bound the input; the services decide."""

from django import forms

from approvals.grants import LIMIT_NAMES


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=120)
    due_at = forms.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="UTC. Open items suspend their grants then.",
    )


class CampaignEndForm(forms.Form):
    open_items = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[
            ("suspend", "Suspend their grants, as the due date would"),
            ("keep", "Close them without a decision; their grants stay as they are"),
        ],
        error_messages={"required": "Choose what happens to the items still open."},
    )


class ScheduleForm(forms.Form):
    name = forms.CharField(max_length=100)
    cadence = forms.ChoiceField(
        choices=[("quarterly", "Quarterly"), ("monthly", "Monthly"), ("yearly", "Yearly")]
    )
    due_days = forms.IntegerField(min_value=1, max_value=90, initial=14, label="Days to decide")


class ItemDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("certify", "Certify"), ("reduce", "Reduce"), ("revoke", "Revoke")],
        error_messages={"required": "Choose certify, reduce or revoke."},
    )
    rationale = forms.CharField(required=False, max_length=5000)
    models = forms.MultipleChoiceField(required=False)
    endpoints = forms.MultipleChoiceField(required=False)
    requests_per_minute = forms.IntegerField(required=False, min_value=1)
    tokens_per_minute = forms.IntegerField(required=False, min_value=1)
    monthly_tokens = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, grant, **kwargs):
        super().__init__(
            *args,
            initial={"models": grant.model_names, "endpoints": grant.endpoints, **grant.limits},
            **kwargs,
        )
        self.fields["models"].choices = [(m, m) for m in grant.model_names]
        self.fields["endpoints"].choices = [(e, e) for e in grant.endpoints]

    def decide_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {"decision": data["decision"], "rationale": data["rationale"]}
        if data["decision"] == "reduce":
            arguments.update(
                models=data["models"] or [],
                endpoints=data["endpoints"] or [],
                limits={name: data[name] for name in LIMIT_NAMES},
            )
        return arguments
