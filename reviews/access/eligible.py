"""Which access-review items a reviewer may decide, as one SQL query: the rules of
grant_reviews.refusal (reviews.eligibility.allowed, the queue's, plus a specialist for an
extra-scrutiny grant) over a queryset of items, so that a work list is a keyset page of the
database's rows and not a Python loop over every open item.
tests/reviews/access/campaigns/test_eligible_items.py checks that this and refusal() agree,
case by case, on PostgreSQL and SQLite.
"""

from django.db.models import (
    Case,
    DateTimeField,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Role
from approvals.routing import EXTRA_SCRUTINY
from reviews import eligibility
from reviews.models import NO_DUE_DATE, GrantReview

DECIDABLE = (GrantReview.Status.OPEN, GrantReview.Status.LAPSED)
# Items without a due date (re-reviews) come after those with one, on every database
# (NO_DUE_DATE; the index grantreview_most_urgent is on the same expression).
ORDER = ("due", "created_at", "pk")  # most urgent first
MINE_ORDER = ("rank", *ORDER)  # a specialist's own items before the others


def with_due(items):
    """`due`: the due date, or NO_DUE_DATE; the lists' first ordering column (never NULL)."""
    if "due" in items.query.annotations:
        return items
    return items.annotate(due=Coalesce("due_at", Value(NO_DUE_DATE), output_field=DateTimeField()))


def _decidable(reviewer, items):
    """(`items` `reviewer` may decide, annotated with `due`; the condition "needs a specialist
    in one of the reviewer's specialties"), or (None, None) for someone who decides nothing."""
    if not (reviewer.is_authenticated and reviewer.has_role(Role.REVIEWER, Role.ADMIN)):
        return None, None
    application = "grant__application__"
    mine = (
        Q(**{f"{application}specialist_domains__overlaps": reviewer.specialties})
        if reviewer.specialties
        else Q(pk__in=[])
    )
    items = items.filter(eligibility.allowed(reviewer, prefix=application), status__in=DECIDABLE)
    # An extra-scrutiny grant is re-certified by a specialist of one of its domains.
    items = items.exclude(Q(**{f"{application}route_name": EXTRA_SCRUTINY}) & ~mine)
    return with_due(items), mine


def decidable(reviewer, items):
    """Of `items` (a queryset of GrantReview), those `reviewer` may decide now, annotated
    with `due` and `rank` (0: needs a specialist in one of the reviewer's specialties)."""
    chosen, mine = _decidable(reviewer, items)
    if chosen is None:
        return with_due(items).annotate(rank=Value(1)).none()
    return chosen.annotate(
        rank=Case(When(mine, then=Value(0)), default=Value(1), output_field=IntegerField())
    )


def work_list(reviewer, items) -> list:
    """decidable() as tiers for accounts.paging.keyset_tiers in ORDER: the specialist's own,
    then the others, each one range of the index grantreview_most_urgent, where ordering by
    the computed rank would sort every open item."""
    chosen, mine = _decidable(reviewer, items)
    if chosen is None:
        return [with_due(items).none(), with_due(items).none()]
    return [chosen.filter(mine), chosen.exclude(mine)]
