"""`make run`'s worker (issue 12.10): `celery worker -B` on kombu's filesystem broker, which
needs no service, runs a task the web process sends and the jobs beat schedules."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from audit.models import ChainVerification

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60


def folders(broker_dir: Path) -> dict:
    """The transport options config/settings/base.py gives the filesystem broker."""
    return {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        "control_folder": str(broker_dir / "control"),
    }


def wait_until(done, worker, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        assert worker.poll() is None, worker.communicate()[0]
        assert time.monotonic() < deadline, f"{what} within {WAIT_SECONDS}s"
        time.sleep(0.2)


def wait_for_verifications(count: int, worker) -> None:
    wait_until(lambda: ChainVerification.objects.count() >= count, worker, f"{count} runs")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_make_runs_worker_runs_sent_tasks_and_beats_schedule(default_policy, tmp_path):
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_DIR": str(tmp_path),
    }
    env.pop("CELERY_RESULT_BACKEND", None)
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "--pool=solo"),
            *("--without-gossip", "--without-mingle", "--loglevel=INFO"),
            f"--schedule={tmp_path / 'beat-schedule'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Not set as current: it must not replace the project's (eager) app for later tests.
    client = Celery(broker="filesystem://", set_as_current=False)
    client.conf.broker_transport_options = folders(tmp_path)
    try:
        # The settings make the broker's folders, as the web process's would.
        wait_until((tmp_path / "queue").is_dir, worker, "the broker's folders")
        client.send_task("audit.tasks.verify_audit_chain")  # as the web process sends one
        wait_for_verifications(1, worker)
        PeriodicTask.objects.create(
            name="embedded-check", task="audit.tasks.verify_audit_chain", interval=every
        )
        wait_for_verifications(3, worker)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        client.close()
    assert "Scheduler: Sending due task embedded-check" in output
    assert "Traceback" not in output, output
