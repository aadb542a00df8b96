"""Follow-up work enqueued by name: run at commit where tasks are eager, found
by a process that never imported a tasks module, and a broker that is down
logged rather than raised."""

import logging
import subprocess
import sys

import pytest
from kombu.exceptions import OperationalError

from reformwatch.queue import enqueue, enqueue_on_commit
from units import tasks
from units.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_it_runs_the_task_at_commit_where_tasks_are_eager(
    eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit("units.tasks.heartbeat")
    assert not Heartbeat.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert Heartbeat.objects.filter(name="celery").exists()


def test_a_fresh_process_finds_the_tasks_by_name():
    """The web process imports no tasks module: by name, the eager mode would
    otherwise hand the task to a broker that nothing reads."""
    script = (
        "import sys, django; django.setup();"
        "assert 'units.tasks' not in sys.modules;"
        "from reformwatch.queue import _registry;"
        "names = _registry();"
        "assert 'units.tasks.figures_recompute' in names;"
        "assert 'supervision.tasks.followup_warm' in names"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_broker_that_is_down_is_logged_not_raised(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.heartbeat, "delay", down)
    with caplog.at_level(logging.WARNING, logger="reformwatch.queue"):
        enqueue("units.tasks.heartbeat")
    assert "broker is unreachable" in caplog.text


def test_a_wrong_name_fails_loudly():
    with pytest.raises(KeyError):
        enqueue("units.tasks.no_such_task")
