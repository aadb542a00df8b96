"""A task enqueued on commit is run by a real Celery worker through Redis, and its
effect is visible in PostgreSQL. Runs on CI (DATABASE_URL + REDIS_URL)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from units import tasks
from units.models import Heartbeat

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "reformwatch",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_task_enqueued_on_commit_runs_in_the_worker(worker, settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    with transaction.atomic():
        transaction.on_commit(tasks.heartbeat.delay)
        assert not Heartbeat.objects.exists()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Heartbeat.objects.filter(name="celery").exists():
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.5)
    beat = Heartbeat.objects.get(name="celery")
    assert beat.hostname  # written by the worker process, not by this one
