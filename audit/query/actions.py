"""The actions present in the log, for the page's pick-list: a loose index scan over
(action, id) on PostgreSQL (one index probe per distinct action, however long the log),
cached for a few minutes."""

from django.core.cache import cache
from django.db import connection

from audit.models import AuditEvent

CACHE_KEY, CACHE_SECONDS = "audit:actions-present", 300

_SKIP_SCAN = f"""
WITH RECURSIVE present(action) AS (
    (SELECT action FROM {AuditEvent._meta.db_table} ORDER BY action LIMIT 1)
    UNION ALL
    SELECT (SELECT e.action FROM {AuditEvent._meta.db_table} e
            WHERE e.action > present.action ORDER BY e.action LIMIT 1)
    FROM present WHERE present.action IS NOT NULL
)
SELECT action FROM present WHERE action IS NOT NULL
"""  # noqa: S608 (no input: the table's own name)


def actions_present() -> list[str]:
    actions = cache.get(CACHE_KEY)
    if actions is None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_SKIP_SCAN)
                actions = [row[0] for row in cursor.fetchall()]
        else:
            actions = list(
                AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
            )
        cache.set(CACHE_KEY, actions, CACHE_SECONDS)
    return actions
