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
    BATCH_CHECKS,
    CONNECTIONS,
    DURATION,
    ENTRY,
    ORDER,
    REDIS_URL,
    ROUNDS,
    SERVER,
    SETTINGS,
    THREADS,
    WARMUP_SECONDS,
    WORKER_CLASS,
    WORKERS,
    WRK_THREADS,
    BenchError,
)
from bench.verify.prepare import (
    checks_per_request,
    configure_environment,
    fresh_database,
    fresh_redis,
    make_fixture,
    requests_for,
)
from bench.verify.profiling import profile
from bench.verify.report import report, verdicts
from bench.verify.server import (
    free_port,
    sanity_check,
    start_gunicorn,
    stop_gunicorn,
    wait_ready,
)


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
    procs = {}
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
            f"Gateway benchmark: gunicorn, {WORKERS} {WORKER_CLASS} worker(s)"
            f"{f' x {THREADS} threads' if WORKER_CLASS == 'gthread' else ''} per server; "
            f"two servers: floor and anchor under config.settings.bare (no middleware, "
            f"Django's own WSGI handler), verify and batch ({BATCH_CHECKS} checks a request) "
            f"under config.settings.bench through config.wsgi (production's middleware; "
            f"verify on the lean WSGI path); DEBUG off, CONN_MAX_AGE on, no access log; "
            f"PostgreSQL {urlsplit(os.environ['DATABASE_URL']).path[1:]}, "
            f"Redis {REDIS_URL}; wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{DURATION}s on "
            f"loopback, {ROUNDS} rounds of {', '.join(ORDER)}; {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows every "
            f"target, and the ratios less than the absolute figures)"
        )
        bases = {}
        for server, settings_module in SETTINGS.items():
            port = free_port()
            bases[server] = f"http://127.0.0.1:{port}"
            log_path = workdir / f"gunicorn-{server}.log"
            procs[server] = start_gunicorn(port, log_path, settings_module, ENTRY[server])
        for server, proc in procs.items():
            wait_ready(bases[server], proc, workdir / f"gunicorn-{server}.log")
        base_of = {name: bases[SERVER[name]] for name in ORDER}
        targets = requests_for(fx)
        sanity_check(base_of, targets, fx)
        scripts = write_scripts(targets, workdir)
        checks_sent = 0
        for name in ORDER:  # warm-up: every worker's connections, caches and key record
            run = wrk(base_of[name], name, targets[name][0], scripts[name], WARMUP_SECONDS)
            checks_sent += run.requests * checks_per_request(name) if SERVER[name] == "app" else 0
        results: dict[str, list[Run]] = {name: [] for name in ORDER}
        for _ in range(ROUNDS):
            for name in ORDER:
                run = wrk(base_of[name], name, targets[name][0], scripts[name], DURATION)
                results[name].append(run)
                checks_sent += (
                    run.requests * checks_per_request(name) if SERVER[name] == "app" else 0
                )
        for proc in procs.values():
            stop_gunicorn(proc)
        logs = {
            server: (workdir / f"gunicorn-{server}.log").read_text(errors="replace").strip()
            for server in procs
        }
        summary = report(results)
        admitted = admitted_by_limiter(fx.grant_id)
        print(
            f"\nrate limiting on, grant limits {fx.limits}:\nthe limiter admitted (VALID) "
            f"{admitted:,} checks; wrk completed {checks_sent:,} verify calls and batch checks "
            f"(warm-up included; the sanity calls and each run's in-flight calls at its end are "
            f"admitted but not counted)"
        )
        met = verdicts(summary)
        print(f"all targets {'met' if met else 'NOT met'}")
        for server, log in logs.items():
            if log:
                print(
                    f"\ngunicorn ({server}) said (the sanity check's refused calls may be "
                    "logged):\n" + log[-2000:]
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
        for proc in procs.values():
            stop_gunicorn(proc)
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(mail_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
