"""Comments are mailed both ways (after the commit, once, swept when the broker lost them) and
show as new to whoever has not read them: the portal, the review page, the review queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import ReadMark
from audit.models import AuditEvent
from reviews import claims
from reviews.conversation import comments
from reviews.conversation import mail as comment_mail
from reviews.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def said(django_capture_on_commit_callbacks):
    """Adds a comment, running what its commit enqueues (the mail, eagerly)."""

    def say(author, application, body):
        with django_capture_on_commit_callbacks(execute=True):
            return comments.comment_add(author=author, application=application, body=body)

    return say


def test_a_reviewers_comment_mails_the_organizations_developers_without_naming_the_reviewer(
    in_review, dev_a, make_account, reviewer, said, mailoutbox
):
    application = in_review()
    colleague = make_account("carol@org-a.example", organization="Org A")
    said(reviewer, application, "Which models, exactly?")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([dev_a.email, colleague.email])
    message = mailoutbox[0]
    assert "Which models, exactly?" in message.body
    assert reviewer.email not in message.body + message.subject
    assert f"/portal/applications/{application.pk}/#comments" in message.body
    assert Comment.objects.get().mailed_at is not None
    mailed = AuditEvent.objects.get(action="comment.mailed")
    assert mailed.data["recipients"] == 2 and mailed.data["to"] == "developers"


def test_a_developers_reply_mails_the_reviewer_holding_the_claim(
    in_review, dev_a, reviewer, reviewer2, said, mailoutbox
):
    application = in_review()
    said(reviewer2, application, "Which models?")
    claims.claim(reviewer=reviewer, application=application)
    mailoutbox.clear()
    said(dev_a, application, "Only chat-small.")
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert f"/reviews/applications/{application.pk}/#comments" in mailoutbox[0].body
    assert "Only chat-small." in mailoutbox[0].body


def test_without_a_claim_the_reply_goes_to_the_last_reviewer_who_commented(
    in_review, dev_a, reviewer, reviewer2, said, mailoutbox
):
    application = in_review()
    said(reviewer, application, "First question")
    said(reviewer2, application, "Second question")
    mailoutbox.clear()
    said(dev_a, application, "Answer")
    assert [m.to for m in mailoutbox] == [[reviewer2.email]]


def test_a_comment_is_mailed_once_and_a_lost_one_is_swept(in_review, dev_a, reviewer, mailoutbox):
    application = in_review()
    lost = comments.comment_add(author=reviewer, application=application, body="Lost?")
    assert mailoutbox == []  # its commit never ran the publish: the broker was down
    Comment.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert comment_mail.comment_mail_sweep() == 1  # eager: the task runs and sends
    assert len(mailoutbox) == 1
    assert comment_mail.send_comment_mail(lost.pk) == 0  # a repeated task sends nothing
    assert comment_mail.comment_mail_sweep() == 0 and len(mailoutbox) == 1


def test_new_comments_are_marked_until_the_developer_reads_them(
    client, in_review, dev_a, reviewer, said
):
    application = in_review()
    client.force_login(dev_a)
    client.get(f"/portal/applications/{application.pk}/")
    assert not ReadMark.objects.exists()  # a look with nothing to read writes nothing
    said(reviewer, application, "Which models, exactly?")
    listing = client.get("/portal/applications/").content.decode()
    assert 'data-unread-count="1"' in listing
    first = client.get(f"/portal/applications/{application.pk}/").content.decode()
    assert "data-unread" in first and 'data-unread-count="1"' in first
    read = AuditEvent.objects.get(action="comment.read")
    assert read.actor_id == dev_a.pk and read.data["comments"] == [Comment.objects.get().pk]
    again = client.get(f"/portal/applications/{application.pk}/").content.decode()
    assert "data-unread" not in again
    assert "data-unread" not in client.get("/portal/applications/").content.decode()
    assert AuditEvent.objects.filter(action="comment.read").count() == 1  # nothing new: no event


def test_a_reply_shows_as_new_in_the_reviewers_queue_and_review_page(
    client, in_review, dev_a, reviewer, said
):
    application = in_review()
    said(reviewer, application, "Which models?")
    client.force_login(reviewer)
    client.get(f"/reviews/applications/{application.pk}/")
    assert 'data-unread-count="1"' not in client.get("/reviews/").content.decode()
    said(dev_a, application, "Only chat-small.")
    assert 'data-unread-count="1"' in client.get("/reviews/").content.decode()
    page = client.get(f"/reviews/applications/{application.pk}/").content.decode()
    assert page.count("data-unread") == 2  # the heading's count and the one new comment
    assert 'data-unread-count="1"' not in client.get("/reviews/").content.decode()
