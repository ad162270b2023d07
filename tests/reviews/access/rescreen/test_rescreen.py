import pytest

from accounts.errors import Conflict
from approvals import grants
from approvals.models import Domain, Grant
from approvals.policy import versions as policy
from audit.models import AuditEvent
from reviews.access import policy_changes, tasks
from reviews.models import GrantReview, PolicyRescreen
from tests.approvals.policy.conftest import (
    LOOSER,
    REMINDER_CUE,
    SAME_PHRASE,
    STRICTER,
    UNRELATED,
    add_rule,
)
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db


def policy_items():
    return GrantReview.objects.filter(kind=GrantReview.Kind.POLICY)


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_publishing_opens_one_policy_rereview_for_each_grant_now_screened_stricter(
    approved, admin, loyalty_draft, django_capture_on_commit_callbacks
):
    stricter = approved(**STRICTER)
    others = [approved(**LOOSER), approved(**SAME_PHRASE), approved(**UNRELATED)]
    suspended = approved(**{**STRICTER, "title": "Loyalty desk, paused"})
    grants.grant_status_set(actor=admin, grant=suspended, status="suspended", reason="test")

    with django_capture_on_commit_callbacks(execute=True):
        policy_changes.policy_publish(actor=admin, policy_version=loyalty_draft)

    item = policy_items().get()
    assert item.grant == stricter and item.policy_number == 2 and item.is_open
    assert item.reason == (
        "Policy v2 screens this use case stricter: now extra_scrutiny, "
        "matching finance-credit (was standard)."
    )
    assert item.details["before"] == {"route": "standard", "domains": []}
    assert item.details["after"] == {"route": "extra_scrutiny", "domains": ["finance-credit"]}
    assert item.details["previous"] == item.details["before"]  # v1, recomputed
    assert item.details["new_domains"] == ["finance-credit"]
    assert [(m["field"], m["text"]) for m in item.details["evidence"]] == [
        ("description", "loyalty points")
    ]
    assert events("grant_review.opened").count() == 1
    run = events("policy.grants_rescreened").get()
    assert run.target_id == "2" and run.data["baseline"] == 1
    assert {k: run.data[k] for k in ("checked", "stricter", "opened")} == {
        "checked": 4,
        "stricter": 1,
        "opened": 1,
    }
    assert all(not g.reviews.exists() for g in others + [suspended])


def test_running_the_sweep_again_adds_nothing(
    approved, admin, loyalty_draft, django_capture_on_commit_callbacks
):
    approved(**STRICTER)
    with django_capture_on_commit_callbacks(execute=True):
        policy_changes.policy_publish(actor=admin, policy_version=loyalty_draft)
    tasks.rescreen_grants()
    tasks.rescreen_grants()
    assert policy_items().count() == 1
    assert len(policy_items().get().details["findings"]) == 1
    assert events("policy.grants_rescreened").count() == 1
    assert events("grant_review.opened").count() == 1


def test_a_publication_on_the_admin_site_is_caught_by_the_sweep(
    client, approved, admin, loyalty_draft
):
    grant = approved(**STRICTER)
    client.force_login(admin)
    client.post(
        "/admin/approvals/policyversion/",
        {"action": "publish", "_selected_action": [loyalty_draft.pk]},
    )
    assert policy.current_policy() == loyalty_draft and not policy_items().exists()
    assert tasks.rescreen_grants()["opened"] == 1
    assert policy_items().get().grant == grant
    assert tasks.rescreen_grants()["opened"] == 1  # the same run, reported again
    assert policy_items().count() == 1


def test_versions_published_between_two_runs_are_covered_by_the_later_one(
    approved, admin, loyalty_draft, django_capture_on_commit_callbacks
):
    grant = approved(**STRICTER)
    tasks.rescreen_grants()  # v1 done: nothing to compare with but the approvals
    policy.policy_publish(actor=admin, policy=loyalty_draft)  # v2, without a re-screen
    v3 = policy.policy_draft_create(actor=admin)
    Domain.objects.filter(policy=v3, slug="spam").update(description="Reworded")
    with django_capture_on_commit_callbacks(execute=True):
        policy_changes.policy_publish(actor=admin, policy_version=v3)

    item = policy_items().get()
    assert (item.grant, item.policy_number) == (grant, 3)
    assert item.details["baseline_policy"] == 1
    runs = {r.policy.number: r for r in PolicyRescreen.objects.select_related("policy")}
    assert (runs[2].superseded_by, runs[3].baseline_number) == (3, 1)
    assert runs[2].is_done and runs[2].counts == {}
    policy_changes.grants_rescreen(policy_version=loyalty_draft)
    assert policy_items().count() == 1


