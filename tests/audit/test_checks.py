"""Issue 12.5: `manage.py check --deploy` warns when the app's database role could rewrite
the audit log: it owns the table (so it can switch the append-only triggers off) or may
UPDATE, DELETE or TRUNCATE it. A role that may only read and insert gets no warning."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
ROLE_IDS = {"audit.W001", "audit.W002"}


def role_warnings() -> dict:
    """The audit role checks as `check --deploy` runs them, by id."""
    return {
        message.id: message
        for message in run_checks(include_deployment_checks=True)
        if message.id in ROLE_IDS
    }


def raw(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_owner_is_warned_that_it_can_rewrite_the_log():
    # The tests connect as the superuser that created (owns) every table.
    warnings = role_warnings()
    assert set(warnings) == ROLE_IDS
    assert "audit_auditevent" in warnings["audit.W001"].msg
    assert "UPDATE" in warnings["audit.W002"].msg and "TRUNCATE" in warnings["audit.W002"].msg


def test_the_warnings_come_with_check_deploy_only(capsys):
    call_command("check", "--deploy")
    assert "audit.W001" in capsys.readouterr().err
    assert not {m.id for m in run_checks()} & ROLE_IDS  # a plain `check` stays quiet


def test_a_role_that_may_only_read_and_insert_is_not_warned():
    table = "audit_auditevent"
    raw("CREATE ROLE audit_check_app NOLOGIN NOSUPERUSER")  # undone with the test's transaction
    raw("GRANT USAGE ON SCHEMA public TO audit_check_app")
    raw(f"GRANT SELECT, INSERT ON {table} TO audit_check_app")
    raw("SET LOCAL ROLE audit_check_app")
    try:
        assert role_warnings() == {}
    finally:
        raw("RESET ROLE")


def test_a_role_granted_delete_is_warned_but_does_not_own_the_table():
    raw("CREATE ROLE audit_check_app NOLOGIN NOSUPERUSER")
    raw("GRANT USAGE ON SCHEMA public TO audit_check_app")
    raw("GRANT SELECT, INSERT, DELETE ON audit_auditevent TO audit_check_app")
    raw("SET LOCAL ROLE audit_check_app")
    try:
        warnings = role_warnings()
    finally:
        raw("RESET ROLE")
    assert set(warnings) == {"audit.W002"}
    assert "DELETE" in warnings["audit.W002"].msg and "UPDATE" not in warnings["audit.W002"].msg


def anchor_warnings() -> set:
    return {m.id for m in run_checks(include_deployment_checks=True)} & {
        "audit.W003",
        "audit.W004",
        "audit.W005",
    }


def test_missing_anchors_are_warned_and_configured_ones_are_not(settings, tmp_path):
    settings.AUDIT_CHAIN_KEY, settings.AUDIT_DIGEST_DIR = "", ""
    assert anchor_warnings() == {"audit.W003", "audit.W005"}
    settings.AUDIT_CHAIN_KEY = "too-short"
    settings.AUDIT_DIGEST_DIR = str(tmp_path / "absent")
    assert anchor_warnings() == {"audit.W004", "audit.W005"}
    settings.AUDIT_CHAIN_KEY = "k" * 40
    settings.AUDIT_DIGEST_DIR = str(tmp_path)
    assert anchor_warnings() == set()
