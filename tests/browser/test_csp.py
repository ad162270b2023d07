"""The Content-Security-Policy in the browser: pages still work under it. The page fixture
(conftest.py) already fails any test whose pages came without the header or broke the policy;
these tests go where it would bite first: an htmx swap, the charts' label positions (which
were inline style attributes), the new-key page's script and the API docs (Swagger UI)."""

import pytest

from tests.browser.test_keys import developer, grant  # noqa: F401 (fixtures)
from tests.browser.test_review_flow import review_url, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The left edge of each label in a row, in pixels from the row's own left edge.
LEFTS = """(selector) => [...document.querySelectorAll(selector)].map(
    (e) => Math.round(e.getBoundingClientRect().left - e.parentElement.getBoundingClientRect().left))"""


def test_an_htmx_claim_swaps_the_panel_without_a_violation(
    page,
    csp_watch,
    developer,  # noqa: F811 (the imported fixture)
    make_account,
    sign_in,
):
    application = submitted(developer)
    sign_in(make_account("cora@provider.example", role="reviewer"))
    with page.expect_response(lambda r: r.url.endswith(review_url(application))) as response:
        page.goto(review_url(application))
    policy = response.value.header_value("content-security-policy")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    page.evaluate("window.notReloaded = true")

    with page.expect_response(lambda r: r.request.method == "POST") as claim:
        page.locator("#review-panel").get_by_role("button", name="Claim").click()
    assert claim.value.request.headers.get("hx-request") == "true"
    page.get_by_role("button", name="Record decision").wait_for()
    assert page.evaluate("window.notReloaded") is True
    # htmx's own indicator styles would be an inline <style>: they live in app.css instead.
    assert page.evaluate("document.querySelectorAll('style:not([nonce])').length") == 0
    assert csp_watch.violations == []
    assert csp_watch.without_header == []


def test_chart_labels_keep_their_positions_and_the_copy_button_works(
    page,
    csp_watch,
    sign_in,
    developer,  # noqa: F811 (the imported fixture)
    grant,  # noqa: F811
):
    sign_in(developer)
    page.goto(f"/portal/grants/{grant.pk}/")
    page.get_by_role("heading", name="Usage, last 30 days").wait_for()
    for chart in ("requests", "tokens"):
        lefts = page.evaluate(LEFTS, f"figure[data-chart={chart}] .x-labels span")
        assert len(lefts) >= 3
        assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), (chart, lefts)
        assert lefts[-1] > 200, (chart, lefts)  # spread across the chart, not piled up

    page.get_by_label("Key name").fill("csp check")
    page.get_by_role("button", name="Create key").click()
    page.get_by_role("heading", name="Your new key").wait_for()
    page.get_by_role("button", name="Copy key").click()  # hidden until copy.js runs
    page.get_by_role("status").filter(has_text="Copied").wait_for()
    assert csp_watch.violations == []
    assert len(csp_watch.documents) >= 2 and csp_watch.without_header == []


def test_the_api_docs_render_under_the_policy(page, csp_watch):
    page.goto("/api/v1/docs/")
    page.locator(".swagger-ui .info .title", has_text="Production-access review API").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/applications/").first.wait_for()
    assert csp_watch.violations == []
    assert csp_watch.without_header == []


def test_the_admin_and_its_schedule_form_work_under_the_policy(page, csp_watch, sign_in, admin):
    admin.is_staff = admin.is_superuser = True
    admin.save()
    sign_in(admin)
    page.goto("/admin/accounts/user/")
    page.get_by_role("link", name=admin.email).first.wait_for()
    # django-celery-beat's form runs an inline script: it hides the crontab's translation row.
    page.goto("/admin/django_celery_beat/periodictask/add/")
    page.get_by_label("Name").first.wait_for()
    assert page.locator(".field-crontab_translation").is_hidden()
    assert csp_watch.violations == []
    assert csp_watch.without_header == []
