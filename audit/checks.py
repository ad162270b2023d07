"""Deployment checks (`manage.py check --deploy`) for what keeps the audit log honest.

audit.W001/W002: the app's database role could rewrite the log, by owning the table (an
owner may switch the append-only triggers off, or set session_replication_role) or by the
privilege to UPDATE, DELETE or TRUNCATE it (docs/operations.md, "The audit log's database
role"). PostgreSQL only; the query costs one round trip.

audit.W003-W005: the anchors outside the database are missing (AUDIT_CHAIN_KEY,
AUDIT_DIGEST_DIR). Warnings rather than a refusal to start: a deployment upgraded without a
key keeps working and its old chain still verifies, while the checklist (`check --deploy
--fail-level WARNING`) does not pass until the operator has set them.
"""

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, connection

from .models import AuditEvent

MIN_KEY_LENGTH = 32
_PRIVILEGES = ("UPDATE", "DELETE", "TRUNCATE")
_ROLE_QUERY = """
SELECT pg_has_role(current_user, c.relowner, 'USAGE'), r.rolsuper, current_user,
       has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'),
       has_table_privilege(c.oid, 'TRUNCATE')
FROM pg_class c JOIN pg_roles r ON r.rolname = current_user
WHERE c.oid = to_regclass(%s)
"""


@register(Tags.security, Tags.database, deploy=True)
def audit_table_role(app_configs=None, **kwargs):
    if connection.vendor != "postgresql":
        return []
    table = AuditEvent._meta.db_table
    try:
        with connection.cursor() as cursor:
            cursor.execute(_ROLE_QUERY, [table])
            row = cursor.fetchone()
    except DatabaseError as exc:
        return [
            Warning(
                f"Could not read the database role's rights on {table}: {exc}",
                hint="Run the check where the database answers.",
                id="audit.W006",
            )
        ]
    if row is None:  # not migrated yet
        return []
    owns, superuser, role, *privileges = row
    found = []
    if owns or superuser:
        found.append(
            Warning(
                f"The database role {role!r} "
                f"{'is a superuser' if superuser else 'owns'} {table}: it can switch the "
                "append-only triggers off and rewrite the audit log.",
                hint="Run the app as a role that does not own the tables "
                "(docs/operations.md, 'The audit log's database role').",
                id="audit.W001",
            )
        )
    allowed = [name for name, may in zip(_PRIVILEGES, privileges, strict=True) if may]
    if allowed:
        found.append(
            Warning(
                f"The database role {role!r} may {', '.join(allowed)} {table}.",
                hint=f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}; "
                f"GRANT SELECT, INSERT ON {table} TO {role};",
                id="audit.W002",
            )
        )
    return found


@register(Tags.security, deploy=True)
def audit_anchors(app_configs=None, **kwargs):
    found = []
    key = settings.AUDIT_CHAIN_KEY
    if not key:
        found.append(
            Warning(
                "AUDIT_CHAIN_KEY is not set: new audit events are hashed with plain SHA-256, "
                "which whoever can write the database can recompute after an edit.",
                hint="Set AUDIT_CHAIN_KEY to a random secret of 32 characters or more, kept "
                "outside the database (docs/operations.md).",
                id="audit.W003",
            )
        )
    elif len(key) < MIN_KEY_LENGTH:
        found.append(
            Warning(
                f"AUDIT_CHAIN_KEY is shorter than {MIN_KEY_LENGTH} characters.",
                hint="Use a random secret, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`.",
                id="audit.W004",
            )
        )
    directory = settings.AUDIT_DIGEST_DIR
    if not directory or not os.path.isdir(directory) or not os.access(directory, os.W_OK):
        found.append(
            Warning(
                "AUDIT_DIGEST_DIR is not set or not a writable directory: no signed digest "
                "of the chain head is kept outside the database, so deleting the newest "
                "events and rewinding the chain head goes unnoticed.",
                hint="Point AUDIT_DIGEST_DIR at a directory the database's owner cannot "
                "write (another host's mount, an object store with retention).",
                id="audit.W005",
            )
        )
    return found
