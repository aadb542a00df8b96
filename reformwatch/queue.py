"""Follow-up work enqueued by the task's registered name once a change commits.

The task modules import the services and selectors, so a service that named a
task object would import them back (a cycle); by name, both apps' writes send
their follow-up work through this one helper."""

import functools
import logging

from django.db import transaction
from kombu.exceptions import OperationalError

from .celery import app

logger = logging.getLogger(__name__)


def enqueue(name: str, *args) -> None:
    """Send the task registered as `name` (run here and now where tasks are
    eager). An unreachable broker is logged, not raised: the change has
    committed, and each caller has a fallback (a sweep, readers computing)."""
    task = _registry()[name]  # a wrong name fails loudly, eager or not
    try:
        task.delay(*args)
    except OperationalError:  # kombu's: the broker is unreachable
        logger.warning("%s not enqueued: the broker is unreachable", name)


def enqueue_on_commit(name: str, *args) -> None:
    """`enqueue` once the current transaction commits (at once outside one)."""

    def send():  # not a partial: a robust on_commit logs its callback's __qualname__
        enqueue(name, *args)

    after_commit(send)


def after_commit(func) -> None:
    """`func` once the current transaction commits. Where tasks go to a broker,
    an error in it is logged, never raised: the change has committed (Django's
    robust on_commit). Where tasks are eager (the embedded mode) the task runs
    in `func` and its error is raised, as before."""
    transaction.on_commit(func, robust=not app.conf.task_always_eager)


@functools.cache
def _registry():
    """The app's tasks, every installed app's tasks module imported as a worker
    does at start. A web process imports none of them, and an unregistered name
    would go to the broker even where tasks are eager: nothing would run it."""
    app.autodiscover_tasks(force=True)
    return app.tasks
