"""The data-quality counts are warmed off the request path where tasks go to a
worker (issue 23, point 4): after each recompute that ran, and daily by beat;
never where tasks are eager (each page then counts its own scope)."""

import pytest
from django.conf import settings

from reformwatch.celery import app
from units import tasks
from units.services import recompute as rc

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    names = []
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: names.append(name))
    return names


def tasks_eager(eager: bool):
    before = app.conf.get("task_always_eager")
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def to_a_worker():
    yield from tasks_eager(False)


@pytest.fixture
def eager():
    yield from tasks_eager(True)


def test_a_recompute_that_ran_sends_the_warm_up(unit, sent, to_a_worker):
    tasks.figures_recompute("manual", everything=True)
    assert sent == ["units.tasks.data_quality_warm"]


def test_a_sweep_with_nothing_to_do_sends_nothing(unit, sent, to_a_worker):
    rc.recompute(trigger="manual", everything=True)
    tasks.figures_recompute("schedule")
    assert sent == []


def test_where_tasks_are_eager_nothing_is_sent(unit, sent, eager):
    tasks.figures_recompute("manual", everything=True)
    assert sent == []


def test_beat_warms_daily_after_midnight():
    entry = settings.CELERY_BEAT_SCHEDULE["data-quality-warm"]
    assert entry["task"] == tasks.data_quality_warm.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {5})


def test_the_warm_up_counts_the_readers_scopes(clerk, monkeypatch):
    counted = []
    monkeypatch.setattr(tasks, "quality_warm", counted.append)
    tasks.data_quality_warm()
    assert len(counted) == 1 and counted[0].year >= 2026
