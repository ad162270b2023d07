"""Every page of the demo world speaks in words: no internal code (`extra_scrutiny`,
`changes_requested`), no domain slug (`medical-health`) and no ungrouped number (10000000
for 10,000,000) in the text a person reads."""

import html
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import User
from approvals.models import Application, Domain, Grant
from audit.models import AuditEvent
from reviews.models import Campaign, GrantReview

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
UNGROUPED = re.compile(r"(?<![\w,.#:/-])\d{5,}(?![\w,.])")  # 10000000, not 10,000,000


def _text_of(body: str) -> str:
    """What a reader sees: no tags, attributes, scripts, styles or <code> (code shown as
    code, such as an action's name beside its words, is meant to be read as code)."""
    body = re.sub(r"(?s)<(script|style|svg|code|title)\b.*?</\1>", " ", body)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _codes_in(text: str, slugs: set[str]) -> set[str]:
    found = set(CODE.findall(text))
    found |= {s for s in slugs if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w.-])", text)}
    return found | set(UNGROUPED.findall(text))


@pytest.fixture
def demo_world():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _pages():
    apps = list(Application.objects.values_list("pk", flat=True))
    submitted = list(Application.objects.exclude(status="draft").values_list("pk", flat=True))
    grants = list(Grant.objects.values_list("pk", flat=True))
    campaign = Campaign.objects.get()
    items = list(GrantReview.objects.values_list("pk", flat=True))
    return {
        "developer@example.com": [
            "/portal/",
            "/portal/applications/",
            "/portal/applications/new/",
            "/portal/grants/",
            "/portal/guidelines/",
            *(f"/portal/applications/{a}/" for a in apps),
            *(f"/portal/grants/{g}/" for g in grants),
        ],
        "reviewer@example.com": ["/reviews/", "/reviews/settings/"]
        + [f"/reviews/applications/{a}/" for a in submitted],
        "specialist@example.com": ["/reviews/", "/reviews/settings/"],
        "admin@example.com": [
            "/audit/",
            "/reviews/access-reviews/",
            f"/reviews/access-reviews/{campaign.pk}/",
            "/reviews/policy/",
            "/reports/transparency/",
            *(f"/reviews/access-review-items/{i}/" for i in items),
            *(f"/audit/{e}/" for e in AuditEvent.objects.values_list("pk", flat=True)),
            *(f"/reviews/applications/{a}/" for a in submitted),
        ],
    }


def test_no_page_of_the_demo_world_shows_a_code_or_a_slug(demo_world):
    # Slugs of one word ("legal", "spam") are words too: only the hyphenated ones are codes.
    slugs = {s for s in Domain.objects.values_list("slug", flat=True) if "-" in s}
    problems = {}
    for email, urls in _pages().items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (email, url, response.status_code)
            found = _codes_in(_text_of(response.content.decode()), slugs)
            if found:
                problems[f"{email.split('@')[0]} {url}"] = sorted(found)
    assert not problems, "\n".join(f"{page}: {codes}" for page, codes in problems.items())
