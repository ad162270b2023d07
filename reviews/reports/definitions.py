"""What each figure of the transparency report means, as the page and the exports print it
beside the figures."""

DEFINITIONS = {
    "applications": (
        "Applications received in the period: those whose first version was submitted in it, "
        "each counted in the month it was received and by its outcome today. Rejected by policy: "
        "the applicant declared a prohibited domain and the screening rejected it without review. "
        "Escalated: the screening found text suggesting a prohibited use and sent the "
        "application to administrators (a policy escalation); it is counted under its outcome "
        "as well. Still open: submitted, in review, or waiting for the applicant's changes."
    ),
    "domains": (
        "An application counts under every policy domain it was flagged for: the domains the "
        "applicant declared and those the screening detected in its latest version. So one "
        "application can count in several domains; “(none)” is an application flagged for no "
        "domain."
    ),
    "time_to_decision": (
        "From the submission of an application's first version to its final outcome: the "
        "screening that rejected it by policy, or the reviewer decision that approved it (the "
        "last approval required) or rejected it. Time the applicant took to make requested "
        "changes is included. Applications received in the period and decided by now; by the "
        "route the screening gave the version that was decided. The median: half took longer."
    ),
    "sla": (
        "Each route has a deadline for the reviewers' answer (the SLA, set when an "
        "application enters review, reset by a resubmission or a cleared escalation). "
        "Decided late: the last reviewer decision (approval, rejection or a request for "
        "changes) came after the deadline of the application's latest round. Open late: still "
        "in review past it. Notified: administrators were sent a breach notice about it (one "
        "per version)."
    ),
    "escalations": (
        "Automated escalations: applications that the screening sent to a policy escalation, "
        "or to extra scrutiny although the applicant declared no domain, because it detected "
        "a domain in their text. Confirmed: a person rejected that version or asked for "
        "changes to it. Approved as asked: approved with no person objecting to it. "
        "Undecided: still in review, or withdrawn. Confirmation rate: confirmed out of "
        "confirmed and approved as asked."
    ),
    "suspensions": (
        "Grants suspended in each month: by an access-review campaign (its item was not "
        "reviewed by the due date) or by usage monitoring (an anomaly severe enough to suspend "
        "the grant). Distinct grants per month and cause."
    ),
    "suppression": (
        "Counts below {floor} (other than 0) are shown as “<{floor}” and left blank in the "
        "downloads, as are medians based on fewer than {floor} applications and rates whose "
        "parts are suppressed: a small count could identify an applicant. Totals are "
        "published as they are, so a suppressed count may sometimes be worked out from the "
        "others."
    ),
}


def definitions(floor: int) -> dict[str, str]:
    texts = dict(DEFINITIONS)
    if floor > 1:
        texts["suppression"] = texts["suppression"].format(floor=floor)
    else:
        texts["suppression"] = "No count is suppressed (TRANSPARENCY_MIN_CELL is 0 or 1)."
    return texts
