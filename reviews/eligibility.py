"""Who may review what: one place for separation of duties."""

from accounts.models import Role
from approvals.models import Application
from approvals.routing import EXTRA_SCRUTINY, POLICY_ESCALATION

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
