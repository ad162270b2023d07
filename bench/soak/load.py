"""The load: calls at a steady rate over keep-alive connections, each answer noted."""

import http.client
import json
import threading
import time
from dataclasses import dataclass

from bench.soak.parameters import CONNECTIONS, ENDPOINT, MODEL, TOKENS


@dataclass(frozen=True)
class Call:
    grant: str
    sent: float  # time.time()
    status: int  # 0: no answer (the connection failed)
    code: str


class Load:
    def __init__(self, port: int, token: str, keys: dict[str, str], rate: float):
        self.port, self.token, self.keys, self.rate = port, token, keys, rate
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def run(self, seconds: float) -> None:
        start = time.monotonic() + 0.5
        threads = [
            threading.Thread(target=self._connection, args=(n, start, seconds), daemon=True)
            for n in range(CONNECTIONS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _connection(self, n: int, start: float, seconds: float) -> None:
        names = sorted(self.keys)
        interval = CONNECTIONS / self.rate
        conn, i, done = None, 0, []
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        while True:
            due = start + (n + i * CONNECTIONS) / self.rate
            if due > start + seconds:
                break
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            elif pause < -interval * 50:  # far behind (a stall): skip ahead, keep the rate
                i += int(-pause / interval)
                continue
            grant = names[(n + i) % len(names)]
            i += 1
            body = {"key": self.keys[grant], "model": MODEL, "endpoint": ENDPOINT}
            sent = time.time()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request(
                    "POST", "/api/v1/keys/verify/", json.dumps({**body, "tokens": TOKENS}), headers
                )
                response = conn.getresponse()
                content = response.read()
                code = json.loads(content).get("code", "") if response.status == 200 else ""
                done.append(Call(grant, sent, response.status, code))
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException, ValueError):
                done.append(Call(grant, sent, 0, ""))
                if conn is not None:
                    conn.close()
                conn = None
        with self._lock:
            self.calls.extend(done)
