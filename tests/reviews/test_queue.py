"""The review queue in SQL: who may decide what (held equal to refusal()), the order, the
keyset pages of the page and the API, capped counts, and next item under locks."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connections, transaction

from accounts import paging
from accounts import services as accounts
from approvals import lifecycle
from approvals.models import Application
from audit.models import AuditEvent
from reviews import claims, decisions, eligibility, queue
from reviews.models import Claim, Decision
from tests.world import submitted

pytestmark = pytest.mark.django_db
Q = "/api/v1/review-queue/"
ESCALATED = "We write fake reviews for our clients' products and post them from many accounts."


def ids(response):
    return [item["id"] for item in response.json()["results"]]


def decide(reviewer, application, decision="approve"):
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(
        reviewer=reviewer, application=application, decision=decision, rationale="Because."
    )


def opted_out(make_account, email, domains):
    person = make_account(email, role="reviewer")
    return accounts.opt_outs_set(actor=person, user=person, opt_outs=domains)


# Eligibility: the SQL and refusal() agree --------------------------------------------


def test_the_sql_and_refusal_agree_over_every_persona_and_case(
    make_account, dev_a, dev_b, admin, specialist, reviewer2
):
    insider = make_account("ivy@org-a-reviewer.example", role="reviewer")
    accounts._add_member(insider, dev_a.memberships.get().organization)
    opted = opted_out(make_account, "otto@provider.example", ["medical-health"])
    two_outs = opted_out(make_account, "olga@provider.example", ["legal", "spam"])
    cases = {
        "plain": submitted(dev_a),
        "org b": submitted(dev_b, title="Org B's"),
        "medical": submitted(dev_a, domains=["medical-health"]),
        "medical and legal": submitted(dev_b, domains=["medical-health", "legal"]),
        "escalated": submitted(dev_b, description=ESCALATED),
        "decided by reviewer2": submitted(dev_b, domains=["legal"]),
        "resubmitted": submitted(dev_b, title="Resubmitted"),
        "closed": submitted(dev_b, title="Rejected"),
    }
    assert cases["escalated"].route_name == "policy_escalation"
    decide(reviewer2, cases["decided by reviewer2"])  # extra scrutiny: still in review
    decide(reviewer2, cases["resubmitted"], "request_changes")
    lifecycle.application_submit(actor=dev_b, application=cases["resubmitted"])
    lifecycle.application_screen(application_id=cases["resubmitted"].pk)
    decide(admin, cases["closed"], "reject")
    people = [insider, opted, two_outs, admin, specialist, reviewer2, dev_a]
    checked = 0
    for person in people:
        listed = set(eligibility.reviewable(person).values_list("pk", flat=True))
        for name, application in cases.items():
            application.refresh_from_db()
            decided = Decision.objects.filter(
                reviewer=person, revision_id=application.current_revision_id
            ).exists()
            expected = (
                application.status == "in_review"
                and eligibility.refusal(person, application) is None
                and not decided
            )
            assert (application.pk in listed) == expected, (person.email, name)
            checked += 1
    assert checked == len(people) * len(cases)
    # The matrix holds each rule at least once, both ways.
    assert cases["resubmitted"].pk in set(
        eligibility.reviewable(reviewer2).values_list("pk", flat=True)
    )
    assert cases["decided by reviewer2"].pk not in set(
        eligibility.reviewable(reviewer2).values_list("pk", flat=True)
    )


def test_an_applications_current_revision_follows_each_submission(dev_a, reviewer2):
    application = submitted(dev_a)
    first = application.current_revision
    decide(reviewer2, application, "request_changes")
    lifecycle.application_submit(actor=dev_a, application=application)
    application.refresh_from_db()
    assert first.number == 1 and application.current_revision.number == 2


def test_the_migration_backfills_the_latest_revision(dev_a, reviewer2):
    application = submitted(dev_a)
    decide(reviewer2, application, "request_changes")
    lifecycle.application_submit(actor=dev_a, application=application)
    Application.objects.update(current_revision=None)
    migration = importlib.import_module("approvals.migrations.0010_application_current_revision")
    migration.backfill_current_revision(apps, None)
    application.refresh_from_db()
    assert application.current_revision == application.latest_revision


def test_the_migration_backfills_who_decided_the_current_revision(dev_a, reviewer2, specialist):
    medical = submitted(dev_a, domains=["medical-health"])
    decide(reviewer2, medical)
    decide(specialist, medical)  # the second approval: approved
    again = submitted(dev_a, title="Asked again")
    decide(reviewer2, again, "request_changes")
    lifecycle.application_submit(actor=dev_a, application=again)
    assert Application.objects.get(pk=medical.pk).decided_by == [reviewer2.pk, specialist.pk]
    Application.objects.update(decided_by=[])
    migration = importlib.import_module("reviews.migrations.0007_backfill_decided_by")
    migration.backfill_decided_by(apps, None)
    assert Application.objects.get(pk=medical.pk).decided_by == [reviewer2.pk, specialist.pk]
    assert Application.objects.get(pk=again.pk).decided_by == []  # a new revision: no one yet


# The order -------------------------------------------------------------------------------


def test_a_specialist_sees_their_specialty_first_then_the_oldest_sla_ties_by_id(
    api, make_account, dev_a, specialist, reviewer2
):
    plain, medical = submitted(dev_a), submitted(dev_a, domains=["medical-health"])
    tied = submitted(dev_a, title="Same SLA")
    legal = submitted(dev_a, domains=["legal"])
    late = plain.sla_due_at.replace(year=2099)
    Application.objects.filter(pk=medical.pk).update(sla_due_at=late)
    Application.objects.filter(pk=tied.pk).update(sla_due_at=plain.sla_due_at)
    Application.objects.filter(pk=legal.pk).update(sla_due_at=plain.sla_due_at.replace(year=2020))
    assert ids(api(specialist).get(Q)) == [medical.pk, legal.pk, plain.pk, tied.pk]
    assert ids(api(reviewer2).get(Q)) == [legal.pk, plain.pk, tied.pk, medical.pk]
    # Once a specialist approved it, the item needs no specialist: it takes its SLA's place.
    other = make_account("mia@provider.example", role="reviewer", specialties=["medical-health"])
    decide(other, medical)
    assert ids(api(specialist).get(Q)) == [legal.pk, plain.pk, tied.pk, medical.pk]
    item = api(specialist).get(Q).json()["results"][-1]
    assert not item["needs_specialist"] and not item["for_my_specialty"]


# Keyset pages ----------------------------------------------------------------------------


def test_walking_the_api_by_cursor_sees_each_item_once_and_comes_back(api, dev_a, specialist):
    made = [submitted(dev_a, title=f"App {i}") for i in range(4)]
    made += [submitted(dev_a, title=f"Medical {i}", domains=["medical-health"]) for i in range(3)]
    client, seen, url, pages = api(specialist), [], f"{Q}?page_size=2", []
    while url:
        body = client.get(url).json()
        assert "count" not in body
        seen += [item["id"] for item in body["results"]]
        pages.append(body)
        url = body["next"]
    assert sorted(seen) == sorted(a.pk for a in made) and len(seen) == len(set(seen))
    assert seen[:3] == ids(client.get(Q))[:3]  # the specialty first, across the pages
    assert all(body["counts"] == {"standard": 4, "extra_scrutiny": 3} for body in pages)
    back = client.get(pages[-1]["previous"]).json()
    assert [item["id"] for item in back["results"]] == [item["id"] for item in pages[-2]["results"]]


def test_walking_the_page_by_cursor_sees_each_item_once(signed_in, dev_a, reviewer, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    made = [submitted(dev_a, title=f"App {i}") for i in range(3)]
    made.append(submitted(dev_a, title="Medical", domains=["medical-health"]))
    client, seen, url = signed_in(reviewer), [], "/reviews/?claimed=no"
    while url:
        response = client.get(url)
        html = response.content.decode()
        here = [a.pk for a in made if f'data-application="{a.pk}"' in html]
        seen += sorted(here, key=lambda pk: html.index(f'data-application="{pk}"'))
        assert html.count("data-application=") <= 2
        found = response.context["pager"]["next"]
        if found:
            assert "claimed=no" in found  # the filters stay
        url = found
    assert sorted(seen) == sorted(a.pk for a in made)
    assert seen[0] == made[-1].pk


def test_counts_stop_at_the_cap_and_say_so(api, signed_in, dev_a, reviewer, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    for i in range(3):
        submitted(dev_a, title=f"App {i}")
    submitted(dev_a, domains=["legal"])
    body = api(reviewer).get(Q).json()
    assert body["counts"] == {"standard": 2, "extra_scrutiny": 1}
    assert body["counts_exact"] == {"standard": False, "extra_scrutiny": True}
    html = signed_in(reviewer).get("/reviews/", {"route": "extra_scrutiny"}).content.decode()
    assert "counts stop at 2" in html
    assert '<a href="?route=standard">Standard</a>: <strong>2+</strong>' in html


@pytest.mark.parametrize(
    "params, field",
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": paging.encode("n", ["x", "y", 1])}, "cursor"),
        ({"cursor": paging.encode("n", [7, "2026-01-01T00:00:00+00:00", 1])}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "lots"}, "page_size"),
    ],
)
def test_a_bad_cursor_or_page_size_is_a_400_naming_the_field(
    api, signed_in, reviewer, params, field
):
    response = api(reviewer).get(Q, params)
    assert response.status_code == 400 and field in response.json()
    assert response.json()["code"] == "invalid"
    if field == "cursor":
        assert signed_in(reviewer).get("/reviews/", params).status_code == 400


# Next item -------------------------------------------------------------------------------


def test_next_item_takes_the_most_urgent_for_the_specialist_and_releases_the_held_one(
    dev_a, specialist, reviewer2
):
    plain, medical = submitted(dev_a), submitted(dev_a, domains=["medical-health"])
    held = submitted(dev_a, title="Held by another")
    claims.claim(reviewer=reviewer2, application=held)
    Application.objects.filter(pk=medical.pk).update(sla_due_at=plain.sla_due_at.replace(year=2099))
    Application.objects.filter(pk=held.pk).update(sla_due_at=plain.sla_due_at.replace(year=2020))
    assert claims.claim_next(reviewer=specialist).application_id == medical.pk
    assert claims.claim_next(reviewer=specialist).application_id == plain.pk
    mine = Claim.objects.filter(reviewer=specialist).values_list("application_id", flat=True)
    assert list(mine) == [plain.pk]  # the one held before was let go, and that is audited
    assert AuditEvent.objects.filter(
        action="claim.released", target_id=str(medical.pk), data__next_item=True
    ).exists()


def test_next_item_with_nothing_else_to_take_keeps_the_held_one(dev_a, reviewer2):
    only = submitted(dev_a)
    assert claims.claim_next(reviewer=reviewer2).application_id == only.pk
    assert claims.claim_next(reviewer=reviewer2) is None
    assert Claim.objects.get().application_id == only.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_next_item_skips_the_row_another_transaction_is_claiming(
    default_policy, make_account, reviewer2
):
    developer = make_account("dan@org-d.example", organization="Org D")
    first, second = submitted(developer), submitted(developer, title="Second")
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        taken = claims.claim_next(reviewer=reviewer2)
    finally:
        release.set()
        holder.join()
    assert taken.application_id == second.pk
