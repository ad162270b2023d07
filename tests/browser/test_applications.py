"""A developer describes a use case in the portal, submits it, and sees how the policy
routed it, with the words that triggered each clause highlighted."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEDICAL = (
    "Our assistant reads a patient's symptoms and suggests a diagnosis and a treatment "
    "plan, which a clinician checks before it is shared with the patient."
)


def fill_form(page, *, title, description, domain_label=None):
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description of the use case").fill(description)
    if domain_label:
        page.get_by_text("Prohibited (20)").click()  # open the collapsed group
        page.get_by_label(domain_label).check()
    page.get_by_label("Business customers").check()
    page.get_by_label("chat-small").check()
    page.get_by_label("/v1/chat/completions").check()
    page.get_by_label("Expected requests per minute (peak)").fill("30")
    page.get_by_label("Expected tokens per month").fill("2000000")
    page.get_by_label("End users are told they are interacting with an AI system.").check()


@pytest.fixture
def developer(make_account, default_policy, sign_in):
    user = make_account("dora@example.com", organization="Dora Health")
    sign_in(user)
    return user


def test_developer_submits_and_sees_the_route_and_highlighted_evidence(
    page, developer, assert_accessible
):
    page.goto("/portal/applications/new/")
    page.get_by_role("heading", name="New application").wait_for()
    assert_accessible()
    fill_form(page, title="Symptom checker", description=MEDICAL)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("button", name="Submit for review").click()

    page.get_by_text("Submitted for screening.").wait_for()
    assert page.locator("[data-status]").inner_text() == "In review"
    assert page.locator("[data-route]").inner_text() == "Extra scrutiny"
    marks = page.locator(".evidence mark")
    assert marks.count() >= 1
    for text in marks.all_inner_texts():
        assert text.lower() in MEDICAL.lower()
    assert "medical-health" in marks.first.get_attribute("data-domains")
    assert "2 approvals needed" in page.locator(".next-step").inner_text()
    assert_accessible()

    page.goto("/portal/applications/")
    row = page.get_by_role("row", name=re.compile("Symptom checker"))
    assert "In review" in row.inner_text() and "Extra scrutiny" in row.inner_text()
    assert_accessible()


def test_a_declared_prohibited_domain_shows_the_rejection_and_its_clause(
    page, developer, assert_accessible
):
    page.goto("/portal/applications/new/")
    fill_form(
        page,
        title="Review booster",
        description="We help shops collect more testimonials from their happy customers.",
        domain_label="Fake engagement (prohibited)",
    )
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit for review").click()

    page.get_by_text("Submitted for screening.").wait_for()
    assert page.locator("[data-status]").inner_text() == "Rejected by policy"
    clause = page.locator("[data-declared=astroturfing]")
    assert "The usage policy prohibits this use" in clause.inner_text()
    assert "cannot be approved" in page.locator(".next-step").inner_text()
    assert_accessible()


def test_form_errors_name_the_fields_and_keep_what_was_typed(page, developer, assert_accessible):
    page.goto("/portal/applications/new/")
    page.get_by_label("Title").fill("Too short a description")
    page.get_by_label("Description of the use case").fill("short")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_role("alert")
    assert "Description" in summary.inner_text() and "Models" in summary.inner_text()
    assert page.get_by_label("Title").input_value() == "Too short a description"
    assert page.get_by_label("Description of the use case").get_attribute("aria-invalid") == "true"
    assert_accessible()
