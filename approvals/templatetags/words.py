"""Human words for internal codes, in one place: `{% load words %}`.

{{ application.status|label }}        "changes_requested" -> "Changes requested"
{{ slug|domain_name }}                "medical-health" -> "Medical and health" (policy in force)
{{ slugs|domain_names }}              a list of slugs -> "Medical and health, Legal"
{{ field|field_label }}               "expected_requests_per_minute" -> "Requests per minute"
{{ 10000000|number }}                 "10,000,000"
"""

import re

from celery.signals import task_prerun
from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_save

from accounts.models import Role
from approvals.models import Application, Audience, DomainKind, Grant, PolicyVersion
from approvals.routing import ROUTE_NAMES

register = template.Library()

ROUTE_LABELS = {
    "standard": "Standard",
    "extra_scrutiny": "Extra scrutiny",
    "policy_escalation": "Policy escalation",
}
assert set(ROUTE_LABELS) == set(ROUTE_NAMES)

# The application fields as the forms and error summaries name them.
FIELD_LABELS = {
    "title": "Title",
    "description": "Description of the use case",
    "domains": "Sensitive domains",
    "audience": "Who uses it",
    "models": "Models",
    "endpoints": "Endpoints",
    "expected_requests_per_minute": "Requests per minute",
    "expected_monthly_tokens": "Tokens per month",
    "mitigations": "Mitigations",
    "requests_per_minute": "Requests per minute",
    "tokens_per_minute": "Tokens per minute",
    "monthly_tokens": "Tokens per month",
    "non_field_errors": "The application",
}

LABELS: dict[str, str] = {}
for _choices in (Role, Audience, DomainKind, Grant.Status, Application.Status):
    LABELS.update(dict(_choices.choices))
LABELS.update(ROUTE_LABELS)


def humanized(code: str) -> str:
    """A code nobody mapped still reads as words: "out_of_scope" -> "Out of scope"."""
    text = str(code).replace("_", " ").replace("-", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def label(code) -> str:
    if code in (None, ""):
        return ""
    return LABELS.get(code) or humanized(code)


SNAKE_CODE = re.compile(r"[a-z]+(?:_[a-z]+)+")


@register.filter
def code_word(value):
    """A value that may be a code, in words; anything else as it is (free text, numbers):
    "extra_scrutiny" -> "Extra scrutiny", "medical-health" -> "Medical and health"."""
    if not isinstance(value, str):
        return value
    if value in LABELS:
        return LABELS[value]
    if value in domain_names_in_force():
        return domain_names_in_force()[value]
    return humanized(value) if SNAKE_CODE.fullmatch(value) else value


@register.filter
def field_label(field) -> str:
    return FIELD_LABELS.get(field) or humanized(field)


# Slug -> name from the published policy in force, looked up once per request or Celery
# task (a worker publishes no policy itself), and again once a policy is saved here.
_names: dict[str, str] | None = None


def _forget(**kwargs):
    global _names
    _names = None


request_started.connect(_forget, dispatch_uid="words-forget-start")
request_finished.connect(_forget, dispatch_uid="words-forget-finish")
post_save.connect(_forget, sender=PolicyVersion, dispatch_uid="words-forget-policy")
task_prerun.connect(_forget, dispatch_uid="words-forget-task")  # mails rendered by a worker


def domain_names_in_force() -> dict[str, str]:
    global _names
    if _names is None:
        policy = (
            PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        _names = dict(policy.domains.values_list("slug", "name")) if policy else {}
    return _names


@register.filter
def domain_name(slug) -> str:
    if not slug:
        return ""
    return domain_names_in_force().get(slug) or humanized(slug)


@register.filter
def domain_names(slugs) -> str:
    return ", ".join(domain_name(s) for s in slugs or ())


@register.filter
def number(value) -> str:
    """One format for every count: 10,000,000 (a dash for nothing)."""
    if value in (None, ""):
        return "—"
    try:
        return intcomma(int(value)) if float(value).is_integer() else intcomma(value)
    except (TypeError, ValueError):
        return str(value)
