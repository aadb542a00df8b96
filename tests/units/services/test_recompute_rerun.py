"""A full recompute whose process died is run again by the sweeper, once
(issue 22, point 4): marked interrupted, and a full run asked for in its place,
audited as the system's; never a second one, never for a partial run, never
for a re-run killed again (no loop)."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from units import tasks
from units.models import AuditEntry, RecomputeMark, RecomputeRun
from units.services import recompute as rc

pytestmark = pytest.mark.django_db


@pytest.fixture
def sweep(django_capture_on_commit_callbacks, eager_tasks):
    """What beat sends every minute, its follow-up work run as it commits
    (tasks made eager, on PostgreSQL and Redis too: the re-run runs at once)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            tasks.figures_recompute("schedule")

    return run


def killed(**fields) -> RecomputeRun:
    """A run left "running" by a worker that died: older than the task's hard
    time limit (what tells a dead run on SQLite)."""
    run = RecomputeRun.objects.create(**fields)
    old = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    RecomputeRun.objects.filter(pk=run.pk).update(started_at=old)
    return run


@pytest.fixture
def computed(unit):
    """The snapshot as a full run left it: a sweep has nothing to do."""
    return rc.recompute(trigger="manual", everything=True)


@pytest.mark.parametrize("marked", [False, True], ids=["nothing-marked", "marks-left"])
def test_a_killed_full_run_is_interrupted_and_run_again_once(computed, sweep, unit, marked):
    """Before, a sweep with nothing to do did not even mark it; one with marks
    marked it interrupted and computed only the marks."""
    dead = killed(trigger="manual", full=True)
    if marked:
        RecomputeMark.objects.create(area=unit.area, year=2024)
    sweep()
    dead.refresh_from_db()
    assert dead.status == RecomputeRun.Status.INTERRUPTED
    rerun = RecomputeRun.objects.get(rerun_of=dead)
    assert rerun.full and rerun.status == RecomputeRun.Status.DONE
    entry = AuditEntry.objects.get(action="figures.rerun")
    assert entry.actor is None and entry.after == {"interrupted": dead.pk}  # the system's
    assert not RecomputeMark.objects.exists()
    runs = RecomputeRun.objects.count()
    sweep()
    assert RecomputeRun.objects.count() == runs  # nothing more to do
    assert AuditEntry.objects.filter(action="figures.rerun").count() == 1


def test_a_killed_partial_run_is_interrupted_and_not_run_again_as_a_full_one(computed, sweep):
    dead = killed(trigger="write")
    sweep()
    dead.refresh_from_db()
    assert dead.status == RecomputeRun.Status.INTERRUPTED
    assert not RecomputeRun.objects.filter(full=True, pk__gt=dead.pk).exists()
    assert not AuditEntry.objects.filter(action="figures.rerun").exists()


def test_a_re_run_killed_again_is_not_run_a_third_time(computed, sweep):
    first = killed(trigger="manual", full=True)
    RecomputeRun.objects.filter(pk=first.pk).update(status=RecomputeRun.Status.INTERRUPTED)
    again = killed(trigger="schedule", full=True, rerun_of=first)
    sweep()
    again.refresh_from_db()
    assert again.status == RecomputeRun.Status.INTERRUPTED
    assert not RecomputeRun.objects.filter(full=True, pk__gt=again.pk).exists()


def test_a_full_run_started_since_is_the_re_run(computed, sweep):
    """The admin asked again after the kill: that run stands in for the re-run."""
    dead = killed(trigger="manual", full=True)
    rc.recompute(trigger="manual", everything=True)  # marks it interrupted: full itself
    dead.refresh_from_db()
    assert dead.status == RecomputeRun.Status.INTERRUPTED
    runs = RecomputeRun.objects.count()
    sweep()
    assert RecomputeRun.objects.count() == runs
    assert not dead.reruns.exists()
