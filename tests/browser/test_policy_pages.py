"""An administrator simulates a draft, reads what would change, and publishes it; the grant
that now screens stricter gets a policy re-review. axe-core on each page on the way."""

import pytest

from tests.approvals.policy.conftest import (  # noqa: F401  (fixtures)
    LOOSER,
    STRICTER,
    approved,  # noqa: F811 (the imported fixture)
    loyalty_draft,  # noqa: F811 (the imported fixture)
    submitted,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_simulates_and_publishes_a_draft(
    page,
    default_policy,
    approved,  # noqa: F811 (the imported fixture)
    submitted,  # noqa: F811 (the imported fixture)
    admin,
    loyalty_draft,  # noqa: F811 (the imported fixture)
    sign_in,
    assert_accessible,
):
    from approvals.policy import versions as policy
    from reviews.models import GrantReview

    grant = approved(**STRICTER)
    submitted(**LOOSER)
    sign_in(admin)

    page.goto("/reviews/policy/")
    page.get_by_role("heading", name="Usage policy versions").wait_for()
    assert_accessible()

    page.get_by_role("link", name="Simulate v2").click()
    page.get_by_role("heading", name="Simulate policy v2").wait_for()
    rows = page.locator("table.simulation tbody tr")
    assert rows.count() == 2
    assert rows.first.get_attribute("data-direction") == "stricter"
    assert "Active grant" in rows.first.inner_text()
    assert page.locator('[data-count="changed"]').inner_text() == "2"
    assert_accessible()

    publish = page.get_by_role("button", name="Publish v2")
    publish.click()  # the confirmation is required: the browser does not send the form
    assert page.url.endswith("/reviews/policy/2/simulate/")
    assert policy.current_policy().number == 1

    page.get_by_label("I read this simulation").check()
    publish.click()
    page.get_by_text("Policy v2 is published.").wait_for()
    assert page.url.endswith("/reviews/policy/")
    assert policy.current_policy().number == 2
    assert list(GrantReview.objects.values_list("grant", "kind", "policy_number")) == [
        (grant.pk, "policy", 2)
    ]
    assert "1 re-review opened" in page.locator('tr[data-policy="2"]').inner_text()
    assert_accessible()
