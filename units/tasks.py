import socket

from celery import shared_task
from django.utils import timezone

from reformwatch.celery import app
from reformwatch.queue import enqueue

from .selectors.data_quality import quality_warm
from .services.recompute import recompute
from .services.staffing_import import imports_forget_stale
from .services.system import heartbeat_record
from .versions import versions_settle


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Periodic proof of life for /health/."""
    heartbeat_record(hostname=socket.gethostname())


@shared_task(ignore_result=True)
def staffing_imports_cleanup() -> None:
    """Daily: drop uploaded workbooks never committed (kept a day for their preview)."""
    imports_forget_stale()


@shared_task(ignore_result=True)
def figures_recompute(
    trigger: str = "write", everything: bool = False, rerun_of: int | None = None
) -> None:
    """Recompute the scopes × years the outbox marks as stale: enqueued when a
    change commits, and run by beat as a sweep for marks whose enqueue was lost
    (the broker down at commit time); everything when an admin asks, or in
    place of a full run whose process died (`rerun_of`, asked by a sweep). The
    sweep also bumps the cache versions owed while Redis was away."""
    if trigger == "schedule":
        versions_settle()
    run = recompute(trigger=trigger, everything=everything, rerun_of=rerun_of)
    if run is not None and not app.conf.task_always_eager:
        # The data-quality counts of every readers' scope, off the request path
        # (national ones take seconds); where tasks are eager (the embedded
        # mode) a page counts its own scope when it is first read.
        enqueue("units.tasks.data_quality_warm")


@shared_task(ignore_result=True)
def data_quality_warm() -> None:
    """Count the data-quality checks of every scope that has readers of them,
    after each recompute and daily (the overdue checks move with the date)."""
    quality_warm(timezone.localdate())
