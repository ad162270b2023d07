import pytest

from accounts.models import GuidelinesVersion
from accounts.readiness import ACCEPT_GUIDELINES, missing_steps
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_changes_a_role_and_specialties_through_the_services(client, admin, dev_a):
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{dev_a.pk}/change/",
        {
            "role": "reviewer",
            "specialties": "legal, medical-health",
            "opt_outs": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(dev_a.memberships.get().pk),
            "memberships-0-user": str(dev_a.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dev_a.refresh_from_db()
    assert dev_a.role == "reviewer" and dev_a.specialties == ["legal", "medical-health"]
    actions = set(
        AuditEvent.objects.filter(actor=admin, target_id=str(dev_a.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {"account.role_changed", "reviewer.specialties_changed"}


def test_admin_publishes_guidelines_that_developers_must_accept_again(client, admin, dev_a):
    client.force_login(admin)
    response = client.post("/admin/accounts/guidelinesversion/add/", {"text": "Version two."})
    assert response.status_code == 302
    assert GuidelinesVersion.objects.order_by("-version").first().version == 2
    assert missing_steps(dev_a) == [ACCEPT_GUIDELINES]
    assert AuditEvent.objects.filter(action="guidelines.published", actor=admin).exists()


def test_audit_events_cannot_be_changed_from_the_admin_site(client, admin):
    client.force_login(admin)
    event = AuditEvent.objects.first()
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "x"}).status_code
        == 403
    )
