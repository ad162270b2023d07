"""The browser suite's fixtures (tests/browser/conftest.py), for this directory: Chromium is
package-scoped, so it starts and stops with these tests, not around the rest of tests/policy."""

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _axe_source,
    assert_accessible,
    browser,
    guidelines_v1,
    make_account,
    page,
    sign_in,
)
