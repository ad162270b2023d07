"""Which access-review items a reviewer may decide, as one SQL query: the rules of
grant_reviews.refusal (reviews.eligibility's, plus a specialist for an extra-scrutiny grant)
over a queryset of items, so that a work list is a keyset page of the database's rows and not
a Python loop over every open item. tests/reviews/access/campaigns/test_eligible_items.py
checks that this and refusal() agree, case by case.

The JSON-array overlap (an application's flagged or specialist domains against a reviewer's
opt-outs or specialties) is `?|` on PostgreSQL (jsonb, GIN-indexable) and json_each on SQLite,
the embedded default.
"""

from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Role
from approvals.routing import EXTRA_SCRUTINY, POLICY_ESCALATION
from reviews.models import NO_DUE_DATE, GrantReview

DECIDABLE = (GrantReview.Status.OPEN, GrantReview.Status.LAPSED)
# Items without a due date (re-reviews) come after those with one, on every database
# (NO_DUE_DATE; the index grantreview_most_urgent is on the same expression).
ORDER = ("due", "created_at", "pk")  # most urgent first
MINE_ORDER = ("rank", *ORDER)  # a specialist's own items before the others


class JsonArrayOverlap(Func):
    """True when the JSON array in `field` holds one of `values` (strings)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, values):
        super().__init__(F(field))
        self.values = [str(v) for v in values]

    def as_postgresql(self, compiler, connection):
        if not self.values:
            return "FALSE", ()
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} ?| %s::text[])", (*params, self.values)

    def as_sql(self, compiler, connection, **extra):
        if not self.values:
            return "1 = 0", ()
        sql, params = compiler.compile(self.source_expressions[0])
        marks = ", ".join(["%s"] * len(self.values))
        return (
            # The column as compiled and placeholders only: the values are parameters.
            f"EXISTS (SELECT 1 FROM json_each({sql}) WHERE json_each.value IN ({marks}))",  # noqa: S608
            (*params, *self.values),
        )


def with_due(items):
    """`due`: the due date, or NO_DUE_DATE; the lists' first ordering column (never NULL)."""
    if "due" in items.query.annotations:
        return items
    return items.annotate(due=Coalesce("due_at", Value(NO_DUE_DATE), output_field=DateTimeField()))


def _decidable(reviewer, items):
    """(`items` `reviewer` may decide, annotated with `due`; the condition "needs a specialist
    in one of the reviewer's specialties"), or None for someone who decides nothing."""
    if not (reviewer.is_authenticated and reviewer.has_role(Role.REVIEWER, Role.ADMIN)):
        return None, None
    application = "grant__application__"
    mine = JsonArrayOverlap(f"{application}specialist_domains", reviewer.specialties)
    items = (
        items.filter(status__in=DECIDABLE)
        .exclude(
            **{f"{application}organization_id__in": reviewer.memberships.values("organization_id")}
        )
        .exclude(JsonArrayOverlap(f"{application}flagged_domains", reviewer.opt_outs))
    )
    if reviewer.role != Role.ADMIN:
        items = items.exclude(**{f"{application}route_name": POLICY_ESCALATION})
    # An extra-scrutiny grant is re-certified by a specialist of one of its domains.
    items = items.exclude(Q(**{f"{application}route_name": EXTRA_SCRUTINY}) & ~Q(mine))
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
    """decidable() as ranks for accounts.paging.keyset in MINE_ORDER: the specialist's own,
    then the others, each one range of the index grantreview_most_urgent, where ordering by
    the computed rank would sort every open item."""
    chosen, mine = _decidable(reviewer, items)
    if chosen is None:
        return [with_due(items).annotate(rank=Value(r)).none() for r in (0, 1)]
    return [
        chosen.filter(mine).annotate(rank=Value(0, output_field=IntegerField())),
        chosen.exclude(mine).annotate(rank=Value(1, output_field=IntegerField())),
    ]
