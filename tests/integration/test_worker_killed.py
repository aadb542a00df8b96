"""The figures worker SIGKILLed in the middle of a full recompute (issue 22,
point 5): the old snapshot stays readable and writes are accepted while no
worker runs; a new worker and the sweep mark the killed run interrupted and
run it again once (`rerun_of`, audited as the system's), and the figures end
equal to a full recompute's.

The run is caught mid-way by a table of the test's own in the build schema,
held by another connection: the run has taken the figures' lock, compared the
covers and noted its progress (5 %), and waits to drop the schema it builds
in. No code path of the portal is changed for the test."""

import os
import signal
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from reformwatch.celery import app
from tests.factories import ServiceUnitFactory
from tests.integration.conftest import figures_snapshot, settle, start_worker, stop_worker
from tests.integration.test_database_faults import decision_audits, dissolution
from tests.integration.test_figures_worker import wait_for
from tests.units.figures import figures_of
from units.models import AuditEntry, RecomputeRun, Restructuring
from units.services.figures import figures_recompute_all
from units.services.recompute import recompute
from units.services.snapshot_swap import BUILD
from units.services.tokens import token_create

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def held_build_schema() -> psycopg.Connection:
    """A connection holding a table in the build schema: a full run that
    starts building waits for it (its DROP SCHEMA … CASCADE)."""
    db = connection.settings_dict
    held = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    held.execute(f"CREATE SCHEMA IF NOT EXISTS {BUILD}")
    held.execute(f"CREATE TABLE IF NOT EXISTS {BUILD}.held (id int)")
    held.commit()
    held.execute(f"SELECT * FROM {BUILD}.held")  # ACCESS SHARE until the connection ends
    return held


def waiting_for(held: psycopg.Connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid)))",
            [held.info.backend_pid],
        )
        return cursor.fetchone()[0]


def test_a_worker_killed_mid_full_run_is_run_again_and_the_figures_converge(
    clerk, official, admin_user, agency, district
):
    """GIVEN twelve schools, their figures computed, and a full run caught mid-way
    WHEN its worker is SIGKILLed, four decisions are posted, a new worker starts
    and four more are posted
    THEN the old snapshot was readable all along, every decision is recorded
    and audited once with no 5xx, the sweep runs the killed run again once,
    and the figures equal a full recompute's."""
    doomed = [
        ServiceUnitFactory(name=f"Trường giải thể {n}", area=district, parent=agency)
        for n in range(12)
    ]
    app.control.purge()
    recompute(trigger="manual", everything=True)
    assert figures_of(district, [2020])[2020].units == 12
    _token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    api = Client(HTTP_AUTHORIZATION=f"Token {text}")
    api.raise_request_exception = False
    reader = Client()
    reader.force_login(official)
    dashboard = {"area": district.pk, "base": 2019, "year": 2020}
    answers: dict[str, int] = {}

    def post(n: int) -> None:
        body = dissolution(f"{n}/QĐ-GT", doomed[n].pk)
        answer = api.post("/api/v1/restructurings/", body, content_type="application/json")
        answers[f"{n}/QĐ-GT"] = answer.status_code

    def old_snapshot_read() -> bool:
        page = reader.get(reverse("units:dashboard"), dashboard)
        return page.status_code == 200 and b'data-figure="units-now">12<' in page.content

    held = held_build_schema()
    worker = start_worker("-n", "figures@%h", queues=("figures",))
    try:
        figures_recompute_all(actor=admin_user)  # the admin's button
        runs = RecomputeRun.objects.filter(full=True, trigger="manual", status="running")
        wait_for(lambda: runs.filter(progress=5).exists() and waiting_for(held), worker)
        killed = runs.get()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        assert old_snapshot_read()
        for n in range(4):  # no worker
            post(n)
        assert old_snapshot_read()
    finally:
        held.close()  # the dead worker's backend ends: its transaction is rolled back
        if worker.poll() is None:
            stop_worker(worker)
    started = time.monotonic()
    worker = start_worker("-n", "figures@%h", queues=("figures",))
    try:
        for n in range(4, 8):
            post(n)
        reruns = RecomputeRun.objects.filter(rerun_of=killed, status="done")
        settle(worker)  # the sweep closes the killed run and asks for its re-run
        wait_for(reruns.exists, worker)
        settle(worker)
        converge = time.monotonic() - started
    finally:
        stop_worker(worker)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {BUILD} CASCADE")
    killed.refresh_from_db()
    lost = [n for n, status in answers.items() if status == 201 and decision_audits(n) != 1]
    refused = [n for n, status in answers.items() if status != 201]
    print(
        f"\nFAULT worker SIGKILL: accepted={len(answers) - len(refused)} refused={len(refused)} "
        f"lost={len(lost)} 5xx={sum(status >= 500 for status in answers.values())} "
        f"killed_run={killed.pk}:{killed.status}@{killed.progress}% "
        f"reruns={killed.reruns.count()} converge={converge:.1f}s (from the new worker's start)"
    )
    assert answers and set(answers.values()) == {201} and not lost, answers
    assert Restructuring.objects.filter(decision_number__endswith="/QĐ-GT").count() == 8
    assert killed.status == RecomputeRun.Status.INTERRUPTED and killed.progress == 5
    rerun = killed.reruns.get()
    assert rerun.full and rerun.status == RecomputeRun.Status.DONE
    entry = AuditEntry.objects.get(action="figures.rerun")
    assert entry.actor is None and entry.after == {"interrupted": killed.pk}
    assert figures_of(district, [2020])[2020].units == 4
    swept = figures_snapshot()
    recompute(trigger="manual", everything=True)
    assert swept == figures_snapshot()
