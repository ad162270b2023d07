"""Runs the soak; see bench/soak/__init__.py."""

import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.soak import parts, prepare
from bench.soak.load import Load
from bench.soak.parameters import (
    FLUSH_SECONDS,
    KILL_AT,
    RATE,
    REDIS_AT,
    REDIS_DOWN_SECONDS,
    SECONDS,
    SoakError,
)
from bench.soak.report import report


def _disturb(redis, master, flusher_box, folder, events) -> None:
    """Once: Redis killed and restarted; then a gunicorn worker and the flusher killed."""
    start = time.monotonic()
    time.sleep(max(0, start + SECONDS * REDIS_AT - time.monotonic()))
    redis.kill()
    events.append((time.time(), "redis-server killed (-9)"))
    time.sleep(REDIS_DOWN_SECONDS)
    redis.start()
    events.append((time.time(), "redis-server restarted (its append-only file)"))
    time.sleep(max(0, start + SECONDS * KILL_AT - time.monotonic()))
    worker = parts.gunicorn_workers(master)[0]
    os.kill(worker, signal.SIGKILL)
    events.append((time.time(), f"gunicorn worker {worker} killed (-9)"))
    time.sleep(FLUSH_SECONDS / 2)
    flusher_box[0].send_signal(signal.SIGKILL)
    flusher_box[0].wait(timeout=10)
    events.append((time.time(), "flushing worker killed (-9)"))
    time.sleep(2)
    flusher_box[0] = parts.start_flusher(folder / "flusher.log")
    events.append((time.time(), "flushing worker restarted"))


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    redis = parts.RedisServer(folder)
    master = None
    flusher_box = [None]
    try:
        redis.start()
        prepare.configure_environment(redis.url, folder)
        prepare.fresh_database()
        import django

        django.setup()
        token, keys, grant_ids, limits = prepare.make_grants()
        port = parts.free_port()
        master = parts.start_gunicorn(port, folder / "gunicorn.log")
        flusher_box[0] = parts.start_flusher(folder / "flusher.log")
        print(f"soak: {SECONDS} s at {RATE:.0f} calls/s, 4 grants; parts in {folder}")
        load, events = Load(port, token, keys, RATE), []
        disturber = threading.Thread(
            target=_disturb, args=(redis, master, flusher_box, folder, events), daemon=True
        )
        disturber.start()
        load.run(SECONDS)
        disturber.join(timeout=30)
        time.sleep(1)
        parts.stop(flusher_box[0])
        from approvals.keys import keystore
        from approvals.keys import limits as gateway_limits

        keystore.reset()
        while gateway_limits.flush(keystore.client()):  # what the flusher had not moved yet
            pass
        figures = report(load.calls, grant_ids, limits, events)
        print(json.dumps({"soak": figures}))
        failures = (folder / "flusher.log").read_text(errors="replace").count("flush failed")
        print(f"flush loop: {failures} failed runs (Redis down); logs in {folder}")
        return 0
    except SoakError as exc:
        print(f"soak could not run: {exc}", file=sys.stderr)
        return 1
    finally:
        parts.stop(flusher_box[0])
        parts.stop(master)
        redis.stop()
        from django.db import connections

        connections.close_all()
        if os.environ.get("SOAK_KEEP_DATABASE") != "1":
            prepare.drop_database()


if __name__ == "__main__":
    sys.exit(main())
