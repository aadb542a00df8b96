import socket

from celery import shared_task

from .services.system import heartbeat_record


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Periodic proof of life for /health/."""
    heartbeat_record(hostname=socket.gethostname())
