"""A task enqueued on commit is run by a real Celery worker through Redis, and its
effect is visible in PostgreSQL. Runs on CI (DATABASE_URL + REDIS_URL)."""

import time

import pytest
from django.db import transaction

from units import tasks
from units.models import Heartbeat

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


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
