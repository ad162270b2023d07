"""Gateway benchmark: `make bench` (or `python -m bench.verify`).

Serves the app with gunicorn (config.wsgi, config.settings.bench: production settings, DEBUG
off, persistent database connections, no access log) against PostgreSQL and Redis, and drives
it with wrk from a second process over loopback. Three targets, on the same server in the
same run:

- floor:  a do-nothing Django view behind the same middleware (/bench/floor/);
- verify: POST /api/v1/keys/verify/ as the gateway (knox token) with a real minted key, a
          model and endpoint in scope, rate limiting on (limits far above the load, so every
          call is VALID);
- anchor: the same check done the way djangorestframework-api-key's HasAPIKey does it
          (/bench/anchor/, a real APIKey, the package's default hasher).

Each target runs `wrk -t2 -c8 -d10s --latency` in a fixed order (floor, verify, anchor),
repeated; the report gives the median requests per second and p50/p99 latency, the ratios
against the targets (verify >= 0.7 x floor and >= 2 x anchor in req/s, p99 < 10 ms at 8
connections), and a profile of the verify view in-process (Django's test Client, cProfile)
that says where its time goes. A report, not a gate: it exits 0 whether or not a target is
met, and non-zero only when it could not run.

Own database and Redis db (dropped and remade each run): access_review_bench and
redis://127.0.0.1:6379/11. Environment knobs: BENCH_POSTGRES, BENCH_DB_NAME, BENCH_REDIS_URL,
BENCH_WORKERS, BENCH_WORKER_CLASS, BENCH_THREADS, BENCH_DURATION, BENCH_ROUNDS,
BENCH_PROFILE_CALLS.
"""
