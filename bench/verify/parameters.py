"""The benchmark's parameters: where it runs (ROOT, PostgreSQL, Redis), the environment
knobs, the fixed load and the targets, the bench application, and BenchError.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # bench/verify/parameters.py: the project
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://root@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB_NAME", "access_review_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
# Gunicorn: 4 sync workers, as the Procfile runs the web process (WEB_CONCURRENCY=4): what
# production serves verify with, the same server for every target. Sync workers close the
# connection after each response, so every target pays a TCP connect per call alike.
# Measured alternatives (BENCH_WORKER_CLASS, BENCH_WORKERS, BENCH_THREADS): 2 sync workers
# give the floor more (fewer processes beside wrk on 2 cores) and verify no more; 2 gthread
# workers x 4 threads overlap verify's waits on PostgreSQL and Redis a little and slow the
# floor; neither changes what the ratios say.
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
PROFILE_CALLS = int(os.environ.get("BENCH_PROFILE_CALLS", "2000"))
BATCH_CHECKS = int(os.environ.get("BENCH_BATCH_CHECKS", "10"))
WRK_THREADS, CONNECTIONS, WARMUP_SECONDS = 2, 8, 2
TARGET_FLOOR_RATIO, TARGET_ANCHOR_RATIO, TARGET_P99_MS = 0.6, 3.0, 5.0

VERIFY_URL, FLOOR_URL, ANCHOR_URL = "/api/v1/keys/verify/", "/bench/floor/", "/bench/anchor/"
BATCH_URL = "/api/v1/keys/verify/batch/"
ORDER = ("floor", "anchor", "verify", "batch")
# Which server each target runs on: "bare" is config.settings.bare (no middleware at all),
# "app" config.settings.bench (production's middleware; verify takes the lean WSGI path).
SERVER = {"floor": "bare", "anchor": "bare", "verify": "app", "batch": "app"}
SETTINGS = {"bare": "config.settings.bare", "app": "config.settings.bench"}
# The WSGI entry: the bare setting is plain Django's handler; the app the production entry.
ENTRY = {"bare": "django.core.wsgi:get_wsgi_application()", "app": "config.wsgi:application"}
MODEL, ENDPOINT, TOKENS = "chat-small", "/v1/chat/completions", 100
# Limits far above what the bench can send (it makes well under 100,000 calls a minute).
APPLICATION = {
    "title": "Gateway benchmark",
    "description": "Our support agents get a suggested reply to customer emails about shipping "
    "and invoices; an agent edits and sends every reply themselves.",
    "domains": [],
    "audience": "internal",
    "models": [MODEL],
    "endpoints": [ENDPOINT],
    "expected_requests_per_minute": 1_000_000,
    "expected_monthly_tokens": 10**13,
    "mitigations": ["A person reviews outputs before they reach end users."],
}


class BenchError(Exception):
    """The bench could not run (not a missed target)."""
