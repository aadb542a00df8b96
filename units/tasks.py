import socket

from celery import shared_task

from .services.staffing_import import imports_forget_stale
from .services.system import heartbeat_record


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Periodic proof of life for /health/."""
    heartbeat_record(hostname=socket.gethostname())


@shared_task(ignore_result=True)
def staffing_imports_cleanup() -> None:
    """Daily: drop uploaded workbooks never committed (kept a day for their preview)."""
    imports_forget_stale()
