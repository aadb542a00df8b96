"""A storm of recomputes does not hold up the rest (issue 19): with a full
recompute running on the recomputes' worker, an area change, ten decisions,
more full-run requests and the daily reminders are queued; the reminders,
served by the default queue's worker as the README runs them, finish within
10 s, at most one recompute of each kind waits at any time, and once the full
run finishes the figures are right."""

import datetime as dt
import json
import time
from collections import Counter

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from reformwatch.celery import app
from supervision import tasks as supervision_tasks
from supervision.models import Notification
from tests.factories import CommuneFactory, ServiceUnitFactory
from tests.integration.conftest import start_worker, stop_worker
from tests.integration.test_figures_worker import wait_for
from tests.supervision.conftest import make_session
from tests.units.figures import figures_of
from units.choices import RestructuringKind as K
from units.models import RecomputeMark, RecomputeRun, Unit
from units.services.figures import areas_of, figures_mark_stale, figures_recompute_all
from units.services.recompute import FIGURES_LOCK, recompute
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
DAY = dt.date(2024, 3, 1)


def waiting() -> Counter:
    """The recomputes waiting in the broker's `figures` queue, by trigger."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    found = Counter()
    for message in broker.lrange("figures", 0, -1):
        found[json.loads(message)["headers"]["argsrepr"]] += 1
    return found


def test_the_reminders_do_not_wait_behind_a_full_recompute(
    body, supervisor, clerk, admin_user, unit, agency, district
):
    due = timezone.localdate() - dt.timedelta(days=1)
    make_session(
        body,
        supervisor,
        [unit],
        status="report_filed",
        due=due,
        decided=due - dt.timedelta(days=60),
    )
    schools = [ServiceUnitFactory(area=district, parent=agency) for _ in range(10)]
    app.control.purge()
    recompute(trigger="manual", everything=True)
    db = connection.settings_dict
    blocker = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    )
    blocker.execute("SELECT pg_advisory_lock(%s, 0)", [FIGURES_LOCK])  # the runs wait
    figures = start_worker("-n", "figures@%h", queues=("figures",))
    default = start_worker("-n", "default@%h", queues=("celery",))
    highest = Counter()
    try:
        figures_recompute_all(actor=admin_user)
        running = RecomputeRun.objects.filter(trigger="manual", status="running")
        wait_for(running.exists, figures)  # the full run holds the recomputes' worker
        commune = CommuneFactory(parent=district)  # an area change, as the admin makes it
        figures_mark_stale(areas=areas_of([ServiceUnitFactory(area=commune)]), since=DAY)
        for n, school in enumerate(schools):
            restructuring_apply(
                kind=K.DISSOLVE,
                decision=Decision(f"{n}/QĐ-UBND", DAY, DAY, "UBND"),
                actor=clerk,
                source_ids=[school.pk],
            )
            highest |= waiting()
        for _ in range(3):
            figures_recompute_all(actor=admin_user)
            highest |= waiting()
        queued = time.monotonic()
        supervision_tasks.reminders.delay()
        wait_for(Notification.objects.filter(kind="overdue").exists, default, seconds=10)
        took = time.monotonic() - queued
        assert running.exists()  # the full run was still going all along
        highest |= waiting()
    finally:
        blocker.close()
        try:
            wait_for(
                lambda: (
                    not RecomputeMark.objects.exists()
                    and not RecomputeRun.objects.filter(status="running").exists()
                ),
                figures,
            )
        finally:
            stop_worker(figures)
            stop_worker(default)
    assert took < 10
    assert highest and all(n == 1 for n in highest.values()), highest
    assert not RecomputeRun.objects.filter(status="failed").exists()
    end = dt.date(2024, 12, 31)
    active = Unit.objects.services().active_on(end)
    assert (
        figures_of(district, [2024])[2024].units
        == active.filter(area__in=[district, commune]).count()
    )
