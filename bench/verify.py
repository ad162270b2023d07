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

import cProfile
import functools
import io
import json
import logging
import os
import pstats
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
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
WRK_THREADS, CONNECTIONS, WARMUP_SECONDS = 2, 8, 2
TARGET_FLOOR_RATIO, TARGET_ANCHOR_RATIO, TARGET_P99_MS = 0.7, 2.0, 10.0

VERIFY_URL, FLOOR_URL, ANCHOR_URL = "/api/v1/keys/verify/", "/bench/floor/", "/bench/anchor/"
ORDER = ("floor", "verify", "anchor")
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


@dataclass
class Fixture:
    key: str  # the developer's production key, as minted
    token: str  # the gateway account's knox token
    api_key: str  # the anchor's djangorestframework-api-key key
    grant_id: int
    limits: dict


@dataclass
class Run:
    target: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


# --- setup -------------------------------------------------------------------------------


def configure_environment() -> Path:
    """What config.settings.bench (production) needs; the same environment goes to gunicorn."""
    mail_dir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"{POSTGRES.rstrip('/')}/{DB_NAME}",
            "CACHE_URL": REDIS_URL,
            "GATEWAY_REDIS_URL": REDIS_URL,
            "GATEWAY_PROCESSES": str(WORKERS),
            "EMAIL_FILE_PATH": str(mail_dir),  # the decision mail of the setup, not the console
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)  # setup tasks run in-process
    os.environ.pop("DJANGO_DEBUG", None)
    return mail_dir


