"""Gateway benchmark: `make bench` (or `python -m bench.verify`).

Two gunicorn servers (same workers), PostgreSQL and Redis, driven by wrk from a second
process over loopback. Four targets in the same run:

- floor:  a do-nothing Django view (/bench/floor/) under config.settings.bare: no middleware
          at all, only the apps the anchor needs, Django's own WSGI handler;
- anchor: djangorestframework-api-key's HasAPIKey (/bench/anchor/, a real APIKey, the
          package's default hasher, DRF's JSON parser and renderer) in that same bare setting;
- verify: POST /api/v1/keys/verify/ through the production WSGI entry (config.wsgi, so the
          lean gateway path) under config.settings.bench (production's settings and
          middleware, DEBUG off, persistent database connections, no access log), as the
          gateway (knox token) with a real minted key, in scope, rate limiting on (limits far
          above the load, so every call is VALID);
- batch:  POST /api/v1/keys/verify/batch/ with BENCH_BATCH_CHECKS (10) copies of that check,
          reported per check too (req/s x checks).

Each target runs `wrk -t2 -c8 -d10s --latency` in a fixed order (floor, anchor, verify,
batch), repeated; the report gives the median requests per second and p50/p99 latency, the
ratios against the targets (verify >= 0.6 x floor and >= 3 x anchor in req/s, p99 < 5 ms at
8 connections), what the limiter admitted against what wrk completed, and an in-process
profile of the lean verify path (config.gateway_wsgi called with a WSGI environ, cProfile)
that says where its time goes. A report, not a gate: it exits 0 whether or not a target is
met, and non-zero only when it could not run.

Own database and Redis db (dropped and remade each run): access_review_bench and
redis://127.0.0.1:6379/11. Environment knobs: BENCH_POSTGRES, BENCH_DB_NAME, BENCH_REDIS_URL,
BENCH_WORKERS, BENCH_WORKER_CLASS, BENCH_THREADS, BENCH_DURATION, BENCH_ROUNDS,
BENCH_PROFILE_CALLS, BENCH_BATCH_CHECKS.
"""
