"""Pages speak in human words (labels, domain names) and format numbers one way."""

import re

import pytest
from django.urls import reverse

from reviews import claims, decisions
from tests.world import APPLICATION
from tests.world import submitted as _submitted

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)


def _visible_text(html: str) -> str:
    """The page's text without its tags and attributes (data-route= may keep its code)."""
    return re.sub(r"<[^>]+>", " ", html)


def test_queue_names_routes_and_domains_not_codes(client, dev_a, reviewer):
    application = _submitted(dev_a, domains=["medical-health"])
    assert application.route_name == "extra_scrutiny"
    _login(client, reviewer)
    text = _visible_text(client.get(reverse("reviews:queue")).content.decode())
    assert "Medical and health" in text
    assert "medical-health" not in text
    assert "extra_scrutiny" not in text


def test_developer_pages_name_the_route_and_the_domains(client, dev_a):
    application = _submitted(dev_a, domains=["medical-health"])
    _login(client, dev_a)
    for url in (
        reverse("applications:list"),
        reverse("applications:detail", args=[application.pk]),
    ):
        text = _visible_text(client.get(url).content.decode())
        assert "Extra scrutiny" in text, url
        assert "extra_scrutiny" not in text, url
        assert "medical-health" not in text, url


def test_field_errors_are_named_by_their_labels(client, dev_a):
    _login(client, dev_a)
    response = client.post(
        reverse("applications:new"),
        {
            **APPLICATION,
            "expected_requests_per_minute": "-3",
            "models": APPLICATION["models"],
            "audience": "",
        },
    )
    assert response.status_code == 400
    text = _visible_text(response.content.decode())
    assert "Requests per minute:" in text
    assert "Expected_requests_per_minute" not in text
    assert "Who uses it: Choose one: internal (Internal staff)" in text
    assert '"" is not a valid choice' not in text


def test_numbers_are_grouped_and_a_derived_figure_says_so(client, dev_a, make_account):
    specialist = make_account("sam@provider.example", role="reviewer")
    application = _submitted(dev_a, expected_monthly_tokens=10_000_000)
    claims.claim(reviewer=specialist, application=application)
    _login(client, specialist)
    text = client.get(reverse("reviews:review", args=[application.pk])).content.decode()
    assert "10,000,000" in text
    assert "10000000" not in _visible_text(text)
    assert "Derived from the tokens asked for per month" in text
    decisions.decide(reviewer=specialist, application=application, decision="approve")
    application.refresh_from_db()
    client.logout()
    _login(client, dev_a)
    text = client.get(reverse("grants:detail", args=[application.grant.pk])).content.decode()
    assert "10,000,000" in text


def test_the_access_review_forms_name_fields_by_their_labels(client, admin):
    client.force_login(admin)
    response = client.post(reverse("reviews:campaign_start"), {"name": "Q1", "due_at": "soon"})
    assert response.status_code == 400
    text = _visible_text(response.content.decode())
    assert "Due at:" in text
    assert "Dueat" not in text and "Due_at" not in text
