import pytest

from approvals.policy import versions as policy
from reviews.models import GrantReview
from tests.approvals.policy.conftest import LOOSER, STRICTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_admins_see_the_versions_with_a_simulate_link_for_drafts(admin_client, loyalty_draft):
    page = admin_client.get("/reviews/policy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/reviews/policy/2/simulate/"' in html
    assert "/reviews/policy/1/simulate/" not in html


def test_the_simulation_page_lists_changes_and_counts(
    admin_client, approved, submitted, loyalty_draft
):
    stricter = approved(**STRICTER).application
    looser = submitted(**LOOSER)
    page = admin_client.get("/reviews/policy/2/simulate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-application="{stricter.pk}" data-direction="stricter"' in html
    assert f'data-application="{looser.pk}" data-direction="looser"' in html
    assert '<dd data-count="changed">2</dd>' in html
    assert "Active grant" in html and "Newly matched: Finance and credit" in html
    assert 'action="/reviews/policy/2/publish/"' in html


def test_simulating_a_published_version_says_why(admin_client):
    page = admin_client.get("/reviews/policy/1/simulate/")
    assert page.status_code == 409
    assert "only a draft is simulated" in page.content.decode()


def test_publishing_needs_the_confirmation(admin_client, loyalty_draft):
    page = admin_client.post("/reviews/policy/2/publish/", {})
    assert page.status_code == 400
    assert "Tick the box" in page.content.decode()
    assert policy.current_policy().number == 1


def test_publishing_from_the_page_opens_rereviews_once_it_commits(
    admin_client, approved, loyalty_draft, django_capture_on_commit_callbacks
):
    grant = approved(**STRICTER)
    approved(**LOOSER)
    fingerprint = admin_client.get("/reviews/policy/2/simulate/").context["result"].fingerprint
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/reviews/policy/2/publish/", {"confirm": "yes", "fingerprint": fingerprint}
        )
    assert response.status_code == 302 and response.url == "/reviews/policy/"
    assert policy.current_policy().number == 2
    assert list(GrantReview.objects.values_list("grant", "policy_number")) == [(grant.pk, 2)]
    listing = admin_client.get("/reviews/policy/").content.decode()
    assert "2 checked, 1 stricter than v1, 1 re-review opened" in listing


@pytest.mark.parametrize("persona", ["dev_a", "reviewer"])
def test_the_policy_pages_are_for_admins_only(client, request, persona, loyalty_draft):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/reviews/policy/").status_code == 403
    assert client.get("/reviews/policy/2/simulate/").status_code == 403
    assert client.post("/reviews/policy/2/publish/", {"confirm": "yes"}).status_code == 403
    assert policy.current_policy().number == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, loyalty_draft):
    response = client.get("/reviews/policy/2/simulate/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
