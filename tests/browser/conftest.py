"""Browser tests: Debian's Chromium driven by Playwright's sync API against `live_server`.

Playwright is imported inside the fixtures, never at module level, so that collecting the
suite on a machine without Playwright or Chromium still works; the root conftest.py then
skips every test marked `browser` with a reason (or fails the run when REQUIRE_REAL_PARTS=1).

Helpers that tests call are fixtures returning functions. Accounts come from
tests/conftest.py's `make_account` (verified, made by staff), whose autouse `_fresh_cache`
also empties the cache, so allauth's rate limits start from zero in every test.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# A step that takes longer than this against a local server is a failure, not slowness.
TIMEOUT_MS = 10_000

GUIDELINES_V1 = Path(__file__).resolve().parents[2] / "accounts" / "guidelines" / "v1.md"


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the whole browser suite.

    Scoped to this directory (tests/browser) rather than to the session: Playwright's sync
    API keeps an asyncio loop running in the main thread for as long as it is started, and
    the tests pytest-django orders after these (other transactional tests, tests without a
    database) must not run under that loop. The browser tests run one after another, so
    Chromium is still launched once per run (once per xdist worker).
    """
    from playwright.sync_api import sync_playwright

    # Under that running loop Django refuses ORM calls from the test thread (the test's
    # own setup and asserts, the transactional flush) as "async unsafe" unless told.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                headless=True,
                args=CHROMIUM_ARGS,
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Run in every document before its own scripts, whatever its Content-Security-Policy (an
# init script is not subject to it): each violation the browser reports becomes a console
# error that CspWatch collects.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || "inline"}`
    + ` in ${e.documentURI} (${e.sourceFile || "document"}:${e.lineNumber}) ${e.sample}`);
}, true);
"""


class CspWatch:
    """What the page fixture saw of the Content-Security-Policy: every document (a page, not
    an htmx partial) that came without the header, and every violation reported."""

    def __init__(self):
        self.violations: list[str] = []
        self.without_header: list[str] = []
        self.documents: list[str] = []

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.text.startswith("CSP violation:"):
            self.violations.append(message.text)

    def _on_response(self, response) -> None:
        if response.request.resource_type != "document" or response.status in (301, 302, 303):
            return
        self.documents.append(response.url)
        if "default-src 'self'" not in (response.header_value("content-security-policy") or ""):
            self.without_header.append(f"{response.status} {response.url}")

    def problems(self) -> str:
        lines = [f"no Content-Security-Policy: {url}" for url in self.without_header]
        return "\n".join(lines + self.violations)


@pytest.fixture
def csp_watch():
    return CspWatch()


@pytest.fixture
def page(browser, live_server, csp_watch):
    """A fresh context (cookies, storage) and page per test; relative URLs go to the live
    server. Every page it loads must send the Content-Security-Policy and break none of it
    (checked when the test ends; `csp_watch` tells a test what was seen so far)."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(script=REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    csp_watch.attach(page)
    try:
        yield page
    finally:
        context.close()
    problems = csp_watch.problems()
    assert not problems, f"Content-Security-Policy on the pages this test visited:\n{problems}"


@pytest.fixture
def guidelines_v1(transactional_db):
    """The published usage guidelines. A data migration loads version 1, but a transactional
    test starts from what the previous one's flush left, so make sure it is there."""
    from accounts.models import GuidelinesVersion

    version, _ = GuidelinesVersion.objects.get_or_create(
        version=1, defaults={"text": GUIDELINES_V1.read_text()}
    )
    return version


@pytest.fixture
def make_account(guidelines_v1, make_account):
    """tests/conftest.py's make_account, once the guidelines exist: a developer it makes has
    accepted them, so is ready; without them it would be made ready for nothing."""
    return make_account


@pytest.fixture
def sign_in(page, live_server):
    """sign_in(user): the page's context gets a signed-in session without the sign-in form,
    for tests that are about a signed-in page rather than about signing in."""
    from django.conf import settings
    from django.test import Client

    def sign_in_as(user) -> None:
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return sign_in_as


@pytest.fixture
def submit_login(page):
    """submit_login(email, password) -> the HTTP response to the sign-in POST, once the page
    it led to (after any redirect) has loaded."""

    def submit(email: str, password: str):
        # A failed attempt comes back with the form; reuse it rather than load it again.
        if page.locator("form input[name=login]").count() == 0:
            page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/accounts/login/")
        ) as response:
            page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        return response.value

    return submit


@pytest.fixture
def verification_link(mailoutbox):
    """verification_link(address) -> the confirm-email URL from the last mail sent there."""

    def link(address: str) -> str:
        mails = [m for m in mailoutbox if address in m.to]
        assert mails, f"no mail to {address}; outbox: {[(m.to, m.subject) for m in mailoutbox]}"
        match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mails[-1].body)
        assert match, f"no verification link in the mail:\n{mails[-1].body}"
        return match.group(0)

    return link


# --- axe-core ----------------------------------------------------------------------------


def _format_results(results: list[dict]) -> str:
    lines = []
    for rule in results:
        lines.append(f"[{rule.get('impact')}] {rule['id']}: {rule['help']} ({rule['helpUrl']})")
        for node in rule["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").strip()
            if summary:
                lines.append("        " + summary.replace("\n", "\n        "))
    return "\n".join(lines)


@pytest.fixture(scope="package")
def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js").read_text()


@pytest.fixture
def assert_accessible(page, _axe_source):
    """assert_accessible(): axe-core (all its default rules) finds nothing on the page as it
    is now. Besides violations, results axe could not decide ("incomplete", needs review)
    fail too: the two it reported on these pages were real faults (an aria-describedby
    pointing at nothing, an aria-label on a <div> without a role), and a clean page has
    none. The failure message names each rule, its help and the offending nodes."""

    def check() -> None:
        # Evaluated, not added as a <script>: the page's policy would refuse an inline one.
        page.evaluate(_axe_source)
        results = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
            return {violations: r.violations, incomplete: r.incomplete};
        }""")
        problems = []
        if results["violations"]:
            problems.append(
                f"{len(results['violations'])} violation(s):\n"
                + _format_results(results["violations"])
            )
        if results["incomplete"]:
            problems.append(
                f"{len(results['incomplete'])} result(s) that need review:\n"
                + _format_results(results["incomplete"])
            )
        assert not problems, f"axe-core on {page.url}: " + "\n".join(problems)

    return check
