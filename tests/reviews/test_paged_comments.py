"""A conversation comes a page at a time: the API walks it oldest first by cursor; the pages
show the latest 50, oldest first, with a link to the earlier ones."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import Comment

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def conversation(application, reviewer, dev, n: int) -> list[Comment]:
    start = timezone.now() - timedelta(days=1)
    return Comment.objects.bulk_create(
        Comment(
            application=application,
            author=reviewer if i % 2 == 0 else dev,
            body=f"comment {i}",
            created_at=start + timedelta(minutes=i // 3),  # ties: three a minute
        )
        for i in range(n)
    )


def test_the_api_walks_a_conversation_once_oldest_first(api, in_review, reviewer, dev_a, dev_b):
    application = in_review()
    made = conversation(application, reviewer, dev_a, 11)
    url = f"/api/v1/applications/{application.pk}/comments/?page_size=4"
    seen, authors = [], set()
    while url:
        body = api(dev_a).get(url).json()
        seen += [c["id"] for c in body["results"]]
        authors |= {c["author"] for c in body["results"]}
        assert body["count"] == 11
        url = body["next"]
    assert seen == [c.pk for c in made]
    assert authors == {"Reviewer", dev_a.email}  # the reviewer stays "Reviewer" on every page
    assert api(dev_b).get(f"/api/v1/applications/{application.pk}/comments/").status_code == 404
    bad = api(dev_a).get(f"/api/v1/applications/{application.pk}/comments/?cursor=eyJ4Ijox")
    assert bad.status_code == 400 and "cursor" in bad.json()


def shown(page: str) -> list[str]:
    return re.findall(r"<p>comment (\d+)</p>", page)


def earlier(page: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">Earlier comments</a>', page)
    return html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize("who", ["reviewer", "dev_a"])
def test_the_pages_show_the_latest_fifty_and_link_to_the_earlier(
    client, in_review, reviewer, dev_a, who
):
    application = in_review()
    conversation(application, reviewer, dev_a, 57)
    client.force_login({"reviewer": reviewer, "dev_a": dev_a}[who])
    url = (
        f"/reviews/applications/{application.pk}/"
        if who == "reviewer"
        else f"/portal/applications/{application.pk}/"
    )
    latest = client.get(url).content.decode()
    assert shown(latest) == [str(i) for i in range(7, 57)]
    before = client.get(earlier(latest)).content.decode()
    assert shown(before) == [str(i) for i in range(7)] and earlier(before) is None
    assert "Later comments" in before
    assert client.get(url + "?cursor=broken").status_code == 400
