import pytest

from accounts.errors import Conflict, InvalidInput
from approvals.models import Domain, Immutable, PolicyVersion
from approvals.policy import versions as policy
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_default_policy_is_version_one_with_every_domain_published():
    current = policy.current_policy()
    assert current.number == 1 and current.is_published
    assert current.domains.filter(kind="prohibited").count() == 20
    assert current.domains.filter(kind="extra_scrutiny").count() == 14


def test_a_published_policy_cannot_change():
    domain = policy.current_policy().domains.first()
    domain.description = "edited"
    with pytest.raises(Immutable):
        domain.save()
    with pytest.raises(Immutable):
        domain.delete()


def test_admins_draft_edit_and_publish_a_new_version(admin):
    draft = policy.policy_draft_create(actor=admin)
    assert draft.number == 2 and not draft.is_published
    assert draft.domains.count() == 34
    Domain.objects.filter(policy=draft, slug="spam").update(description="Edited in the draft")
    assert policy.current_policy().number == 1  # a draft screens nothing
    policy.policy_publish(actor=admin, policy=draft)
    assert policy.current_policy().number == 2
    assert policy.current_policy().domains.get(slug="spam").description == "Edited in the draft"
    assert list(
        AuditEvent.objects.filter(target_type="policy", actor=admin).values_list(
            "action", flat=True
        )
    ) == ["policy.draft_created", "policy.published"]
    with pytest.raises(Conflict):
        policy.policy_publish(actor=admin, policy=draft)


def test_an_empty_draft_cannot_be_published(admin):
    empty = PolicyVersion.objects.create(number=9)
    with pytest.raises(Conflict):
        policy.policy_publish(actor=admin, policy=empty)
    assert not PolicyVersion.objects.get(pk=empty.pk).is_published


def test_admin_site_publishes_a_draft(client, admin):
    client.force_login(admin)
    draft = policy.policy_draft_create(actor=admin)
    response = client.post(
        "/admin/approvals/policyversion/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    assert policy.current_policy() == draft


def test_a_draft_with_broken_rules_cannot_be_published(admin):
    draft = policy.policy_draft_create(actor=admin)
    Domain.objects.filter(policy=draft, slug="spam").update(rules={"triggers": [{"any": 5}]})
    with pytest.raises(InvalidInput, match="spam"):
        policy.policy_publish(actor=admin, policy=draft)
    assert policy.current_policy().number == 1
