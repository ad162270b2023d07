"""Ending an access review early asks first, saying what happens to the items still open."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import Grant
from reviews.access import campaigns
from reviews.models import Campaign

pytestmark = pytest.mark.django_db


def started(admin):
    return campaigns.campaign_start(
        actor=admin, name="Q4", due_at=timezone.now() + timedelta(days=14)
    )


@pytest.mark.parametrize(
    ("open_items", "says", "after"),
    [
        ("suspend", "2 open items: their grants will be suspended", "suspended"),
        ("keep", "2 open items will be closed unchanged", "active"),
    ],
)
def test_ending_early_asks_first_and_says_what_happens(
    client, admin, approved, open_items, says, after
):
    approved(), approved()
    campaign = started(admin)
    client.force_login(admin)
    url = f"/reviews/access-reviews/{campaign.pk}/end/"

    confirm = client.post(url, {"open_items": open_items})
    page = confirm.content.decode()
    assert confirm.status_code == 200 and says in page
    assert 'name="confirmed" value="yes"' in page
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert set(Grant.objects.values_list("status", flat=True)) == {"active"}

    done = client.post(url, {"open_items": open_items, "confirmed": "yes"}, follow=True)
    assert "The access review is closed." in done.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert set(Grant.objects.values_list("status", flat=True)) == {after}


def test_reviewer_pages_show_a_suspended_grant_and_the_reason_its_developers_were_mailed(
    client, admin, approved, reviewer2
):
    grant = approved()
    campaign = started(admin)
    campaigns.campaign_close_due(now=campaign.due_at + timedelta(minutes=1))
    item = campaign.items.get()
    reason = (
        f"Not re-certified in access review \u201cQ4\u201d by {campaign.due_at:%Y-%m-%d %H:%M} UTC."
    )
    client.force_login(reviewer2)

    page = client.get(f"/reviews/access-review-items/{item.pk}/").content.decode()
    assert 'data-grant-status="suspended"' in page and reason in page
    listing = client.get(f"/reviews/access-reviews/{campaign.pk}/").content.decode()
    assert "Grant suspended" in listing and reason in listing
    client.force_login(admin)
    admin_view = client.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert reason in admin_view
