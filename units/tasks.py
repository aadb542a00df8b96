import socket

from celery import shared_task

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
    recompute(trigger=trigger, everything=everything, rerun_of=rerun_of)
