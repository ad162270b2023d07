"""A real Celery worker, with Redis as the broker, runs a task against PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from audit.models import AuditEvent
from audit.services import record

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/14"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_audit_verification_task(default_policy):
    for i in range(3):
        record(actor=None, action="thing.happened", target_type="thing", target_id=i)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
    }
    # Not set as current: it must not replace the project's (eager) app for later tests.
    client = Celery(broker=BROKER, backend=BROKER, set_as_current=False)
    client.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        result = client.send_task("audit.tasks.verify_audit_chain", ignore_result=False)
        expected = AuditEvent.objects.count()
        assert result.get(timeout=60) == {
            "ok": True,
            "events_checked": expected,
            "first_bad_id": None,
        }
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        client.close()
    assert "Traceback" not in output, output
