"""The daily reminders run by a real Celery worker through Redis, on PostgreSQL:
the beat schedule names the task, the worker writes the notices once however
often it is sent. Runs on CI (DATABASE_URL + REDIS_URL)."""

import datetime as dt
import re
import threading
import time

import pytest
from django.conf import settings
from django.utils import timezone

from supervision import tasks
from supervision.models import Notification
from tests.supervision.conftest import make_session

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
DONE = re.compile(r"supervision\.tasks\.reminders\[[^\]]+\] succeeded")


def test_the_worker_sends_the_days_reminders_once(worker, body, supervisor, clerk, unit):
    assert settings.CELERY_BEAT_SCHEDULE["supervision-reminders"]["task"] == tasks.reminders.name
    due = timezone.localdate() - dt.timedelta(days=1)
    make_session(
        body,
        supervisor,
        [unit],
        status="report_filed",
        due=due,
        decided=due - dt.timedelta(days=60),
    )
    tasks.reminders.delay()
    tasks.reminders.delay()
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(DONE.findall("".join(lines))) < 2:
        assert worker.poll() is None, "".join(lines)
        time.sleep(0.5)
    assert len(DONE.findall("".join(lines))) == 2, "".join(lines)  # both runs are done
    notices = Notification.objects.order_by("user__username")
    assert [(n.user.username, n.kind) for n in notices] == [
        ("clerk", "overdue"),
        ("supervisor", "overdue"),
    ]
