import pytest

from approvals.models import Immutable, Revision
from approvals.revisions import diff


def test_diff_names_only_changed_fields_with_word_changes_for_the_description():
    before = {"title": "A", "description": "drafts replies for agents", "models": ["chat-small"]}
    after = {
        "title": "A",
        "description": "drafts replies for human agents",
        "models": ["chat-small", "chat-large"],
    }
    changes = {c.field: c for c in diff(before, after)}
    assert set(changes) == {"description", "models"}
    assert changes["description"].text_diff == ["+ human"]
    assert changes["models"].after == ["chat-small", "chat-large"]


@pytest.mark.django_db
def test_a_submitted_revision_never_changes(dev_a):
    from approvals.lifecycle import application_create, application_submit
    from tests.approvals.test_applications_api import BENIGN

    application = application_create(
        actor=dev_a,
        organization=dev_a.memberships.get().organization,
        content={k: v for k, v in BENIGN.items()},
    )
    revision = application_submit(actor=dev_a, application=application)
    revision.content = {**revision.content, "title": "Rewritten history"}
    with pytest.raises(Immutable):
        revision.save()
    assert Revision.objects.get().content["title"] == BENIGN["title"]
