"""The key page's quickstart: where to send calls, an example, what each answer means; the
secret appears only on the one-time reveal page."""

import pytest

from tests.approvals.keys.test_pages import KEY_TEXT, grant_url, mint, secret_in, signed_in

pytestmark = pytest.mark.django_db


def test_the_grant_page_has_a_quickstart_with_the_base_url_and_a_placeholder(
    client, dev_a, grant, settings
):
    settings.GATEWAY_BASE_URL = "https://gateway.example.test"
    client = signed_in(client, dev_a)
    mint(client, grant)
    page = client.get(grant_url(grant)).content.decode()
    quickstart = page.split('id="quickstart-heading"')[1]
    assert "https://gateway.example.test/v1/chat/completions" in quickstart
    assert "curl" in quickstart and "$ACCESS_KEY" in quickstart and "chat-small" in quickstart
    assert not KEY_TEXT.search(page)  # the secret is never on this page
    codes = ["VALID", "NOT_FOUND", "REVOKED", "EXPIRED", "SUSPENDED", "SCOPE_DENIED"]
    for code in [*codes, "RATE_LIMITED", "QUOTA_EXCEEDED"]:
        assert f'data-code="{code}"' in quickstart
    assert "retry_after" in quickstart


def test_the_reveal_page_example_carries_the_new_secret(client, dev_a, grant, settings):
    settings.GATEWAY_BASE_URL = "https://gateway.example.test"
    response = mint(signed_in(client, dev_a), grant)
    secret = secret_in(response)
    page = response.content.decode()
    assert 'id="quickstart-heading"' in page
    assert f"ACCESS_KEY={secret}" in page.split('id="quickstart-heading"')[1]
