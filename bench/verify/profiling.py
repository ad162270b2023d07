"""Where the time goes, in-process: the lean verify path (config.gateway_wsgi called with a
WSGI environ), part by part, and a cProfile of it grouped by package.
"""

import cProfile
import io
import json
import pstats

from bench.verify.attribution import Attribution, per_call_us
from bench.verify.parameters import (
    BATCH_CHECKS,
    BATCH_URL,
    ENDPOINT,
    MODEL,
    PROFILE_CALLS,
    ROOT,
    TOKENS,
    VERIFY_URL,
)
from bench.verify.prepare import Fixture


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


def lean_call(fx: Fixture, path: str = VERIFY_URL, body: dict | None = None):
    """One call to the production WSGI entry's lean path, in-process (no socket, no server)."""
    from config.gateway_wsgi import GatewayPath

    app = GatewayPath(None)  # never falls through to Django: the path is the lean one
    body = body or {"key": fx.key, "model": MODEL, "endpoint": ENDPOINT, "tokens": TOKENS}
    raw = json.dumps(body).encode()
    statuses = []

    def call():
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Token {fx.token}",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http",
        }
        answer = b"".join(app(environ, lambda status, headers: statuses.append(status)))
        assert statuses.pop() == "200 OK" and b'"VALID"' in answer, answer

    return call


def profile(fx: Fixture) -> None:
    """The lean verify path in-process (config.gateway_wsgi called with a WSGI environ): what
    a call costs, part by part, how many database queries and Redis commands it makes, and
    a cProfile. (The Django view with its middleware is no longer what serves the gateway:
    this replaces the test Client profile of the earlier bench.)"""
    import redis
    from django.db import connection

    from accounts.auth import gateway as gateway_auth
    from approvals.keys import gateway_call, limits, verify

    verify_call = lean_call(fx)
    calls = max(200, PROFILE_CALLS // 4)
    for _ in range(50):
        verify_call()
    parts = [
        (gateway_call, "answer", "gateway_call.answer (all but the WSGI wrapper)"),
        (gateway_auth, "caller", "  the gateway's token (cached digest)"),
        (verify, "key_verify", "  key_verify(): parse, record, limit script"),
        (limits, "charge", "    limits.charge: the Redis script"),
    ]
    share = Attribution()
    for owner, attribute, label in parts:
        share.wrap(owner, attribute, label)
    share.wrap_redis(redis.Redis)
    try:
        with connection.execute_wrapper(share.database):
            whole = per_call_us(verify_call, calls)
    finally:
        share.restore()
    measured = calls + min(50, calls)
    print(
        f"\nWhere verify's time goes: the lean WSGI path in-process, one process, {calls} "
        f"calls, wall time per call"
    )
    print(f"  verify, whole{'':<43}{whole:>7.0f} us")
    for _, _, label in parts:
        us, _ = share.per_call(label, measured)
        print(f"    {label:<52}{us:>7.0f} us  {us / whole:>4.0%}")
    for label, what in (("database", "database queries"), ("redis", "Redis commands")):
        us, times = share.per_call(label, measured)
        kinds = sorted(set(share.commands)) if label == "redis" else []
        print(
            f"    (in all: {times:.1f} {what}{' ' + '/'.join(kinds) if kinds else ''}, "
            f"{us:.0f} us, {us / whole:.0%})"
        )
    batch = lean_call(
        fx,
        BATCH_URL,
        {
            "checks": [{"key": fx.key, "model": MODEL, "endpoint": ENDPOINT, "tokens": TOKENS}]
            * BATCH_CHECKS
        },
    )
    batch_us = per_call_us(batch, max(50, calls // BATCH_CHECKS))
    print(
        f"  batch of {BATCH_CHECKS}, whole{'':<36}{batch_us:>7.0f} us "
        f"({batch_us / BATCH_CHECKS:.0f} us a check)"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILE_CALLS):
        verify_call()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(tottime for _, _, tottime, _, _ in stats.stats.values())
    print(
        f"\ncProfile of {PROFILE_CALLS} lean verify calls in-process "
        f"(own time by package; the profiler inflates Python-heavy code):"
    )
    for label, seconds in by_package(stats)[:12]:
        print(f"  {label:<56}{seconds / total:>6.1%}")
    print("\nTop entries by cumulative time (below 80% of the call):")
    for row in _top(stats, 20, below=0.8 * _view_seconds(stats)):
        print(_line(row))
    print("\nTop entries by own time:")
    for row in sorted(stats.stats.items(), key=lambda item: -item[1][2])[:15]:
        print(_line(row, own=True))


def _view_seconds(stats: pstats.Stats) -> float:
    return max(
        (cum for (_, _, name), (_, _, _, cum, _) in stats.stats.items() if name == "call"),
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
