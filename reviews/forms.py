"""What the review pages accept. Forms parse and bound the input; the services decide."""

from django import forms

from approvals.grants import LIMIT_NAMES, GrantTerms
from approvals.routing import ROUTE_NAMES

from .models import Decision

ROUTE_LABELS = {
    "standard": "Standard",
    "extra_scrutiny": "Extra scrutiny",
    "policy_escalation": "Policy escalation",
}
CONDITIONS_MAX, CONDITION_MAX = 20, 500  # as the API accepts


def errors_of(form, error, known_fields) -> tuple[dict, list]:
    """A page's errors: by field (the form's, and the service's `extra` for `known_fields`)
    and for the whole form (the form's, or the service's detail when it named no field)."""
    fields = {name: list(texts) for name, texts in (form.errors if form else {}).items()}
    general = fields.pop("__all__", [])
    if error is not None:
        extra = {k: v for k, v in error.extra.items() if k in known_fields}
        for name, texts in extra.items():
            fields.setdefault(name, []).extend(texts if isinstance(texts, list) else [str(texts)])
        if not extra:
            general.append(error.detail)
    return fields, general


class QueueFilterForm(forms.Form):
    route = forms.ChoiceField(
        required=False,
        choices=[("", "Any route")] + [(name, ROUTE_LABELS[name]) for name in ROUTE_NAMES],
    )
    domain = forms.ChoiceField(required=False)
    older_than_hours = forms.IntegerField(required=False, min_value=0, max_value=24 * 366)
    claimed = forms.ChoiceField(
        required=False, choices=[("", "Claimed or not"), ("no", "Unclaimed"), ("yes", "Claimed")]
    )

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", "Any domain")] + [(d.slug, d.name) for d in domains]

    def filters(self) -> dict:
        """The filters that validated (an invalid one is reported and left out)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "route": data.get("route") or None,
            "domain": data.get("domain") or None,
            "older_than_hours": data.get("older_than_hours"),
            "claimed": {"yes": True, "no": False}.get(data.get("claimed") or ""),
        }


class OptOutsForm(forms.Form):
    opt_outs = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opt_outs"].choices = [(d.slug, d.name) for d in domains]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Decision.Kind.choices,
        error_messages={"required": "Choose approve, reject or request changes."},
    )
    rationale = forms.CharField(required=False, max_length=5000)
    conditions = forms.MultipleChoiceField(required=False)
    other_conditions = forms.CharField(required=False)
    clauses = forms.MultipleChoiceField(required=False)
    models = forms.MultipleChoiceField(required=False)
    endpoints = forms.MultipleChoiceField(required=False)
    requests_per_minute = forms.IntegerField(required=False, min_value=0)
    tokens_per_minute = forms.IntegerField(required=False, min_value=0)
    monthly_tokens = forms.IntegerField(required=False, min_value=0)

    def __init__(self, *args, typical_conditions, clause_domains, asked: GrantTerms, **kwargs):
        initial = {"models": asked.models, "endpoints": asked.endpoints, **asked.limits}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["conditions"].choices = [(c, c) for c in typical_conditions]
        self.fields["clauses"].choices = [(d.slug, d.name) for d in clause_domains]
        self.fields["models"].choices = [(m, m) for m in asked.models]
        self.fields["endpoints"].choices = [(e, e) for e in asked.endpoints]

    def clean(self):
        data = super().clean()
        typed = [line.strip() for line in data.get("other_conditions", "").splitlines()]
        conditions = list(data.get("conditions", []))
        conditions += [line for line in typed if line and line not in conditions]
        if len(conditions) > CONDITIONS_MAX:
            self.add_error("other_conditions", f"At most {CONDITIONS_MAX} conditions.")
        elif any(len(c) > CONDITION_MAX for c in conditions):
            self.add_error(
                "other_conditions", f"Each condition has at most {CONDITION_MAX} characters."
            )
        data["all_conditions"] = conditions
        return data

    def decide_arguments(self) -> dict:
        """Keyword arguments for reviews.decisions.decide: clauses only for a rejection,
        the narrowing only for an approval."""
        data, kind = self.cleaned_data, self.cleaned_data["decision"]
        arguments = {
            "decision": kind,
            "rationale": data["rationale"],
            "conditions": data["all_conditions"],
        }
        if kind == Decision.Kind.REJECT:
            arguments["clauses"] = data["clauses"]
        if kind == Decision.Kind.APPROVE:
            arguments.update(
                models=data["models"],
                endpoints=data["endpoints"],
                limits={name: data[name] for name in LIMIT_NAMES},
            )
        return arguments
