"""The pages work from the keyboard alone: the skip link comes first and moves focus to the
content, signing in needs no mouse, and Tab walks every control in order without a trap."""

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = "() => document.activeElement"


def focused_is(page, selector: str) -> bool:
    return page.evaluate(f"(s) => ({FOCUSED})().matches(s)", selector)


def tab_to(page, selector: str, limit: int = 25) -> int:
    """Press Tab until the focused element matches `selector`; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused_is(page, selector):
            return presses
    raise AssertionError(f"{limit} presses of Tab never reached {selector} on {page.url}")


def focus_ring_visible(page) -> bool:
    return page.evaluate(f"""() => {{
        const style = getComputedStyle(({FOCUSED})());
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    }}""")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert focused_is(page, "a.skip-link"), "the first Tab stop is not the skip link"
    # Off-screen until focused, then shown inside the viewport with a focus ring.
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0
    assert focus_ring_visible(page)

    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"))
    assert focused_is(page, "main#main"), "Enter on the skip link did not focus <main>"
    # The next Tab continues inside the content, not in the header.
    page.keyboard.press("Tab")
    assert focused_is(page, "main a"), "Tab after the skip link left <main>"
    assert page.evaluate(f"() => ({FOCUSED})().textContent") == "Create a developer account"


def test_sign_in_with_the_keyboard_only(page, make_account):
    user = make_account("keys@example.com", organization="Acme")
    page.goto("/accounts/login/")

    tab_to(page, "#id_login")
    assert focus_ring_visible(page)
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert focused_is(page, "#id_password"), "Tab from the address does not reach the password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/portal/$"))
    page.get_by_role("heading", name="Developer portal").wait_for()
    assert page.locator("p[data-ready=true]").is_visible()
    assert user.email in page.locator("header").inner_text()


TABBABLE = """() => {
    const candidates = document.querySelectorAll(
        'a[href], button, input, select, textarea, summary, [tabindex]');
    const tabbable = [...candidates].filter((el) =>
        el.tabIndex >= 0 && !el.disabled && el.type !== 'hidden'
        && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
    tabbable.forEach((el, i) => { el.dataset.tabStop = i; });
    return tabbable.map((el) => el.outerHTML.slice(0, 80));
}"""


def assert_tab_walks_every_control_in_order(page) -> None:
    """Tab visits every tabbable element once, in document order, then leaves the page
    (no keyboard trap, no positive tabindex reordering); Shift+Tab walks back the same way."""
    controls = page.evaluate(TABBABLE)
    assert controls, f"nothing to Tab to on {page.url}"
    stop = "() => document.activeElement?.dataset?.tabStop ?? null"

    forward = []
    for _ in range(len(controls) + 1):
        page.keyboard.press("Tab")
        forward.append(page.evaluate(stop))
    expected = [str(i) for i in range(len(controls))] + [None]
    assert forward == expected, (
        f"Tab order on {page.url} was {forward}, expected {expected}; controls:\n"
        + "\n".join(f"  {i}: {c}" for i, c in enumerate(controls))
    )

    page.focus(f"[data-tab-stop='{len(controls) - 1}']")
    backward = []
    for _ in range(len(controls) - 1):
        page.keyboard.press("Shift+Tab")
        backward.append(page.evaluate(stop))
    assert backward == [str(i) for i in reversed(range(len(controls) - 1))], (
        f"Shift+Tab order on {page.url} was {backward}"
    )


def test_no_keyboard_trap_on_signup(page):
    page.goto("/accounts/signup/")
    assert_tab_walks_every_control_in_order(page)


def test_no_keyboard_trap_on_guidelines_with_scrollable_text(page, make_account, sign_in):
    from accounts.services import guidelines_publish

    user = make_account("trap@example.com", organization="Acme")
    guidelines_publish(actor=None, text="Version two.\n\nBe kind to the API.")
    sign_in(user)
    page.goto("/portal/guidelines/")
    page.get_by_role("button", name="I accept version 2 of the usage guidelines").wait_for()
    assert_tab_walks_every_control_in_order(page)