def test_a_change_already_rereviewed_is_not_asked_again_by_the_next_version(
    approved, admin, loyalty_draft, django_capture_on_commit_callbacks
):
    approved(**STRICTER)
    with django_capture_on_commit_callbacks(execute=True):
        policy_changes.policy_publish(actor=admin, policy_version=loyalty_draft)
    v3 = policy.policy_draft_create(actor=admin)  # keeps the loyalty trigger
    with django_capture_on_commit_callbacks(execute=True):
        policy_changes.policy_publish(actor=admin, policy_version=v3)
    assert list(policy_items().values_list("policy_number", flat=True)) == [2]
    assert PolicyRescreen.objects.get(policy=v3).counts["stricter"] == 0


def test_what_reviewers_weighed_at_approval_is_not_asked_again(
    approved, admin, django_capture_on_commit_callbacks
):
    """Approved as extra scrutiny (medical-health); v2 adds a cue that clears it, v3 takes
    the cue out again: stricter than v2, but not than the approval, so no re-review."""
    approved(**LOOSER)
    v2 = policy.policy_draft_create(actor=admin)
    add_rule(v2, "medical-health", "cues", REMINDER_CUE)
    with django_capture_on_commit_callbacks(execute=True):
        policy_changes.policy_publish(actor=admin, policy_version=v2)
    v3 = policy.policy_draft_create(actor=admin)
    domain = Domain.objects.get(policy=v3, slug="medical-health")
    domain.rules = {**domain.rules, "cues": domain.rules["cues"][:-1]}
    domain.save()
    with django_capture_on_commit_callbacks(execute=True):
        policy_changes.policy_publish(actor=admin, policy_version=v3)
    assert not policy_items().exists()


def test_a_grant_with_an_open_policy_rereview_gains_the_new_finding(
    approved, admin, loyalty_draft, django_capture_on_commit_callbacks
):
    from reviews.access.grant_reviews import rereview_open

    grant = approved(**STRICTER)
    earlier, _ = rereview_open(grant=grant, kind="policy", reason="Earlier", policy_number=9)
    with django_capture_on_commit_callbacks(execute=True):
        policy_changes.policy_publish(actor=admin, policy_version=loyalty_draft)
    earlier.refresh_from_db()
    assert policy_items().count() == 1
    assert [f["reason"][:9] for f in earlier.details["findings"]] == ["Earlier", "Policy v2"]
    assert PolicyRescreen.objects.get(policy=loyalty_draft).counts["added_to_open"] == 1


def test_a_draft_does_not_rescreen_grants(loyalty_draft):
    with pytest.raises(Conflict):
        policy_changes.grants_rescreen(policy_version=loyalty_draft)
    assert not PolicyRescreen.objects.exists()


def test_a_stale_simulation_does_not_publish(admin, loyalty_draft):
    from approvals.policy import simulation

    seen = simulation.policy_simulate(draft=loyalty_draft).fingerprint
    add_rule(loyalty_draft, "spam", "triggers", {"any": ["bulk texts"], "weight": 3})
    with pytest.raises(Conflict) as raised:
        policy_changes.policy_publish(actor=admin, policy_version=loyalty_draft, fingerprint=seen)
    assert raised.value.code == "simulation_stale"
    assert policy.current_policy().number == 1
    fresh = simulation.policy_simulate(draft=loyalty_draft).fingerprint
    policy_changes.policy_publish(actor=admin, policy_version=loyalty_draft, fingerprint=fresh)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_rescreen_once(default_policy, approved, admin, loyalty_draft):
    approved(**STRICTER)
    policy.policy_publish(actor=admin, policy=loyalty_draft)
    results = at_once(tasks.rescreen_grants, tasks.rescreen_grants)
    assert [r["opened"] for r in results] == [1, 1]
    assert policy_items().count() == 1
    assert events("policy.grants_rescreened").count() == 1
    assert Grant.objects.count() == 1
