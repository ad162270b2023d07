"""Every main page at a phone's width (390 px) and a laptop's (1280 px): axe-core finds
nothing, the page is no wider than the window (a wide table scrolls inside its own box),
and a screenshot of each is saved under test-artifacts/screenshots/<page>-<width>.png for
whoever reviews a change. One browser context per persona, one world built by the services
per persona, about forty page loads in all."""

from datetime import timedelta
from pathlib import Path

import pytest

from tests import world as worlds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = (390, 1280)
# Long unbroken strings a page must wrap rather than widen itself for.
LONG_TITLE = "Invoice-summaries-for-the-accounts-payable-team-" + "x" * 60
LONG_ORG = "Organisation" + "x" * 60


def _pages(world) -> dict:
    ids = world.ids
    return {
        "anonymous": {
            "home": "/",
            "sign-in": "/accounts/login/",
            "sign-up": "/accounts/signup/",
        },
        "developer": {
            "portal": "/portal/",
            "applications": "/portal/applications/",
            "application-form": "/portal/applications/new/",
            "application": f"/portal/applications/{ids['application']}/",
            "application-long": f"/portal/applications/{ids['long']}/",
            "guidelines": "/portal/guidelines/",
            "grants": "/portal/grants/",
            "grant": f"/portal/grants/{ids['grant']}/",
        },
        "reviewer": {
            "queue": "/reviews/",
            "review": f"/reviews/applications/{ids['application']}/",
            "access-reviews": "/reviews/access-reviews/",
            "campaign": f"/reviews/access-reviews/{ids['campaign']}/",
            "item": f"/reviews/access-review-items/{ids['item']}/",
        },
        "admin": {
            "policy": "/reviews/policy/",
            "classifiers": "/reviews/policy/classifier/",
            "audit-log": "/audit/",
            "transparency": "/reports/transparency/",
        },
    }


@pytest.fixture
def layout_world(make_account, default_policy):
    """tests/world.py's world, plus an application with a long unbroken title from an
    organization with a long unbroken name, and some use on the grant."""
    from django.utils import timezone

    from approvals import lifecycle
    from approvals.models import UsageBucket

    users = worlds.personas_create()
    built = worlds.world_build(users)
    long_dev = worlds.account_make(
        "a-developer-with-a-very-long-address-" + "y" * 30 + "@org-a.example",
        organization=LONG_ORG,
    )
    long = lifecycle.application_create(
        actor=users["dev_a"],
        organization=users["dev_a"].memberships.get().organization,
        content={**worlds.APPLICATION, "title": LONG_TITLE},
    )
    built.ids["long"] = long.pk
    built.users["long_dev"] = long_dev
    now = timezone.now().replace(second=0, microsecond=0)
    for days_ago, requests, tokens in ((0, 12_000, 3_400_000), (3, 30, 9_000)):
        UsageBucket.objects.create(
            grant=built.grant,
            minute=now - timedelta(days=days_ago),
            requests=requests,
            tokens=tokens,
        )
    return built


# What widens the page: elements (outside a scrolling table box) that reach past the
# window's right edge, or whose content does (text that does not wrap), widest first.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
    .filter(e => !(e.parentElement && e.parentElement.closest('.table-scroll')))
    .map(e => { const r = e.getBoundingClientRect();
                const clips = getComputedStyle(e).overflowX !== 'visible';
                return [e, r.left + (clips ? r.width : Math.max(e.scrollWidth, r.width))]; })
    .filter(([e, right]) => right > window.innerWidth + 1)
    .sort((a, b) => b[1] - a[1]).slice(0, 4)
    .map(([e, right]) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} (${Math.round(right)})`)"""

PERSONA_USER = {"developer": "dev_a", "reviewer": "specialist", "admin": "admin"}


@pytest.mark.parametrize("persona", ["anonymous", "developer", "reviewer", "admin"])
def test_every_main_page_fits_390_and_1280_px_and_is_accessible(
    page, sign_in, assert_accessible, layout_world, persona
):
    if persona != "anonymous":
        sign_in(layout_world.users[PERSONA_USER[persona]])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, url in _pages(layout_world)[persona].items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            assert response.status == 200, f"{name}: {url} answered {response.status}"
            scroll, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                wide = page.evaluate(WIDE_ELEMENTS)
                problems.append(f"{name} at {width} px: the page is {scroll} px wide: {wide}")
            try:
                assert_accessible()
            except AssertionError as error:
                problems.append(f"{name} at {width} px: {error}")
            # Last: a full-page screenshot resizes the viewport while it is taken.
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert not problems, "\n".join(problems)


def test_the_admin_navigation_fits_on_one_line_at_1280_px(page, sign_in, layout_world):
    """The header of an admin (who has the most links) is one row: the brand, every link of
    the nav and the session block share one middle line, and no link wraps onto two lines."""
    sign_in(layout_world.users["admin"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/audit/")
    tops = page.evaluate(
        """() => [...document.querySelectorAll(
            '.site-header nav a, .site-header .brand, .site-header .session')]
            .map(a => { const r = a.getBoundingClientRect();
                        return [a.textContent.trim().split(/\\s+/)[0], Math.round(r.top),
                                Math.round(r.height), Math.round(r.width)]; })"""
    )
    middles = [top + height / 2 for _, top, height, _ in tops]
    heights = [height for _, _, height, _ in tops[:-1]]
    assert max(middles) - min(middles) <= 4, f"links on more than one row: {tops}"
    assert max(heights) < 2 * min(heights), f"a link wraps onto two lines: {tops}"


def test_focus_is_visible_on_links_buttons_and_fields(page, sign_in, layout_world):
    """A 3 px ring in the accent colour around whatever the keyboard focuses."""
    sign_in(layout_world.users["dev_a"])
    page.goto("/portal/applications/new/")
    for selector in ("a.brand", "main button[type=submit]", "#id_title"):
        page.locator(selector).first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        ring = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
        )
        assert ring == ["solid", "3px", "rgb(11, 87, 208)"], (selector, ring)
