"""A trigram index for the audit log's free-text search (PostgreSQL only; see audit/search.py).

pg_trgm is a trusted extension (PostgreSQL 13+): a role with CREATE on the database may
create it. The expression must stay the one audit.search.DOCUMENT spells, or the planner
will not use the index (tests/audit/test_search.py checks the plan). Built CONCURRENTLY so
that appends to the log go on meanwhile.
"""

from django.db import migrations

DOCUMENT = ("actor_label || ' ' || action || ' ' || target_type || ':' || "
            "target_id || ' ' || request_id || ' ' || CAST(data AS text)")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_event_search_trgm ON audit_auditevent "
        f"USING gin (({DOCUMENT}) gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS audit_event_search_trgm")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("audit", "0003_verification_and_indexes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
