"""Follow-up work enqueued by name: run at commit where tasks are eager, found
by a process that never imported a tasks module, and a broker that is down
logged rather than raised."""

import logging
import subprocess
import sys

import pytest
from kombu.exceptions import OperationalError

from reformwatch.celery import app
from reformwatch.log_filters import OncePerMinute
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


def test_where_tasks_go_to_a_broker_an_error_at_commit_is_logged_not_raised(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """Issue 22: any failure to send (not only kombu's OperationalError) after
    the commit turned the committed write into a 500."""

    def hung(*args, **kwargs):
        raise TimeoutError("Timeout reading from socket")

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # as in production
    monkeypatch.setattr(tasks.heartbeat, "delay", hung)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            enqueue_on_commit("units.tasks.heartbeat")
    finally:
        app.conf.task_always_eager = eager
    assert len(callbacks) == 1
    assert "Timeout reading from socket" in caplog.text


def test_where_tasks_are_eager_their_error_at_commit_is_raised(
    eager_tasks, monkeypatch, django_capture_on_commit_callbacks
):
    def failing(*args, **kwargs):
        raise RuntimeError("the task failed")

    monkeypatch.setattr(tasks.heartbeat, "delay", failing)
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit("units.tasks.heartbeat")


def test_ignored_cache_errors_are_logged_once_a_minute_with_a_count():
    records = []
    logger = logging.getLogger("tests.once")
    logger.addFilter(OncePerMinute())
    logger.addHandler(handler := logging.Handler())
    handler.emit = records.append
    try:
        for _ in range(5):
            logger.error("Exception ignored")
        assert [r.getMessage() for r in records] == ["Exception ignored"]
        logger.filters[0].last.clear()  # a minute later
        logger.error("Exception ignored")
        assert records[-1].getMessage() == "Exception ignored (4 more since the last one)"
    finally:
        logger.removeHandler(handler)
