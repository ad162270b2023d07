"""Where the time goes, in-process: the verify view (and the anchor) through Django's test
Client, layer by layer, and a cProfile of verify grouped by package.
"""

import cProfile
import json
import pstats
import re

from bench.verify.attribution import Attribution, per_call_us
from bench.verify.parameters import (
    ANCHOR_URL,
    ENDPOINT,
    FLOOR_URL,
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
