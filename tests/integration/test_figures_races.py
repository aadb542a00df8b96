"""No race loses a figure (issue 19), through real workers, Redis and
PostgreSQL: (a) a second writer whose mark the running recompute claimed, and
who commits after the run has computed, keeps its mark, and one sweep makes
its figure right; (b) two workers that both find the covers out of date (new
managing bodies) bring them up to date one after the other, without an
IntegrityError, and the bodies' figures are right."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.db import connection, connections

from reformwatch.celery import app
from tests.factories import AgencyFactory
from tests.integration.conftest import start_worker, stop_worker
from tests.integration.test_figures_worker import consolidate, units_2020, wait_for
from tests.units.figures import figures_of
from units import tasks
from units.choices import RestructuringKind as K
from units.models import AgencyCover, RecomputeMark, RecomputeRun, Unit
from units.services.recompute import recompute
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
DAY = dt.date(2020, 2, 1)


def release_waiting() -> bool:
    """Whether a session waits on a row lock while releasing marks."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'
            AND query LIKE %s""",
            ["%units_recomputemark%FOR UPDATE%"],
        )
        return cursor.fetchone() is not None


def test_a_writer_committing_after_the_run_computed_keeps_its_mark_and_one_sweep_is_right(
    clerk, schools, agency, district
):
    ready, go, failed = threading.Event(), threading.Event(), []

    def second_writer():
        """Dissolves the third school: its marks (the same area × year rows as
        the first write's) are stamped, and held, until `go`."""
        try:
            with mock.patch("django.db.transaction.on_commit"):  # no run of its own
                from django.db import transaction

                with transaction.atomic():
                    restructuring_apply(
                        kind=K.DISSOLVE,
                        decision=Decision("8/QĐ-UBND", DAY, DAY, "UBND"),
                        actor=clerk,
                        source_ids=[schools[2].pk],
                    )
                    ready.set()
                    go.wait(60)
        except Exception as error:  # reported by the main thread
            failed.append(error)
            ready.set()
        finally:
            connections.close_all()

    with mock.patch("units.services.figures._request_recompute"):
        consolidate(clerk, schools, agency, district)  # the first write, its marks
    writer = threading.Thread(target=second_writer)
    writer.start()
    assert ready.wait(60) and not failed, failed
    process = start_worker()
    try:
        tasks.figures_recompute.delay("write")
        wait_for(release_waiting, process)  # computed without the second write
        go.set()
        writer.join(60)
        done = RecomputeRun.objects.filter(trigger="write", status="done")
        wait_for(done.exists, process)
    finally:
        go.set()
        stop_worker(process)
    assert not failed, failed
    assert RecomputeMark.objects.exists()  # the second write's marks stayed
    assert units_2020(district) == 2  # what the run saw: the first write only
    recompute(trigger="schedule")  # one sweep
    assert units_2020(district) == 1 and not RecomputeMark.objects.exists()


def test_two_workers_bringing_the_covers_up_to_date_at_once(clerk, schools, agency, district):
    bodies = [AgencyFactory(area=district, parent=agency) for _ in range(3)]
    for body, school in zip(bodies, schools, strict=True):
        restructuring_apply(
            kind=K.TRANSFER,
            decision=Decision(f"{body.pk}/QĐ", DAY, DAY, "UBND"),
            actor=clerk,
            source_ids=[school.pk],
            new_parent_id=body.pk,
        )
    app.control.purge()
    workers = [start_worker("-n", f"races{n}@%h") for n in (1, 2)]
    try:
        for trigger in ("write", "schedule"):
            tasks.figures_recompute.delay(trigger)
        runs = RecomputeRun.objects.exclude(status="running").filter(
            trigger__in=["write", "schedule"]
        )
        wait_for(lambda: runs.count() >= 1 and not RecomputeMark.objects.exists(), workers[0])
    finally:
        for process in workers:
            stop_worker(process)
    assert not RecomputeRun.objects.filter(status="failed").exists(), list(
        RecomputeRun.objects.values_list("error", flat=True)
    )
    assert set(AgencyCover.objects.filter(scope=agency).values_list("member_id", flat=True)) == {
        agency.pk,
        *(b.pk for b in bodies),
    }
    for body in bodies:
        assert figures_of(body, [2020])[2020].units == 1
    assert figures_of(agency, [2020])[2020].units == 3
    assert Unit.objects.services().filter(parent=agency, closed_on__isnull=True).count() == 0
