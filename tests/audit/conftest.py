"""Helpers for the audit tests: events written through audit.services.record (so the chain
is real), and a tamperer with the table owner's rights."""

import pytest
from django.db import connection

from audit.services import record


@pytest.fixture
def write():
    """write(n, actor=None, action=..., target_type=..., target_id=..., data=...) -> events.
    target_id and data may be callables of the event's index."""

    def write_events(
        n, actor=None, action="thing.happened", target_type="thing", target_id=None, data=None
    ):
        return [
            record(
                actor=actor,
                action=action,
                target_type=target_type,
                target_id=target_id(i)
                if callable(target_id)
                else (i if target_id is None else target_id),
                data=data(i) if callable(data) else (data or {"n": i}),
            )
            for i in range(n)
        ]

    return write_events


def _raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def tamper():
    """tamper(sql, *params): what somebody with the table owner's rights could do: switch
    the append-only trigger off, change a row, switch it back on."""

    def run(sql, *params):
        if connection.vendor == "postgresql":
            _raw("SET CONSTRAINTS ALL IMMEDIATE")  # settle deferred foreign-key checks first
            _raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_refuse_update_delete")
        _raw(sql, *params)
        if connection.vendor == "postgresql":
            _raw("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_refuse_update_delete")

    return run


@pytest.fixture
def staff_client(client, admin):
    client.force_login(admin)
    return client
