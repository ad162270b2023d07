"""Free-text search over the audit log.

One text per event (actor, action, target, request id and data), matched with ILIKE
'%term%'. On PostgreSQL a trigram GIN index over exactly that text (migration 0004) finds
the matches without reading the table, however deep in the log they are; a term shorter
than three characters has no trigram to look up, so the form refuses it. SQLite, the
embedded default, matches the same text with LIKE (case-insensitive for ASCII) by scanning.
"""

from django.db.models import BooleanField, Expression

MIN_LENGTH = 3
MAX_LENGTH = 200
# The indexed expression, column by column: migration 0004 builds its index over this text,
# and PostgreSQL uses the index only for a query that spells the same expression.
DOCUMENT = (
    "{t}.actor_label || ' ' || {t}.action || ' ' || {t}.target_type || ':' || "
    "{t}.target_id || ' ' || {t}.request_id || ' ' || CAST({t}.data AS text)"
)


def like_pattern(term: str) -> str:
    """'%term%', with the term's own wildcards taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Matches(Expression):
    """filter(Matches(term)): the event's text contains the term, in any case."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, term: str):
        super().__init__()
        self.term = term

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        document = DOCUMENT.format(t=table)
        if connection.vendor == "postgresql":
            return f"({document}) ILIKE %s", [like_pattern(self.term)]
        return f"({document}) LIKE %s ESCAPE '\\'", [like_pattern(self.term)]
