"""The append-only trigger without the escape migration 0002 had: TRUNCATE was let through
wherever a session set audit.allow_truncate = on, which any role with TRUNCATE could do, in
production too (issue 12.4). Now the function refuses every UPDATE, DELETE and TRUNCATE.
The test suite's own database gets the escape back from tests/conftest.py, so that its
transactional tests can reset the table; nothing a deployment runs installs it.
"""

from django.db import migrations

REFUSE = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

WITH_ESCAPE = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('audit.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def refuse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE, params=None)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WITH_ESCAPE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_search_index")]

    operations = [migrations.RunPython(refuse, restore)]
