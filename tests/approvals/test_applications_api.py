"""Applications through the API, as docs/api.md gives them, persona by persona."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts import services as accounts
from approvals.models import Application, Revision
from audit.models import AuditEvent
from tests.world import APPLICATION

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"

BENIGN = APPLICATION


@pytest.fixture
def submit_now(django_capture_on_commit_callbacks):
    """Submits and runs what the commit enqueues (screening, eagerly in tests)."""

    def submit(client, application_id):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{URL}{application_id}/submit/")
        return response

    return submit


def create(client, **changes):
    response = client.post(URL, {**BENIGN, **changes}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_domains_lists_the_published_policy(api, dev_a):
    domains = api(dev_a).get("/api/v1/domains/").json()
    kinds = [d["kind"] for d in domains]
    assert kinds.count("prohibited") == 20 and kinds.count("extra_scrutiny") == 14
    assert {"slug", "name", "kind", "description"} <= set(domains[0])


def test_a_developer_creates_a_draft(api, dev_a):
    body = create(api(dev_a))
    assert body["status"] == "draft" and body["screening"] is None and body["route"] is None
    assert body["models"] == ["chat-small"] and body["grant"] is None
    application = Application.objects.get(pk=body["id"])
    assert application.organization.name == "Org A" and application.created_by == dev_a
    assert AuditEvent.objects.filter(
        action="application.created", target_id=str(application.pk)
    ).exists()


@pytest.mark.parametrize("persona", ["reviewer", "admin", "gateway"])
def test_only_developers_create_applications(request, api, persona):
    response = api(request.getfixturevalue(persona)).post(URL, BENIGN, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", ""),
        ("title", "x" * 201),
        ("description", "too short"),
        ("description", "x" * 10_001),
        ("domains", ["not-a-domain"]),
        ("domains", "medical-health"),
        ("audience", "aliens"),
        ("models", []),
        ("models", ["gpt-unknown"]),
        ("endpoints", ["/v1/rm-rf"]),
        ("expected_requests_per_minute", -1),
        ("expected_requests_per_minute", "many"),
        ("expected_monthly_tokens", 10**14),
        ("mitigations", ["x" * 501]),
        ("mitigations", ["m"] * 21),
        ("colour", "blue"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, dev_a, field, value):
    response = api(dev_a).post(URL, {**BENIGN, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Application.objects.exists()


@pytest.mark.parametrize("body", [[], "text", None, 7])
def test_a_body_that_is_not_an_object_is_a_400(api, dev_a, body):
    assert api(dev_a).post(URL, body, format="json").status_code == 400


def test_other_organizations_get_404_for_everything(api, dev_a, dev_b, submit_now):
    application_id = create(api(dev_a))["id"]
    outsider = api(dev_b)
    assert outsider.get(f"{URL}{application_id}/").status_code == 404
    assert (
        outsider.patch(f"{URL}{application_id}/", {"title": "Mine now"}, format="json").status_code
        == 404
    )
    assert submit_now(outsider, application_id).status_code == 404
    assert outsider.post(f"{URL}{application_id}/withdraw/").status_code == 404
    assert outsider.get(URL).json()["count"] == 0
    assert Application.objects.get().title == BENIGN["title"]


def test_reviewers_see_submitted_applications_but_cannot_act_as_the_applicant(
    api, dev_a, reviewer, submit_now
):
    application_id = create(api(dev_a))["id"]
    assert api(reviewer).get(f"{URL}{application_id}/").status_code == 404  # a draft is private
    submit_now(api(dev_a), application_id)
    assert api(reviewer).get(f"{URL}{application_id}/").status_code == 200
    assert api(reviewer).post(f"{URL}{application_id}/withdraw/").status_code == 403


def test_edit_only_while_draft_or_changes_requested(api, dev_a, submit_now):
    client = api(dev_a)
    application_id = create(client)["id"]
    response = client.patch(
        f"{URL}{application_id}/", {"expected_requests_per_minute": 90}, format="json"
    )
    assert response.status_code == 200 and response.json()["expected_requests_per_minute"] == 90
    event = AuditEvent.objects.get(action="application.updated")
    assert event.data["before"] == {"expected_requests_per_minute": 60}
    submit_now(client, application_id)
    refused = client.patch(f"{URL}{application_id}/", {"title": "Later"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "illegal_transition"


def test_submit_screens_and_routes_a_benign_use_case_to_standard(api, dev_a, submit_now):
    client = api(dev_a)
    application_id = create(client)["id"]
    response = submit_now(client, application_id)
    assert response.status_code == 202
    body = client.get(f"{URL}{application_id}/").json()
    assert body["status"] == "in_review"
    assert body["screening"]["outcome"] == "clear" and body["screening"]["policy_version"] == 1
    route = body["route"]
    assert route["name"] == "standard" and route["required_approvals"] == 1
    assert route["sla_due_at"]
    actions = list(
        AuditEvent.objects.filter(target_type="application").values_list("action", flat=True)
    )
    assert actions == ["application.created", "application.submitted", "application.screened"]


def test_declared_prohibited_domain_is_rejected_with_its_clause(api, dev_a, submit_now):
    client = api(dev_a)
    application_id = create(client, domains=["astroturfing"])["id"]
    submit_now(client, application_id)
    body = client.get(f"{URL}{application_id}/").json()
    assert body["status"] == "auto_rejected" and body["route"] is None
    assert body["screening"]["outcome"] == "prohibited_declared"
    declared = [m for m in body["screening"]["matches"] if m["field"] == "domains"]
    assert declared[0]["domain"] == "astroturfing" and declared[0]["kind"] == "prohibited"


def test_text_suggesting_a_prohibited_use_is_escalated_with_evidence(api, dev_a, submit_now):
    client = api(dev_a)
    description = (
        "We generate hundreds of fake reviews for our clients' products and post "
        "them from many accounts so they rank higher."
    )
    application_id = create(client, description=description)["id"]
    submit_now(client, application_id)
    body = client.get(f"{URL}{application_id}/").json()
    assert body["status"] == "in_review" and body["route"]["name"] == "policy_escalation"
    assert body["route"]["decided_by"] == "admins"
    match = next(m for m in body["screening"]["matches"] if m["domain"] == "astroturfing")
    assert description[match["start"] : match["end"]] == match["text"]


def test_declared_extra_scrutiny_domain_needs_two_approvals_and_a_specialist(
    api, dev_a, submit_now
):
    client = api(dev_a)
    application_id = create(client, domains=["medical-health"])["id"]
    submit_now(client, application_id)
    route = client.get(f"{URL}{application_id}/").json()["route"]
    assert route["name"] == "extra_scrutiny" and route["required_approvals"] == 2
    assert route["specialist_domains"] == ["medical-health"]


def test_submitting_needs_a_verified_address_and_accepted_guidelines(api, submit_now):
    newcomer = accounts.developer_signup(
        email="n@example.com", password="a-long-passphrase-9", organization_name="N"
    )
    client = api(newcomer)
    application_id = create(client)["id"]
    response = submit_now(client, application_id)
    assert response.status_code == 403
    assert response.json()["code"] == "not_ready"
    assert response.json()["missing"] == ["verify_email", "accept_guidelines"]
    EmailAddress.objects.filter(user=newcomer).update(verified=True)
    accounts.guidelines_accept(user=newcomer, version=1)
    assert submit_now(client, application_id).status_code == 202


def test_each_submit_freezes_a_revision(api, dev_a, submit_now):
    client = api(dev_a)
    application_id = create(client)["id"]
    submit_now(client, application_id)
    revision = Revision.objects.get()
    assert revision.number == 1 and revision.content["title"] == BENIGN["title"]
    assert revision.policy.number == 1 and revision.screened_at is not None


def test_submitting_twice_is_a_conflict(api, dev_a, submit_now):
    client = api(dev_a)
    application_id = create(client)["id"]
    submit_now(client, application_id)
    again = submit_now(client, application_id)
    assert again.status_code == 409
    assert Revision.objects.count() == 1


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_withdraw(api, dev_a, submit_now, status):
    client = api(dev_a)
    application_id = create(client)["id"]
    if status == "in_review":
        submit_now(client, application_id)
    response = client.post(f"{URL}{application_id}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client.post(f"{URL}{application_id}/withdraw/").status_code == 409


def test_resubmit_after_changes_requested_makes_revision_two(api, dev_a, submit_now):
    client = api(dev_a)
    application_id = create(client)["id"]
    submit_now(client, application_id)
    # The review queue (next issue) requests changes; here the row is put in that state.
    Application.objects.filter(pk=application_id).update(status="changes_requested")
    client.patch(f"{URL}{application_id}/", {"title": "Support reply drafts v2"}, format="json")
    assert submit_now(client, application_id).status_code == 202
    assert list(Revision.objects.values_list("number", "content__title")) == [
        (1, "Support reply drafts"),
        (2, "Support reply drafts v2"),
    ]


def test_list_shows_my_organizations_applications_with_status_filter(api, dev_a, dev_b, submit_now):
    mine = api(dev_a)
    first = create(mine)["id"]
    create(mine, title="Second")
    create(api(dev_b), title="Theirs")
    submit_now(mine, first)
    listed = mine.get(URL).json()
    assert listed["count"] == 2 and {"count", "next", "previous", "results"} <= set(listed)
    assert [a["id"] for a in mine.get(URL, {"status": "in_review"}).json()["results"]] == [first]


def test_sla_due_time_follows_the_route(api, dev_a, submit_now, settings):
    client = api(dev_a)
    application_id = create(client)["id"]
    before = timezone.now()
    submit_now(client, application_id)
    due = Application.objects.get(pk=application_id).sla_due_at
    expected = timedelta(hours=settings.APPROVALS_SLA_HOURS["standard"])
    assert before + expected - timedelta(seconds=5) < due < timezone.now() + expected


def test_the_list_costs_the_same_queries_for_one_application_or_many(api, dev_a, submit_now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(dev_a)
    submit_now(client, create(client)["id"])
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for i in range(4):
        submit_now(client, create(client, title=f"More {i}")["id"])
    with CaptureQueriesContext(connection) as five:
        assert client.get(URL).json()["count"] == 5
    assert len(five.captured_queries) == len(one.captured_queries)


DEEP = "[" * 100_000 + "]" * 100_000  # issue 12.12: a RecursionError, which was a 500


def test_json_nested_too_deeply_is_a_400_not_a_500(api, dev_a, gateway):
    applications = api(dev_a).post(URL, DEEP, content_type="application/json")
    verify = api(gateway).post("/api/v1/keys/verify/", DEEP, content_type="application/json")
    for response in (applications, verify):
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"
    assert not Application.objects.exists()
