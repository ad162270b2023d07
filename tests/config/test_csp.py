"""The Content-Security-Policy (django-csp, config/settings/base.py): every page sends a strict
one, and no template needs more than it allows. The browser suite checks that the pages still
work under it (tests/browser/test_csp.py and the page fixture)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/api/v1/docs/", "/admin/login/"]
DEVELOPER_PAGES = ["/portal/", "/portal/applications/", "/portal/applications/new/"]
DEVELOPER_PAGES += ["/portal/grants/", "/portal/guidelines/"]
STAFF_PAGES = ["/reviews/", "/reviews/access-reviews/", "/reviews/policy/"]
STAFF_PAGES += ["/reviews/policy/classifier/", "/reports/transparency/", "/audit/"]


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} sends no Content-Security-Policy"
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def assert_strict(policy: dict[str, list[str]]) -> None:
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert policy[name][0] == "'self'"
        assert all(v.startswith("'nonce-") for v in policy[name][1:]), policy[name]
    assert set(policy["img-src"]) <= {"'self'", "data:"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_pages_for_anyone_send_a_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_strict(policy_of(response))


@pytest.mark.django_db
def test_signed_in_pages_send_a_strict_policy(client, dev_a, admin):
    for user, paths in ((dev_a, DEVELOPER_PAGES), (admin, STAFF_PAGES)):
        client.force_login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert_strict(policy_of(response))


@pytest.mark.django_db
def test_an_api_answer_carries_it_too(client, dev_a):
    client.force_login(dev_a)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert_strict(policy_of(response))


@pytest.mark.django_db
def test_the_api_docs_inline_script_and_style_carry_the_nonce_of_the_header(client):
    response = client.get("/api/v1/docs/")
    policy = policy_of(response)
    (nonce,) = {v[len("'nonce-") : -1] for v in policy["script-src"][1:]}
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    page = response.content.decode()
    inline = re.findall(r"<(script|style)(\s[^>]*)?>\s*[^<\s]", page)
    assert inline and all(f'nonce="{nonce}"' in attrs for _, attrs in inline), inline


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]
# What the policy refuses in a page: a style or event-handler attribute, a javascript: URL,
# and a <script> or <style> without src whose nonce is missing.
REFUSED = re.compile(
    r"""\sstyle=|\son[a-z]+=|javascript:|<script(?![^>]*\b(src|nonce)=)[^>]*>|<style(?![^>]*\bnonce=)""",
    re.IGNORECASE,
)


def test_no_template_needs_what_the_policy_refuses():
    found = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            if "mail" in template.relative_to(folder).parts:
                continue  # mail is read in a mail client, not under the site's policy
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if REFUSED.search(re.sub(r"\{#.*?#\}", "", line)):
                    found.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
