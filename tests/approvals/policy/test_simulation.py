import pytest

from accounts.errors import Conflict, InvalidInput
from approvals import lifecycle
from approvals.models import Domain
from approvals.policy import simulation
from approvals.policy import versions as policy
from approvals.policy.simulation import Verdict, direction

from .conftest import LOOSER, SAME_PHRASE, STRICTER, UNRELATED

pytestmark = pytest.mark.django_db


def v(route, *domains):
    return Verdict(route, frozenset(domains))


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (v("standard"), v("extra_scrutiny", "legal"), "stricter"),
        (v("extra_scrutiny", "legal"), v("policy_escalation", "legal", "spam"), "stricter"),
        (v("policy_escalation", "spam"), v("auto_reject", "spam"), "stricter"),
        (v("extra_scrutiny", "legal"), v("extra_scrutiny", "legal", "medical-health"), "stricter"),
        # a new domain outweighs a dropped one at the same route: one more specialty to satisfy
        (v("extra_scrutiny", "legal"), v("extra_scrutiny", "medical-health"), "stricter"),
        (v("policy_escalation", "spam"), v("policy_escalation", "spam", "legal"), "stricter"),
        (v("extra_scrutiny", "legal"), v("standard"), "looser"),
        (v("auto_reject", "spam"), v("extra_scrutiny", "legal"), "looser"),
        (v("extra_scrutiny", "legal", "medical-health"), v("extra_scrutiny", "legal"), "looser"),
        (v("standard"), v("standard"), "unchanged"),
        (v("extra_scrutiny", "legal"), v("extra_scrutiny", "legal"), "unchanged"),
    ],
)
def test_stricter_is_a_later_route_or_a_new_domain_at_the_same_route(before, after, expected):
    assert direction(before, after) == expected


def test_route_order_is_standard_scrutiny_escalation_reject():
    assert simulation.ROUTE_ORDER == (
        "standard",
        "extra_scrutiny",
        "policy_escalation",
        "auto_reject",
    )


def test_simulation_reports_exactly_the_applications_whose_route_changes(
    submitted, approved, loyalty_draft
):
    stricter = approved(**STRICTER).application
    looser = submitted(**LOOSER)
    same_phrase = submitted(**SAME_PHRASE)
    unrelated = approved(**UNRELATED).application
    assert (
        stricter.route_name,
        looser.route_name,
        same_phrase.route_name,
        unrelated.route_name,
    ) == ("standard", "extra_scrutiny", "extra_scrutiny", "standard")

    result = simulation.policy_simulate(draft=loyalty_draft)

    by_app = {change.application_id: change for change in result.changes}
    assert set(by_app) == {stricter.pk, looser.pk}
    up, down = by_app[stricter.pk], by_app[looser.pk]
    assert (up.before.route, up.after.route, up.direction) == (
        "standard",
        "extra_scrutiny",
        "stricter",
    )
    assert up.new_domains == ["finance-credit"] and up.dropped_domains == []
    assert up.grant_active and up.grant_status == "active"
    assert [m.text for m in up.evidence] == ["loyalty points"]
    assert (down.before.route, down.after.route, down.direction) == (
        "extra_scrutiny",
        "standard",
        "looser",
    )
    assert down.dropped_domains == ["medical-health"] and not down.grant_active
    assert [c.application_id for c in result.changes] == [stricter.pk, looser.pk]
    summary = result.summary()
    assert summary["screened"] == 4 and summary["changed"] == 2
    assert (summary["stricter"], summary["looser"]) == (1, 1)
    assert (summary["active_grants"], summary["active_grants_stricter"]) == (1, 1)
    assert summary["routes"] == {"extra_scrutiny->standard": 1, "standard->extra_scrutiny": 1}
    assert summary["newly_matched"] == {"finance-credit": 1}
    assert summary["no_longer_matched"] == {"medical-health": 1}
    assert (summary["draft"], summary["current"]) == (2, 1)


def test_simulation_screens_the_latest_revision_only(submitted, loyalty_draft, dev_a):
    application = submitted(**STRICTER)
    lifecycle.application_request_changes(actor=dev_a, application=application, rationale="x")
    lifecycle.application_update(
        actor=dev_a,
        application=application,
        changes={"description": "Answers questions about shipping."},
    )
    lifecycle.application_submit(actor=dev_a, application=application)
    assert application.revisions.count() == 2
    assert simulation.policy_simulate(draft=loyalty_draft).changes == []


def test_only_a_draft_is_simulated():
    with pytest.raises(Conflict) as raised:
        simulation.policy_simulate(draft=policy.current_policy())
    assert raised.value.code == "not_a_draft"


def test_a_draft_with_rules_that_do_not_compile_is_refused(loyalty_draft):
    Domain.objects.filter(policy=loyalty_draft, slug="spam").update(rules={"triggers": "oops"})
    with pytest.raises(InvalidInput) as raised:
        simulation.policy_simulate(draft=loyalty_draft)
    assert raised.value.code == "invalid_rules"


def test_a_draft_is_compiled_afresh_each_time(loyalty_draft):
    first = policy.compiled_draft(loyalty_draft)
    Domain.objects.filter(policy=loyalty_draft, slug="finance-credit").update(rules={})
    assert policy.compiled_draft(loyalty_draft) is not first
    assert "finance-credit" not in {
        r.domain for r in policy.compiled_draft(loyalty_draft).index.rules
    }
