import socket

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Periodic proof of life for /health/."""
    services.heartbeat_record(hostname=socket.gethostname())
