"""The soak's knobs and fixed shape."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
RATE = float(os.environ.get("SOAK_RATE", "200"))
FLUSH_SECONDS = float(os.environ.get("SOAK_FLUSH_SECONDS", "5"))
REDIS_DOWN_SECONDS = float(os.environ.get("SOAK_REDIS_DOWN_SECONDS", "5"))
POSTGRES = os.environ.get("SOAK_POSTGRES", "postgres://root@127.0.0.1:5432")
DB_NAME = os.environ.get("SOAK_DB_NAME", "access_review_soak")
WORKERS, THREADS, CONNECTIONS = 2, 4, 8
MODEL, ENDPOINT, TOKENS = "chat-small", "/v1/chat/completions", 10
# When, as a share of the run: Redis killed (and restarted SOAK_REDIS_DOWN_SECONDS later);
# a gunicorn worker and the flushing worker killed (the flusher restarted 2 s later).
REDIS_AT, KILL_AT = 0.3, 0.6


def grant_limits(rate: float, seconds: int) -> dict[str, dict]:
    """Four grants, each sent a quarter of the calls: limits the traffic crosses."""
    per_minute = rate / 4 * 60
    high = {"requests_per_minute": 10**6, "tokens_per_minute": 10**9, "monthly_tokens": 10**12}
    return {
        "requests": {**high, "requests_per_minute": int(per_minute / 2)},
        "tokens": {**high, "tokens_per_minute": int(per_minute * TOKENS * 2 / 3)},
        "quota": {**high, "monthly_tokens": int(rate / 4 * seconds / 2) * TOKENS},
        "free": high,
    }


class SoakError(Exception):
    """The soak could not run."""
