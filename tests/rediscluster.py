"""A real three-node Redis Cluster for the tests that need one: three `redis-server
--cluster-enabled yes` on free local ports in a temporary folder, joined by `redis-cli
--cluster create`, torn down at the end of the session. Without redis-server the tests are
skipped with the reason; with REQUIRE_REAL_PARTS=1 (CI) they fail instead."""

import os
import shutil
import socket
import subprocess
import time

import pytest


def _free_port() -> int:
    """A port free for the node and for its cluster bus (the port + 10000)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 10000 > 65535:
            continue
        with socket.socket() as bus:
            try:
                bus.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port


def _cli(cli: str, port: int, *args: str, timeout: float = 10) -> str:
    done = subprocess.run(
        [cli, "-h", "127.0.0.1", "-p", str(port), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.stdout + done.stderr


def _wait(what: str, ready, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"the test Redis Cluster: {what} within {seconds} s")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory):
    """The URL of one node of a fresh three-node cluster (no replicas)."""
    server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
    if not (server and cli):
        reason = "no redis-server/redis-cli on PATH (Debian package `redis-server`)"
        if os.environ.get("REQUIRE_REAL_PARTS") == "1":
            pytest.fail(f"REQUIRE_REAL_PARTS=1 but a real part is missing: {reason}")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("redis-cluster")
    ports = [_free_port() for _ in range(3)]
    nodes = []
    try:
        for port in ports:
            nodes.append(
                subprocess.Popen(
                    [
                        server,
                        "--port",
                        str(port),
                        "--bind",
                        "127.0.0.1",
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        f"nodes-{port}.conf",
                        "--dir",
                        str(folder),
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port in ports:
            _wait(f"node {port} answering", lambda p=port: "PONG" in _cli(cli, p, "ping"))
        created = _cli(
            cli,
            ports[0],
            "--cluster",
            "create",
            *(f"127.0.0.1:{p}" for p in ports),
            "--cluster-replicas",
            "0",
            "--cluster-yes",
            timeout=60,
        )
        if "[OK] All 16384 slots covered" not in created:
            pytest.fail(f"redis-cli --cluster create failed:\n{created}")
        for port in ports:
            _wait(
                f"node {port} reporting cluster_state:ok",
                lambda p=port: "cluster_state:ok" in _cli(cli, p, "cluster", "info"),
            )
        yield f"redis://127.0.0.1:{ports[0]}/0"
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            try:
                node.wait(timeout=10)
            except subprocess.TimeoutExpired:
                node.kill()
