"""The server: gunicorn started and stopped, one call to it, waiting until it answers, and
the sanity check that every target answers as it should.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.verify.parameters import FLOOR_URL, ROOT, THREADS, WORKER_CLASS, WORKERS, BenchError
from bench.verify.prepare import Fixture


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, log_path: Path, settings_module: str, entry: str) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        entry,
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
            env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
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


def sanity_check(bases: dict, targets: dict, fx: Fixture) -> None:
    """Each target answers as it should, and the checks are real (a wrong key is refused)."""
    checks = []
    for name, (path, headers, body) in targets.items():
        status, content = call(bases[name], path, headers, body)
        checks.append((f"{name}: 200", status == 200, f"{status} {content[:200]!r}"))
        if name == "verify":
            answer = json.loads(content)
            checks.append(("verify: VALID", answer.get("code") == "VALID", answer))
        if name == "batch":
            codes = {answer["code"] for answer in json.loads(content)["results"]}
            checks.append(("batch: every check VALID", codes == {"VALID"}, codes))
    path, headers, body = targets["verify"]
    base = bases["verify"]
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
    status, _ = call(
        bases["anchor"], path, {"Authorization": f"Api-Key {prefix}.{secret[::-1]}"}, body
    )
    checks.append(("anchor: a wrong key is refused", status in (401, 403), status))
    failed = [f"{label} (got {got})" for label, ok, got in checks if not ok]
    if failed:
        raise BenchError("sanity check failed: " + "; ".join(failed))
    print("sanity: " + "; ".join(label for label, _, _ in checks))
