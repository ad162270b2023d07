import pytest

from approvals.models import Immutable, Revision
from approvals.revisions import DEL, GAP, INS, ITEMS, SAME, VALUE, diff, unchanged, words_diff


def test_diff_names_only_changed_fields_with_word_changes_for_the_texts():
    before = {"title": "A", "description": "drafts replies for agents", "models": ["chat-small"]}
    after = {
        "title": "A",
        "description": "drafts replies for human agents",
        "models": ["chat-small", "chat-large"],
    }
    changes = {c.field: c for c in diff(before, after)}
    assert set(changes) == {"description", "models"}
    assert changes["description"].segments == [
        (SAME, "drafts replies for"),
        (INS, "human"),
        (SAME, "agents"),
    ]
    assert changes["models"].kind == ITEMS and changes["models"].added == ["chat-large"]
    assert changes["models"].kept == ["chat-small"] and changes["models"].removed == []
    assert unchanged(before, after) == ["title"]


def test_numbers_are_old_and_new_values():
    (change,) = diff({"rpm": 60}, {"rpm": 30})
    assert change.kind == VALUE and (change.before, change.after) == (60, 30)


def test_a_long_unchanged_passage_keeps_context_around_a_change_and_is_summarised():
    words = [f"w{i}" for i in range(40)]
    changed = words[:20] + ["NEW"] + words[21:]
    segments = words_diff(" ".join(words), " ".join(changed))
    assert segments == [
        (GAP, "14"),
        (SAME, "w14 w15 w16 w17 w18 w19"),
        (DEL, "w20"),
        (INS, "NEW"),
        (SAME, "w21 w22 w23 w24 w25 w26"),
        (GAP, "13"),
    ]


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
