"""One recompute queued for any number of writes, on a queue of its own (issue
19, point 5): while a run is queued, writes add marks and queue nothing more;
the run lowers the flag as it starts; a cache that fails enqueues anyway."""

import datetime as dt

import pytest
from django.utils import timezone

from reformwatch.celery import app
from units import tasks
from units.models import RecomputeMark
from units.services import figures
from units.services.figures import figures_mark_stale
from units.services.recompute import recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.figures_recompute, "delay", lambda *args: calls.append(args))
    return calls


def write(capture, area, year=2024):
    with capture(execute=True):
        figures_mark_stale(areas=[area], since=dt.date(year, 1, 1))


def test_writes_while_a_recompute_is_queued_add_marks_and_queue_no_more(
    sent, district, other_district, django_capture_on_commit_callbacks
):
    write(django_capture_on_commit_callbacks, district)
    write(django_capture_on_commit_callbacks, other_district, 2023)
    assert sent == [("write",)]
    assert RecomputeMark.objects.filter(area=other_district, year=2023).exists()
    recompute(trigger="write")  # the queued run starts and takes every mark
    assert not RecomputeMark.objects.exists()
    write(django_capture_on_commit_callbacks, district)  # after the start: a run of its own
    assert sent == [("write",), ("write",)]


def test_a_cache_that_fails_enqueues_anyway(
    sent, district, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is gone")

    monkeypatch.setattr(figures.cache, "add", down)
    write(django_capture_on_commit_callbacks, district)
    write(django_capture_on_commit_callbacks, district)
    assert sent == [("write",), ("write",)]  # more runs, never a lost one


def test_recomputes_have_their_own_queue_and_the_reminders_the_default():
    route = app.amqp.router.route
    assert route({}, "units.tasks.figures_recompute")["queue"].name == "figures"
    assert route({}, "supervision.tasks.reminders")["queue"].name == "celery"
    assert route({}, "units.tasks.heartbeat")["queue"].name == "celery"


def test_an_admins_full_runs_pressed_while_one_is_queued_queue_no_more(
    sent, admin_user, district, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            figures.figures_recompute_all(actor=admin_user)  # audited each time
    write(django_capture_on_commit_callbacks, district)
    assert sent == [("manual", True), ("write",)]  # one full run waits, one write run
    recompute(trigger="manual", everything=True)  # the full run starts: both flags down
    with django_capture_on_commit_callbacks(execute=True):
        figures.figures_recompute_all(actor=admin_user)
    write(django_capture_on_commit_callbacks, district)
    assert sent[2:] == [("manual", True), ("write",)]


def test_an_area_named_twice_is_marked_once(sent, district, django_capture_on_commit_callbacks):
    """Two units' chains share their district: on PostgreSQL the upsert of the
    marks refused a row proposed twice."""
    write_twice = [district, district.parent, district]
    with django_capture_on_commit_callbacks(execute=True):
        figures_mark_stale(areas=write_twice, since=dt.date(2025, 1, 1))
    years = timezone.localdate().year - 2025 + 1
    assert RecomputeMark.objects.count() == 2 * years
