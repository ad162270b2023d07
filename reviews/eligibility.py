"""Who may review what: one place for separation of duties. `refusal` says why one
application is refused (claims and decisions); `allowed` and `reviewable` say the same of
every row at once, in SQL, for the queue (tests/reviews/test_queue.py holds them equal)."""

import json

from django.db import NotSupportedError
from django.db.models import Exists, JSONField, Lookup, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull

from accounts.models import Membership, Role
from approvals.models import Application
from approvals.routing import EXTRA_SCRUTINY, POLICY_ESCALATION, ROUTE_NAMES

from .models import Decision

OWN_ORGANIZATION = "own_organization"
OPTED_OUT = "opted_out"
ADMINS_ONLY = "admins_only"
SPECIALIST_REQUIRED = "specialist_required"
NOT_A_REVIEWER = "not_a_reviewer"

REASONS = {
    NOT_A_REVIEWER: "Only reviewers and administrators review applications.",
    OWN_ORGANIZATION: "You may not review your own organization's application.",
    OPTED_OUT: "You opted out of a domain this application touches.",
    ADMINS_ONLY: "An escalated application is decided by an administrator.",
    SPECIALIST_REQUIRED: "The remaining approval must come from a specialist in a matched domain.",
}


def is_specialist_for(user, application: Application) -> bool:
    return bool(set(user.specialties) & set(application.specialist_domains))


def refusal(
    user, application: Application, *, member_org_ids: set[int] | None = None
) -> str | None:
    """Why `user` may not review `application` at all, or None. `member_org_ids` saves a
    query per item when a whole queue is checked."""
    if not user.has_role(Role.REVIEWER, Role.ADMIN):
        return NOT_A_REVIEWER
    if member_org_ids is None:
        member_org_ids = set(user.memberships.values_list("organization_id", flat=True))
    if application.organization_id in member_org_ids:
        return OWN_ORGANIZATION
    if set(user.opt_outs) & set(application.flagged_domains):
        return OPTED_OUT
    if application.route_name == POLICY_ESCALATION and user.role != Role.ADMIN:
        return ADMINS_ONLY
    return None


def approval_refusal(user, application: Application, approvals: list) -> str | None:
    """Why `user` may not add an approval now: on extra scrutiny, the last approval needed
    must come from a specialist when none has approved yet."""
    if application.route_name != EXTRA_SCRUTINY:
        return None
    remaining = application.required_approvals - len(approvals)
    if (
        remaining <= 1
        and not any(d.as_specialist for d in approvals)
        and not is_specialist_for(user, application)
    ):
        return SPECIALIST_REQUIRED
    return None


def needs_specialist(application: Application, approvals: list) -> bool:
    return application.route_name == EXTRA_SCRUTINY and not any(d.as_specialist for d in approvals)


# The same rules over every row, in SQL.


@JSONField.register_lookup
class Overlaps(Lookup):
    """`field__overlaps=["a", "b"]`: the JSON array shares an element with the list (of
    strings, or of numbers). PostgreSQL: jsonb `?|` for strings, `@> ANY` for numbers (a GIN
    index could serve either); SQLite: json_each."""

    lookup_name = "overlaps"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [list(value)])

    def as_sql(self, compiler, connection):
        raise NotSupportedError("overlaps is written for PostgreSQL and SQLite")

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if all(isinstance(v, str) for v in self.rhs):
            return f"({lhs} ?| %s::text[])", [*lhs_params, list(self.rhs)]
        arrays = [json.dumps([v]) for v in self.rhs]  # numbers: containment of each
        return f"({lhs} @> ANY(%s::jsonb[]))", [*lhs_params, arrays]

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "0", []
        marks = ", ".join(["%s"] * len(self.rhs))
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) AS item WHERE item.value IN ({marks}))"  # noqa: S608 (a column and placeholders)
        return sql, [*lhs_params, *self.rhs]


def allowed(user, prefix: str = "") -> Q:
    """refusal(user, application) is None, as a condition on the application at `prefix`
    ("" for Application rows, "grant__application__" for a grant's)."""
    if not user.has_role(Role.REVIEWER, Role.ADMIN):
        return Q(pk__in=[])
    own = Membership.objects.filter(user=user).values("organization_id")
    condition = ~Q(**{f"{prefix}organization__in": own})
    if user.opt_outs:
        condition &= ~Q(**{f"{prefix}flagged_domains__overlaps": user.opt_outs})
    if user.role != Role.ADMIN:
        condition &= ~Q(**{f"{prefix}route_name": POLICY_ESCALATION})
    return condition


def routes_for(user) -> tuple[str, ...]:
    """The routes whose applications `user` may decide at all (escalations: admins only)."""
    if user.role == Role.ADMIN:
        return ROUTE_NAMES
    return tuple(name for name in ROUTE_NAMES if name != POLICY_ESCALATION)


def reviewable(user) -> QuerySet:
    """Applications in review `user` may decide and has not decided on their current
    revision: what the queue lists and claim_next takes from."""
    return Application.objects.filter(
        allowed(user), ~Q(decided_by__overlaps=[user.pk]), status=Application.Status.IN_REVIEW
    )


def _specialist_approvals():
    return Decision.objects.filter(
        revision=OuterRef("current_revision"), decision=Decision.Kind.APPROVE, as_specialist=True
    ).order_by()


def for_specialty(user) -> Q:
    """needs_specialist and is_specialist_for, in SQL: the items a specialist sees first."""
    if not user.specialties:
        return Q(pk__in=[])
    return Q(
        ~Exists(_specialist_approvals()),
        route_name=EXTRA_SCRUTINY,
        specialist_domains__overlaps=user.specialties,
    )


def not_for_specialty(user) -> Q:
    """The negation of for_specialty. The approval is a scalar subquery here, not EXISTS:
    under OR, PostgreSQL would hash an EXISTS over every specialist approval ever made, where
    this is one index probe per row read."""
    if not user.specialties:
        return Q()
    approval = Subquery(_specialist_approvals().values("pk")[:1])
    return (
        ~Q(route_name=EXTRA_SCRUTINY)
        | ~Q(specialist_domains__overlaps=user.specialties)
        | Q(IsNull(approval, False))
    )
