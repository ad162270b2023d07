"""Revocation and suspension reach every server process at once."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts import services as accounts
from approvals.keys import services as keys

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, path, token, body=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method="POST",
        data=json.dumps(body or {}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def servers():
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CACHE_URL": settings.GATEWAY_REDIS_URL,
        "GATEWAY_REDIS_URL": settings.GATEWAY_REDIS_URL,
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--env",
                "DJANGO_SETTINGS_MODULE=config.settings.local",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def test_a_key_revoked_through_one_process_is_refused_by_the_other(
    default_policy, grant, dev_a, gateway, servers
):
    first, second = servers
    _, secret = keys.key_mint(actor=dev_a, grant=grant, name="edge")
    key_id = keys.ProductionKey.objects.get(grant=grant).pk
    _, gateway_token = accounts.api_token_issue(user=gateway)
    _, developer_token = accounts.api_token_issue(user=dev_a)
    ask = {"key": secret, "model": "chat-small", "endpoint": "/v1/chat/completions", "tokens": 1}
    assert call(first, "/api/v1/keys/verify/", gateway_token, ask)["code"] == "VALID"
    assert call(second, "/api/v1/keys/verify/", gateway_token, ask)["code"] == "VALID"
    call(second, f"/api/v1/keys/{key_id}/revoke/", developer_token)
    assert call(first, "/api/v1/keys/verify/", gateway_token, ask)["code"] == "REVOKED"
