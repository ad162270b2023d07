"""The load generator: a wrk Lua script per target, a wrk run read into a Run, and what the
rate limiter admitted.
"""

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.verify.parameters import CONNECTIONS, REDIS_URL, WRK_THREADS, BenchError


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
