"""Audit log benchmark: `make bench-audit` (or `python -m bench.audit`).

Fills its own PostgreSQL database (dropped and remade each run) with BENCH_AUDIT_EVENTS
(1,000,000) events and times what an administrator does with them, through Django's test
client (whole requests: middleware, session, query, template), median of BENCH_REPEAT runs
after one warm-up:

- the audit page: first page, deep keyset pages, each filter, combinations, time windows,
  free-text search (common, rare and absent terms), and the page below a search;
- the API list (with its bounded count) and what the old page did instead (COUNT(*), OFFSET);
- both exports of the whole log and of a filter: rows per second, MB per second, and how
  much the process grew while streaming (constant memory means it does not);
- the chain verification: the full walk, an incremental run after 1,000 appends, and the
  cost of one append (record()) with every index in place.

The events form a valid chain (computed here, then loaded with COPY; indexes are dropped for
the load and rebuilt after, as one would restore a dump), so the verification figures are
real. The data is synthetic: ~24 actions with a skewed mix, 2,000 accounts with a few heavy
ones, failed sign-ins by outsiders, system events, short notes in `data` (a common word in a
fifth of them, a rare one in 1 in 10,000), one event every 0-60 s over about a year.

A report, not a gate: it exits 0 unless it could not run. Environment knobs: BENCH_POSTGRES,
BENCH_AUDIT_DB, BENCH_AUDIT_EVENTS, BENCH_REPEAT.
"""
