"""The soak's processes: its own redis-server, gunicorn, and the flushing loop; started,
killed (-9) and restarted by pid, never by name."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.soak.parameters import FLUSH_SECONDS, ROOT, THREADS, WORKERS, SoakError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def wait_port(port: int, what: str, proc: subprocess.Popen, log: Path, seconds=30) -> None:
    deadline = time.monotonic() + seconds
    while not _answers(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise SoakError(f"{what} did not start:\n{tail}")
        time.sleep(0.1)


class RedisServer:
    """Configured as production should be: every write in the append-only file, fsynced
    every second; no eviction (a counter evicted would be a limit forgotten)."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.proc = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = self.folder / "redis.log"
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.folder),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--maxmemory-policy",
            "noeviction",
            "--logfile",
            str(log),
        ]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603, S607
        wait_port(self.port, "redis-server", self.proc, log)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
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
        "gthread",
        "--threads",
        str(THREADS),
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT
        )
    wait_port(port, "gunicorn", proc, log)
    return proc


def gunicorn_workers(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def start_flusher(log: Path) -> subprocess.Popen:
    """A loop calling the flush task every FLUSH_SECONDS, as a worker under beat would."""
    code = (
        "import time, django\n"
        "django.setup()\n"
        "from approvals.keys import tasks\n"
        "while True:\n"
        "    try:\n"
        "        tasks.flush_usage()\n"
        "    except Exception as exc:\n"
        "        print('flush failed:', repr(exc), flush=True)\n"
        f"    time.sleep({FLUSH_SECONDS})\n"
    )
    with open(log, "ab") as out:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
