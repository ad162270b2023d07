"""Where an event's target has a page: the audit log links targets through
/audit/targets/<type>/<id>/, which looks the target up once and redirects there.

Audit is the leaf app: it names the other apps' models and URL names as strings
(apps.get_model, reverse), never imports them. A target with no page gets no link."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse


def _model(label: str):
    return apps.get_model(label)


def _review_of(application_id) -> str:
    return reverse("reviews:review", args=[application_id])


def _application(target_id):
    return _review_of(int(target_id))


def _grant(target_id):
    grant = _model("approvals.Grant").objects.filter(pk=int(target_id)).only("application").first()
    return _review_of(grant.application_id) if grant else None


def _key(target_id):
    key = (
        _model("approvals.ProductionKey")
        .objects.filter(pk=int(target_id))
        .select_related("grant")
        .only("grant__application")
        .first()
    )
    return _review_of(key.grant.application_id) if key else None


def _anomaly(target_id):
    flag = _model("reviews.AnomalyFlag").objects.filter(pk=int(target_id)).first()
    return _grant(flag.grant_id) if flag else None


RESOLVERS = {
    "application": _application,
    "grant": _grant,
    "key": _key,
    "anomaly_flag": _anomaly,
    "grant_review": lambda target_id: reverse("reviews:item", args=[int(target_id)]),
    "campaign": lambda target_id: reverse("reviews:campaign", args=[int(target_id)]),
    "campaign_schedule": lambda target_id: reverse("reviews:campaigns"),
    "policy": lambda target_id: reverse("policy:versions"),
    "classifier": lambda target_id: reverse("policy:classifiers"),
    "guidelines": lambda target_id: reverse("portal:guidelines"),
    "user": lambda target_id: reverse("admin:accounts_user_change", args=[int(target_id)]),
}
LINKED_TYPES = frozenset(RESOLVERS)


def target_url(target_type: str, target_id: str) -> str | None:
    """The page of this target, or None when it has none (or no longer exists)."""
    resolver = RESOLVERS.get(target_type)
    if resolver is None:
        return None
    try:
        return resolver(target_id)
    except (ValueError, TypeError, NoReverseMatch):
        return None