def fresh_database() -> None:
    import psycopg

    try:
        with psycopg.connect(
            f"{POSTGRES.rstrip('/')}/postgres", autocommit=True, connect_timeout=5
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {POSTGRES}: {exc}") from exc


def fresh_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()
    except redis.RedisError as exc:
        raise BenchError(f"Redis at {REDIS_URL}: {exc}") from exc


def make_fixture() -> Fixture:
    """A developer with an approved grant and a minted key, a gateway account with a knox
    token (as tests/approvals/keys/conftest.py makes a grant), and the anchor's APIKey."""
    from django.core.management import call_command
    from rest_framework_api_key.models import APIKey

    from accounts import services
    from approvals import lifecycle
    from approvals.keys import services as keys
    from reviews import claims, decisions

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_policy", verbosity=0)
    password = secrets.token_urlsafe(24)
    reviewer = services.account_create(
        actor=None, email="reviewer@bench.example", password=password, role="reviewer"
    )
    developer = services.account_create(
        actor=None,
        email="developer@bench.example",
        password=password,
        role="developer",
        organization_name="Bench Org",
    )
    gateway = services.account_create(
        actor=None, email="gateway@bench.example", password=password, role="gateway"
    )
    application = lifecycle.application_create(
        actor=developer, organization=developer.memberships.get().organization, content=APPLICATION
    )
    lifecycle.application_submit(actor=developer, application=application)
    lifecycle.application_screen(application_id=application.pk)
    application.refresh_from_db()
    if application.status != "in_review":
        raise BenchError(f"the bench application was routed to {application.status}")
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(reviewer=reviewer, application=application, decision="approve")
    application.refresh_from_db()
    grant = application.grant
    _, key_text = keys.key_mint(actor=developer, grant=grant, name="bench")
    _, token = services.api_token_issue(user=gateway)
    _, api_key = APIKey.objects.create_key(name="bench anchor")
    return Fixture(
        key=key_text, token=token, api_key=api_key, grant_id=grant.pk, limits=grant.limits
    )


def requests_for(fx: Fixture) -> dict[str, tuple[str, dict, dict]]:
    """Per target: path, headers, JSON body. The same body for all three."""
    body = {"key": fx.key, "model": MODEL, "endpoint": ENDPOINT, "tokens": TOKENS}
    return {
        "floor": (FLOOR_URL, {}, body),
        "verify": (VERIFY_URL, {"Authorization": f"Token {fx.token}"}, body),
        "anchor": (ANCHOR_URL, {"Authorization": f"Api-Key {fx.api_key}"}, body),
    }


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        WORKER_CLASS,
        "--threads",
        str(THREADS),
        "--log-level",
        "warning",
        "--backlog",
        "2048",
    ]
    with open(log_path, "wb") as log:
        return subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_gunicorn(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()  # SIGTERM: gunicorn's graceful shutdown
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: the master and its workers
        proc.wait(timeout=5)


def call(base: str, path: str, headers: dict, body: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(base: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError("gunicorn exited:\n" + log_path.read_text(errors="replace")[-3000:])
        try:
            if call(base, FLOOR_URL, {}, {})[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(
        "gunicorn did not answer within 30 s:\n" + log_path.read_text(errors="replace")[-3000:]
    )


def sanity_check(base: str, targets: dict, fx: Fixture) -> None:
    """Each target answers as it should, and the checks are real (a wrong key is refused)."""
    checks = []
    for name, (path, headers, body) in targets.items():
        status, content = call(base, path, headers, body)
        checks.append((f"{name}: 200", status == 200, f"{status} {content[:200]!r}"))
        if name == "verify":
            answer = json.loads(content)
            checks.append(("verify: VALID", answer.get("code") == "VALID", answer))
    path, headers, body = targets["verify"]
    wrong = fx.key[:-7] + ("A" if fx.key[-7] != "A" else "B") + fx.key[-6:]
    status, content = call(base, path, headers, {**body, "key": wrong})
    checks.append(
        (
            "verify: a wrong key is NOT_FOUND",
            status == 200 and json.loads(content).get("code") == "NOT_FOUND",
            content,
        )
    )
    status, content = call(base, path, {"Authorization": "Token nope"}, body)
    checks.append(("verify: a bad gateway token is 401", status == 401, status))
    path, headers, body = targets["anchor"]
    prefix, _, secret = fx.api_key.partition(".")
    status, _ = call(base, path, {"Authorization": f"Api-Key {prefix}.{secret[::-1]}"}, body)
    checks.append(("anchor: a wrong key is refused", status in (401, 403), status))
    failed = [f"{label} (got {got})" for label, ok, got in checks if not ok]
    if failed:
        raise BenchError("sanity check failed: " + "; ".join(failed))
    print("sanity: " + "; ".join(label for label, _, _ in checks))


# --- the load generator ------------------------------------------------------------------

LUA = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{auth}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT %d %d %.1f %.1f %.1f %.1f %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""
RESULT = re.compile(r"^BENCH-RESULT (.+)$", re.M)


def lua_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_scripts(targets: dict, folder: Path) -> dict[str, Path]:
    scripts = {}
    for name, (_, headers, body) in targets.items():
        auth = "\n".join(
            f"wrk.headers[{lua_quote(k)}] = {lua_quote(v)}" for k, v in headers.items()
        )
        path = folder / f"{name}.lua"
        path.write_text(LUA.format(body=lua_quote(json.dumps(body)), auth=auth))
        scripts[name] = path
    return scripts


def wrk(base: str, name: str, path: str, script: Path, seconds: int) -> Run:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "5s",
        "-s",
        str(script),
        base + path,
    ]
    done = subprocess.run(  # noqa: S603
        command,
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    found = RESULT.search(done.stdout)
    if done.returncode != 0 or not found:
        raise BenchError(f"wrk failed on {name}: {done.stdout[-1500:]} {done.stderr[-1500:]}")
    n, duration_us, p50, p90, p99, top, *errors = found.group(1).split()
    labels = ("connect", "read", "write", "status", "timeout")
    return Run(
        target=name,
        requests=int(n),
        seconds=int(duration_us) / 1e6,
        p50_ms=float(p50) / 1000,
        p90_ms=float(p90) / 1000,
        p99_ms=float(p99) / 1000,
        max_ms=float(top) / 1000,
        errors={k: int(v) for k, v in zip(labels, errors, strict=True) if int(v)},
    )


def admitted_by_limiter(grant_id: int) -> int:
    """Calls the limiter admitted (VALID) for the grant: the requests in its usage buckets."""
    import redis

    r = redis.Redis.from_url(REDIS_URL)
    return sum(
        int(r.hget(name, "requests") or 0) for name in r.scan_iter(match=f"ar:use:{{{grant_id}}}:*")
    )


# --- the report --------------------------------------------------------------------------


def median_of(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def report(results: dict[str, list[Run]]) -> dict[str, float]:
    print(
        f"\n{'target':<8}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"   req/s of each run; errors"
    )
    summary = {}
    for name in ORDER:
        runs = results[name]
        rps, p50 = median_of(runs, "rps"), median_of(runs, "p50_ms")
        p90, p99 = median_of(runs, "p90_ms"), median_of(runs, "p99_ms")
        worst = max(run.max_ms for run in runs)
        errors = {}
        for run in runs:
            for k, v in run.errors.items():
                errors[k] = errors.get(k, 0) + v
        each = ", ".join(f"{run.rps:,.0f}" for run in runs)
        print(
            f"{name:<8}{rps:>9,.0f}{p50:>9.2f}{p90:>9.2f}{p99:>9.2f}{worst:>9.1f}   "
            f"{each}; {errors or 'none'}"
        )
        summary[f"{name}_rps"], summary[f"{name}_p99"] = rps, p99
    return summary


def verdicts(summary: dict[str, float]) -> bool:
    floor_ratio = summary["verify_rps"] / summary["floor_rps"]
    anchor_ratio = summary["verify_rps"] / summary["anchor_rps"]
    p99 = summary["verify_p99"]
    rows = [
        (
            f"verify / floor req/s  = {floor_ratio:.2f}",
            f">= {TARGET_FLOOR_RATIO}",
            floor_ratio >= TARGET_FLOOR_RATIO,
        ),
        (
            f"verify / anchor req/s = {anchor_ratio:.2f}",
            f">= {TARGET_ANCHOR_RATIO}",
            anchor_ratio >= TARGET_ANCHOR_RATIO,
        ),
        (f"verify p99            = {p99:.2f} ms", f"< {TARGET_P99_MS} ms", p99 < TARGET_P99_MS),
    ]
    print()
    for text, target, ok in rows:
        print(f"{text:<36} target {target:<10} {'met' if ok else 'MISSED'}")
    if summary["floor_p99"] >= TARGET_P99_MS:
        print(
            f"(the floor's own p99 is {summary['floor_p99']:.2f} ms: on this server a "
            f"do-nothing Django view misses the latency target too)"
        )
    return all(ok for _, _, ok in rows)


# --- where the time goes (in-process) ----------------------------------------------------


def per_call_us(fn, calls: int) -> float:
    for _ in range(min(50, calls)):
        fn()
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls * 1e6


class Attribution:
    """Wall time spent inside chosen functions, database queries and Redis commands while a
    view runs: patched in place for the measurement, restored after."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.commands: list[str] = []
        self._undo = []

    def _add(self, label: str, started: float) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
        self.calls[label] = self.calls.get(label, 0) + 1

    def wrap(self, owner, attribute: str, label: str) -> None:
        original = getattr(owner, attribute)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._add(label, started)

        setattr(owner, attribute, timed)
        self._undo.append(lambda: setattr(owner, attribute, original))

    def wrap_redis(self, redis_class) -> None:
        original = redis_class.execute_command

        def timed(client, *args, **options):
            started = time.perf_counter()
            try:
                return original(client, *args, **options)
            finally:
                self._add("redis", started)
                self.commands.append(str(args[0]))

        redis_class.execute_command = timed
        self._undo.append(lambda: setattr(redis_class, "execute_command", original))

    def database(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._add("database", started)

    def restore(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()

    def per_call(self, label: str, calls: int) -> tuple[float, float]:
        """(microseconds, times) per view call."""
        return self.seconds.get(label, 0.0) / calls * 1e6, self.calls.get(label, 0) / calls


def _bucket(filename: str, name: str) -> str:
    if filename == "~":
        if "psycopg" in name or "pq" in name:
            return "PostgreSQL client (C, incl. waiting on the server)"
        if "socket" in name or "recv" in name or "send" in name or "select" in name:
            return "socket I/O (incl. waiting on Redis)"
        return "other built-ins"
    if "site-packages/" in filename:
        package = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        return package.removesuffix(".py")
    if filename.startswith(str(ROOT)):
        return "project: " + filename[len(str(ROOT)) + 1 :].split("/", 1)[0]
    return "standard library"


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():
        label = _bucket(filename, name)
        totals[label] = totals.get(label, 0.0) + tottime
    return sorted(totals.items(), key=lambda item: -item[1])


def profile(fx: Fixture) -> None:
    """The verify view in-process through Django's test Client: what a call costs, layer by
    layer, how many database queries and Redis commands it makes, and a cProfile."""
    import redis
    from django.db import connection
    from django.test import Client
    from knox.auth import TokenAuthentication
    from rest_framework.parsers import JSONParser
    from rest_framework.renderers import JSONRenderer
    from rest_framework_api_key.models import APIKey
    from rest_framework_api_key.permissions import HasAPIKey

    from approvals.keys import verify
    from approvals.keys.api import VerifyRequestSerializer

    client = Client(HTTP_HOST="127.0.0.1")
    body = json.dumps({"key": fx.key, "model": MODEL, "endpoint": ENDPOINT, "tokens": TOKENS})

    def verify_view():
        response = client.post(
            VERIFY_URL,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {fx.token}",
        )
        assert response.status_code == 200 and response.json()["code"] == "VALID", response

    def floor_view():
        client.post(FLOOR_URL, body, content_type="application/json")

    def anchor_view():
        response = client.post(
            ANCHOR_URL,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {fx.api_key}",
        )
        assert response.status_code == 200, response

    calls = max(200, PROFILE_CALLS // 4)
    floor_us = per_call_us(floor_view, calls)
    print(
        f"\nWhere verify's time goes: in-process, Django's test Client, one process, {calls} "
        f"calls, wall time per call (the floor view takes {floor_us:.0f} us this way)"
    )
    for view, parts in (
        (
            verify_view,
            [
                (TokenAuthentication, "authenticate", "gateway auth: knox TokenAuthentication"),
                (verify, "key_verify", "key_verify(): parse, Redis GET, limit script"),
                (VerifyRequestSerializer, "is_valid", "VerifyRequestSerializer.is_valid"),
                (JSONParser, "parse", "JSON parsing (request.data)"),
                (JSONRenderer, "render", "JSON rendering (Response)"),
            ],
        ),
        (
            anchor_view,
            [
                (HasAPIKey, "has_permission", "HasAPIKey: APIKey.objects.is_valid"),
                (VerifyRequestSerializer, "is_valid", "VerifyRequestSerializer.is_valid"),
                (JSONParser, "parse", "JSON parsing (request.data)"),
                (JSONRenderer, "render", "JSON rendering (Response)"),
            ],
        ),
    ):
        for _ in range(50):
            view()
        share = Attribution()
        for owner, attribute, label in parts:
            share.wrap(owner, attribute, label)
        share.wrap_redis(redis.Redis)
        try:
            with connection.execute_wrapper(share.database):
                whole = per_call_us(view, calls)
        finally:
            share.restore()
        measured = calls + min(50, calls)
        name = "verify" if view is verify_view else "anchor"
        print(f"  {name} view, whole{'':<39}{whole:>7.0f} us")
        inside = 0.0
        for _, _, label in parts:
            us, times = share.per_call(label, measured)
            inside += us
            print(f"    {label:<52}{us:>7.0f} us  {us / whole:>4.0%}")
        print(
            f"    {'the rest: middleware, DRF dispatch, Django, Client':<52}"
            f"{whole - inside:>7.0f} us  {(whole - inside) / whole:>4.0%}"
        )
        for label, what in (("database", "database queries"), ("redis", "Redis commands")):
            us, times = share.per_call(label, measured)
            kinds = sorted(set(share.commands)) if label == "redis" else []
            print(
                f"    (in all: {times:.1f} {what}{' ' + '/'.join(kinds) if kinds else ''}, "
                f"{us:.0f} us, {us / whole:.0%})"
            )
    with connection.execute_wrapper(
        lambda execute, sql, *rest: (
            print("    SQL: " + re.sub(r"^SELECT .*? FROM", "SELECT ... FROM", sql)[:150]),
            execute(sql, *rest),
        )[1]
    ):
        print("  the verify view's queries:")
        verify_view()
    anchor_check = per_call_us(lambda: APIKey.objects.is_valid(fx.api_key), calls)
    print(
        f"  anchor: APIKey.objects.is_valid() alone: {anchor_check:.0f} us/call "
        f"(hasher {APIKey.objects.key_generator.preferred_hasher.algorithm}, the package's "
        f"default)"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILE_CALLS):
        verify_view()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(tottime for _, _, tottime, _, _ in stats.stats.values())
    print(
        f"\ncProfile of {PROFILE_CALLS} verify calls through the test Client "
        f"(own time by package; the profiler inflates Python-heavy code):"
    )
    for label, seconds in by_package(stats)[:12]:
        print(f"  {label:<56}{seconds / total:>6.1%}")
    print(
        "\nTop entries by cumulative time, below the call chain every request goes through "
        "(test Client, middleware, DRF dispatch: entries over 80% of the call are left out):"
    )
    for row in _top(stats, 20, below=0.8 * _view_seconds(stats)):
        print(_line(row))
    print("\nTop entries by own time:")
    for row in sorted(stats.stats.items(), key=lambda item: -item[1][2])[:15]:
        print(_line(row, own=True))


def _view_seconds(stats: pstats.Stats) -> float:
    return max(
        (cum for (_, _, name), (_, _, _, cum, _) in stats.stats.items() if name == "verify_view"),
        default=1.0,
    )


def _line(row, own: bool = False) -> str:
    (filename, line, name), (_, ncalls, tottime, cumtime, _) = row
    where = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
    where = "" if filename == "~" else f"  ({where}:{line})"
    seconds = tottime if own else cumtime
    return (
        f"  {seconds / PROFILE_CALLS * 1e6:>7.0f} us/call  {ncalls / PROFILE_CALLS:>5.1f}x"
        f"  {name}{where}"
    )[:160]


def _top(stats: pstats.Stats, count: int, below: float):
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][3])
    return [row for row in rows if row[1][3] < below][:count]


# --- main --------------------------------------------------------------------------------


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
