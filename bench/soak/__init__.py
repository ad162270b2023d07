"""The soak (`make soak`, or `python -m bench.soak`): verify traffic at a steady rate for
SOAK_SECONDS (default 600) while the gateway's Redis is killed and restarted once, and a
gunicorn worker and the flushing worker are each killed once (kill -9).

Its own parts, made and thrown away each run: a PostgreSQL database (access_review_soak), a
redis-server on a private port in a temporary folder, configured as production should be
(appendonly yes, appendfsync everysec, noeviction: docs/operations.md), gunicorn serving
config.wsgi (production settings, 2 gthread workers, keep-alive) and a loop calling the
flush task (approvals.flush_usage) every SOAK_FLUSH_SECONDS, as beat would every minute.

The load: SOAK_RATE calls a second (default 200) over 8 keep-alive connections, spread over
four grants whose limits the traffic crosses: one by requests a minute, one by tokens a
minute, one by its monthly quota (used up half-way), one never.

At the end it reports: answers by status (goal: no 5xx) and calls left unanswered by the
worker's kill; per grant and minute the calls and tokens admitted (from PostgreSQL's buckets,
by the server's minute) against the limit, the worst minute (goal: within the documented
outage share); and PostgreSQL's usage (UsageBucket, KeyUsage) against what the load saw
admitted (goal: equal; a call the killed worker never answered may or may not have been
charged, so that many are allowed above). A report, not a gate: it exits 0 either way.

Knobs: SOAK_SECONDS, SOAK_RATE, SOAK_FLUSH_SECONDS, SOAK_REDIS_DOWN_SECONDS, SOAK_POSTGRES,
SOAK_DB_NAME.
"""
