"""Who may see and do what, persona by persona."""

import pytest
from django.core.management import CommandError, call_command
from guardian.shortcuts import get_perms

from accounts import services
from accounts.access import organizations_visible_to
from accounts.models import Organization, User
from accounts.readiness import missing_steps
from approvals import lifecycle
from audit.models import AuditEvent
from reviews import eligibility
from tests.approvals.test_applications_api import BENIGN

pytestmark = pytest.mark.django_db


def org_of(user):
    return user.memberships.get().organization


@pytest.mark.parametrize(
    "persona, status",
    [
        ("dev_a", 200),
        ("dev_b", 404),
        ("reviewer", 404),
        ("gateway", 404),
        ("admin", 200),
    ],
)
def test_organization_is_visible_to_its_members_and_admins_only(
    request, api, dev_a, persona, status
):
    user = request.getfixturevalue(persona)
    response = api(user).get(f"/api/v1/organizations/{org_of(dev_a).pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["name"] == "Org A"


def test_anonymous_callers_are_asked_to_authenticate(api, dev_a):
    assert api().get(f"/api/v1/organizations/{org_of(dev_a).pk}/").status_code == 401
    assert api().get("/api/v1/me/").status_code == 401
    assert api().get("/api/v1/audit-events/").status_code == 401


def test_an_unknown_organization_is_a_404_like_someone_elses(api, dev_a):
    assert api(dev_a).get("/api/v1/organizations/999999/").status_code == 404


@pytest.mark.parametrize(
    "persona, status",
    [
        ("dev_a", 403),
        ("dev_b", 403),
        ("reviewer", 403),
        ("gateway", 403),
        ("admin", 200),
    ],
)
def test_only_administrators_read_the_audit_log(request, api, persona, status):
    user = request.getfixturevalue(persona)
    assert api(user).get("/api/v1/audit-events/").status_code == status
    assert api(user).get("/api/v1/audit-events/verify/").status_code == status


@pytest.mark.parametrize(
    "persona, status",
    [
        ("dev_a", 403),
        ("reviewer", 403),
        ("gateway", 403),
        ("admin", 200),
    ],
)
def test_only_administrators_open_the_audit_page(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/audit/").status_code == status


@pytest.mark.parametrize(
    "persona, status",
    [
        ("dev_a", 403),
        ("gateway", 403),
        ("reviewer", 200),
        ("admin", 200),
    ],
)
def test_review_queue_page_is_for_reviewers(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/reviews/").status_code == status


def test_membership_is_an_object_permission_that_goes_with_the_organization(dev_a, dev_b):
    org_a = org_of(dev_a)
    assert get_perms(dev_a, org_a) == ["view_organization"]
    assert get_perms(dev_b, org_a) == []
    assert list(organizations_visible_to(dev_a)) == [org_a]
    org_a.delete()
    assert list(organizations_visible_to(dev_a)) == []


def test_me_describes_each_persona(api, dev_a, reviewer, gateway):
    assert api(dev_a).get("/api/v1/me/").json()["organizations"][0]["name"] == "Org A"
    me = api(reviewer).get("/api/v1/me/").json()
    assert me["role"] == "reviewer" and me["specialties"] == ["medical-health"]
    assert api(gateway).get("/api/v1/me/").json()["role"] == "gateway"


def test_role_change_is_audited_and_makes_admins_staff(dev_a, admin):
    services.role_set(actor=admin, user=dev_a, role="admin")
    dev_a.refresh_from_db()
    assert dev_a.is_staff
    event = AuditEvent.objects.get(action="account.role_changed")
    assert event.actor == admin and event.data == {
        "before": {"role": "developer"},
        "after": {"role": "admin"},
    }
    services.role_set(actor=admin, user=dev_a, role="reviewer")
    dev_a.refresh_from_db()
    assert not dev_a.is_staff


def test_specialty_change_is_audited_with_before_and_after(reviewer, admin):
    services.specialties_set(actor=admin, user=reviewer, specialties=["legal", "medical-health"])
    event = AuditEvent.objects.get(action="reviewer.specialties_changed")
    assert event.data == {
        "before": {"specialties": ["medical-health"]},
        "after": {"specialties": ["legal", "medical-health"]},
    }


def test_create_user_command_makes_a_ready_developer(capsys):
    call_command(
        "create_user",
        "--email",
        "Dev@Example.com",
        "--password",
        "pw-long-enough-1",
        "--role",
        "developer",
        "--organization",
        "Acme",
    )
    user = User.objects.get(email="dev@example.com")
    assert user.check_password("pw-long-enough-1") and user.is_active
    assert missing_steps(user) == []
    assert user.memberships.get().organization.name == "Acme"
    assert AuditEvent.objects.filter(action="account.created", target_id=str(user.pk)).exists()


def test_create_user_command_joins_the_organization_of_that_name(dev_a):
    """Issue 12.7: it made a second "Org A", so the conflict-of-interest rule never applied."""
    organization = dev_a.memberships.get().organization
    application = lifecycle.application_create(
        actor=dev_a, organization=organization, content=BENIGN
    )
    for email in ("r1@example.com", "r2@example.com"):
        call_command(
            "create_user", "--email", email, "--password", "pw-long-enough-1",
            "--role", "reviewer", "--organization", " Org A ",
        )  # fmt: skip
    reviewers = User.objects.filter(email__in=["r1@example.com", "r2@example.com"])
    assert {r.memberships.get().organization_id for r in reviewers} == {organization.pk}
    assert Organization.objects.filter(name="Org A").count() == 1
    assert eligibility.refusal(reviewers[0], application) == eligibility.OWN_ORGANIZATION


def test_create_user_command_gives_reviewers_specialties():
    call_command(
        "create_user",
        "--email",
        "r@example.com",
        "--password",
        "pw-long-enough-1",
        "--role",
        "reviewer",
        "--specialties",
        "medical-health,legal",
    )
    assert User.objects.get(email="r@example.com").specialties == ["legal", "medical-health"]


@pytest.mark.parametrize(
    "args",
    [
        ["--role", "wizard"],
        ["--role", "reviewer", "--specialties", "Not A Slug"],
    ],
)
def test_create_user_command_refuses_bad_input(args):
    with pytest.raises((CommandError, SystemExit)):
        call_command("create_user", "--email", "x@example.com", "--password", "p", *args)
    assert not User.objects.filter(email="x@example.com").exists()


def test_create_user_command_refuses_a_taken_address(dev_a):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", "--email", dev_a.email, "--password", "p", "--role", "admin")
