"""The access-review pages without a browser: who may see them, bad input, the outcomes."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.access import campaigns
from reviews.models import Campaign

pytestmark = pytest.mark.django_db


def started(admin):
    return campaigns.campaign_start(
        actor=admin, name="Q4", due_at=timezone.now() + timedelta(days=14)
    )


def test_developers_may_not_see_access_reviews(client, dev_a, approved, admin):
    item = started(admin).items.first() if approved() else None
    client.force_login(dev_a)
    assert client.get("/reviews/access-reviews/").status_code == 403
    assert client.get(f"/reviews/access-review-items/{item.pk}/").status_code == 403


def test_only_admins_start_and_end(client, reviewer2, approved, admin):
    approved()
    client.force_login(reviewer2)
    page = client.get("/reviews/access-reviews/")
    assert page.status_code == 200 and b"Start an access review" not in page.content
    assert client.post("/reviews/access-reviews/start/", {"name": "x"}).status_code == 403
    campaign = started(admin)
    assert (
        client.post(
            f"/reviews/access-reviews/{campaign.pk}/end/", {"open_items": "keep"}
        ).status_code
        == 403
    )


def test_bad_start_form_shows_field_errors(client, admin):
    client.force_login(admin)
    response = client.post(
        "/reviews/access-reviews/start/", {"name": "Q4", "due_at": "2020-01-01T10:00"}
    )
    assert response.status_code == 400
    assert b'id="err-due_at"' in response.content and not Campaign.objects.exists()


def test_ending_early_asks_what_happens_to_open_items(client, admin, approved):
    grant = approved()
    campaign = started(admin)
    client.force_login(admin)
    page = client.get(f"/reviews/access-reviews/{campaign.pk}/")
    assert b"What happens to the 1 item still open?" in page.content
    assert client.post(f"/reviews/access-reviews/{campaign.pk}/end/").status_code == 400
    client.post(
        f"/reviews/access-reviews/{campaign.pk}/end/", {"open_items": "suspend", "confirmed": "yes"}
    )
    grant.refresh_from_db()
    assert grant.status == "suspended"


def test_item_page_explains_why_a_reviewer_may_not_decide(
    client, admin, approved, reviewer2, specialist
):
    approved(domains=["medical-health"])
    item = started(admin).items.get()
    client.force_login(reviewer2)
    page = client.get(f"/reviews/access-review-items/{item.pk}/")
    assert b"must come from a specialist" in page.content
    assert b"Record the decision" not in page.content
    refused = client.post(
        f"/reviews/access-review-items/{item.pk}/decide/", {"decision": "certify"}
    )
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_a_reduction_that_widens_is_refused_on_the_page(client, admin, approved, reviewer2):
    approved()
    item = started(admin).items.get()
    client.force_login(reviewer2)
    response = client.post(
        f"/reviews/access-review-items/{item.pk}/decide/",
        {
            "decision": "reduce",
            "models": ["chat-small"],
            "endpoints": ["/v1/chat/completions"],
            "requests_per_minute": 10**6,
        },
    )
    assert response.status_code == 400 and b'id="err-limits"' in response.content


def test_schedule_from_the_page(client, admin):
    client.force_login(admin)
    response = client.post(
        "/reviews/access-reviews/schedules/",
        {"name": "Quarterly", "cadence": "quarterly", "due_days": 14},
    )
    assert response.status_code == 302
    page = client.get("/reviews/access-reviews/")
    assert b"Access review: Quarterly" in page.content


def test_the_review_queue_counts_grants_waiting_for_the_reviewer(
    client, admin, approved, reviewer2, dev_a
):
    approved(), approved()
    started(admin)
    client.force_login(reviewer2)
    assert b'data-grants-waiting="2"' in client.get("/reviews/").content


def test_the_campaign_page_pages_and_filters_its_items(
    client, admin, approved, reviewer2, monkeypatch
):
    from reviews.access import grant_reviews
    from reviews.access import views as access_views

    monkeypatch.setattr(access_views, "ITEMS_PER_PAGE", 2)
    for _ in range(3):
        approved()
    campaign = started(admin)
    first = campaign.items.order_by("pk").first()
    grant_reviews.item_decide(reviewer=reviewer2, item=first, decision="certify")
    client.force_login(reviewer2)
    url = f"/reviews/access-reviews/{campaign.pk}/"
    first_page = client.get(url).content.decode()
    assert first_page.count("<tr data-item=") == 2 and 'rel="prev"' not in first_page
    following = re.search(r'href="([^"]+)" rel="next"', first_page).group(1)
    second_page = client.get(html.unescape(following)).content.decode()
    assert second_page.count("<tr data-item=") == 1 and 'rel="next"' not in second_page
    assert client.get(url + "?cursor=not-one-of-ours").status_code == 400
    open_only = client.get(url + "?status=open").content
    assert (
        open_only.count(b'data-status="open"') == 2 and b'data-status="certified"' not in open_only
    )
