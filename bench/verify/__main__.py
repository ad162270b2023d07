"""`python -m bench.verify` (`make bench`): set up, serve, load, report, profile."""

import io
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from urllib.parse import urlsplit

from bench.verify.load import Run, admitted_by_limiter, write_scripts, wrk
from bench.verify.parameters import (
    CONNECTIONS,
    DURATION,
    ORDER,
    REDIS_URL,
    ROUNDS,
    THREADS,
    WARMUP_SECONDS,
    WORKER_CLASS,
    WORKERS,
    WRK_THREADS,
    BenchError,
)
from bench.verify.prepare import (
    configure_environment,
    fresh_database,
    fresh_redis,
    make_fixture,
    requests_for,
)
from bench.verify.profiling import profile
from bench.verify.report import report, verdicts
from bench.verify.server import free_port, sanity_check, start_gunicorn, stop_gunicorn, wait_ready


def _raise_on_sigterm(*_):
    raise SystemExit(143)


def main() -> int:
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _raise_on_sigterm)  # so gunicorn is stopped on the way out
    if shutil.which("wrk") is None:
        print("bench: wrk not found (Debian package `wrk`: apt-get install wrk)", file=sys.stderr)
        return 2
    mail_dir = configure_environment()
    workdir = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    proc = None
    try:
        fresh_database()
        fresh_redis()
        import django

        try:
            django.setup()
        except ImportError as exc:
            raise BenchError(f"{exc} (install requirements-bench.txt)") from exc
        from django.db import connections

        setup_output = io.StringIO()
        logging.disable(logging.WARNING)  # the setup's chatter (kombu's eager-mode notes)
        try:
            with redirect_stdout(setup_output), redirect_stderr(setup_output):
                fx = make_fixture()
        except Exception:
            print(setup_output.getvalue(), file=sys.stderr)
            raise
        finally:
            logging.disable(logging.NOTSET)
        connections.close_all()
        print(
            f"Gateway benchmark: gunicorn config.wsgi, {WORKERS} {WORKER_CLASS} worker(s)"
            f"{f' x {THREADS} threads' if WORKER_CLASS == 'gthread' else ''}, "
            f"DJANGO_SETTINGS_MODULE=config.settings.bench (DEBUG off, CONN_MAX_AGE on, no "
            f"access log); PostgreSQL {urlsplit(os.environ['DATABASE_URL']).path[1:]}, "
            f"Redis {REDIS_URL}; wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{DURATION}s on "
            f"loopback, {ROUNDS} rounds of {', '.join(ORDER)}; {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows every "
            f"target, and the ratios less than the absolute figures)"
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_gunicorn(port, workdir / "gunicorn.log")
        wait_ready(base, proc, workdir / "gunicorn.log")
        targets = requests_for(fx)
        sanity_check(base, targets, fx)
        scripts = write_scripts(targets, workdir)
        verify_sent = 0
        for name in ORDER:  # warm-up: every worker's connections, caches and key record
            run = wrk(base, name, targets[name][0], scripts[name], WARMUP_SECONDS)
            verify_sent += run.requests if name == "verify" else 0
        results: dict[str, list[Run]] = {name: [] for name in ORDER}
        for _ in range(ROUNDS):
            for name in ORDER:
                run = wrk(base, name, targets[name][0], scripts[name], DURATION)
                results[name].append(run)
                verify_sent += run.requests if name == "verify" else 0
        stop_gunicorn(proc)
        log = (workdir / "gunicorn.log").read_text(errors="replace").strip()
        summary = report(results)
        admitted = admitted_by_limiter(fx.grant_id)
        print(
            f"\nrate limiting on, grant limits {fx.limits}:\nthe limiter admitted (VALID) "
            f"{admitted:,} verify calls; wrk completed {verify_sent:,} (warm-up included; "
            f"the sanity calls and each run's "
            f"in-flight calls at its end are admitted but not counted)"
        )
        met = verdicts(summary)
        print(f"all targets {'met' if met else 'NOT met'}")
        if log:
            print(
                "\ngunicorn said (the sanity check's refused calls are logged as Unauthorized):\n"
                + log[-2000:]
            )
        profile(fx)
        print(
            f"\n(total {time.monotonic() - started:.0f} s; load average now "
            f"{os.getloadavg()[0]:.2f})"
        )
        return 0
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        stop_gunicorn(proc)
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(mail_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
