"""The figures follow the registry through a real worker, Redis and PostgreSQL
(DESIGN §5): (a) a restructuring saved through the guided form reaches the
dashboard with no manual step; (b) with the broker unreachable at commit time
the save stands and the sweeper catches up; (c) a recompute killed mid-way
leaves the previous snapshot readable and the next run writes the right one."""

import datetime as dt
import os
import re
import signal
import time

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from reformwatch.celery import app
from tests.integration.conftest import start_worker, stop_worker
from tests.units.figures import figures_of
from tests.units.views.restructuring_steps import add_sources, fill_decision, start, step_url
from units import tasks
from units.choices import RestructuringKind as K
from units.models import RecomputeMark, RecomputeRun, Unit
from units.services.recompute import FIGURES_LOCK, recompute
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
DAY = dt.date(2020, 2, 1)


def wait_for(condition, process=None, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None:
            assert process.poll() is None, process.stdout.read()
        time.sleep(0.2)
    raise AssertionError("timed out")


def units_2020(district) -> int:
    return figures_of(district, [2020])[2020].units


def consolidate(clerk, schools, agency, district):
    decision = Decision("7/QĐ-UBND", DAY, DAY, "UBND quận Ngô Quyền")
    new = NewUnit(name="Trường A-B", parent_id=agency.pk, area_id=district.pk)
    restructuring_apply(
        kind=K.CONSOLIDATE,
        decision=decision,
        actor=clerk,
        source_ids=[s.pk for s in schools[:2]],
        new_units=[new],
    )


def test_a_guided_form_consolidation_reaches_the_dashboard(
    worker, client, clerk, official, schools, agency, district
):
    reader = Client()
    reader.force_login(official)

    def dashboard_count() -> int:
        params = {"area": district.pk, "base": 2019, "year": 2020}
        page = reader.get(reverse("units:dashboard"), params).content.decode()
        return int(re.search(r'data-figure="units-now">(\d+)<', page).group(1))

    assert dashboard_count() == 3
    key = start(client, clerk, K.CONSOLIDATE)
    fill_decision(client, key, effective_on="01/02/2020")
    add_sources(client, key, schools[:2])
    client.post(
        step_url(key, "results"),
        {
            "new-TOTAL_FORMS": 1,
            "new-INITIAL_FORMS": 1,
            "new-0-name": "Trường A-B",
            "new-0-kind": "service",
            "new-0-sector": "education",
            "new-0-parent_id": agency.pk,
            "new-0-area_id": district.pk,
            "new-0-level": "district",
            "action": "next",
        },
    )
    assert client.post(step_url(key, "preview")).status_code == 302
    wait_for(lambda: dashboard_count() == 2, worker)  # nobody pressed anything
    assert not RecomputeMark.objects.exists()
    assert RecomputeRun.objects.filter(trigger="write", status="done").exists()


def test_broker_unreachable_at_commit_the_save_stands_and_the_sweeper_catches_up(
    clerk, schools, agency, district
):
    broker = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app._pool, app.amqp._producer_pool = None, None
    try:
        consolidate(clerk, schools, agency, district)  # no exception reaches the clerk
    finally:
        app.conf.broker_url = broker
        app._pool, app.amqp._producer_pool = None, None
    assert Unit.objects.filter(name="Trường A-B").exists()
    assert RecomputeMark.objects.exists() and units_2020(district) == 3  # stale, and says so
    sweep = django_settings.CELERY_BEAT_SCHEDULE["figures-sweep"]
    assert sweep["task"] == tasks.figures_recompute.name
    process = start_worker()
    try:
        tasks.figures_recompute.delay(*sweep["args"])  # what beat sends every minute
        wait_for(lambda: not RecomputeMark.objects.exists(), process)
    finally:
        stop_worker(process)
    assert units_2020(district) == 2
    assert RecomputeRun.objects.filter(trigger="schedule", status="done").exists()


def test_a_recompute_killed_mid_way_keeps_the_old_snapshot_and_the_next_run_is_right(
    clerk, schools, agency, district
):
    db = connection.settings_dict
    blocker = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    )
    blocker.execute("SELECT pg_advisory_lock(%s, 0)", [FIGURES_LOCK])  # the swaps wait
    process = start_worker()
    try:
        consolidate(clerk, schools, agency, district)  # enqueued at commit
        running = RecomputeRun.objects.filter(trigger="write", status="running")
        wait_for(running.exists, process)
        time.sleep(0.5)  # inside its first swap, waiting for the lock
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            stop_worker(process)
        blocker.close()
    killed = running.get()
    assert units_2020(district) == 3  # the previous snapshot, whole and readable
    assert RecomputeMark.objects.exists()  # the work is not lost
    run = recompute(trigger="schedule")  # the next sweep
    assert units_2020(district) == 2 and not RecomputeMark.objects.exists()
    assert run.status == "done"
    killed.refresh_from_db()
    assert killed.status == RecomputeRun.Status.INTERRUPTED  # shown as such on the jobs page
