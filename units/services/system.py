"""Writes that keep the system itself observable."""

from django.utils import timezone

from ..models import Heartbeat


def heartbeat_record(*, name: str = "celery", hostname: str = "") -> Heartbeat:
    """Upsert the heartbeat row: the proof on /health/ that a worker runs tasks."""
    beat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_run_at": timezone.now(), "hostname": hostname[:120]}
    )
    return beat
