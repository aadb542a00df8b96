"""Writes. Each service checks permission, locks, validates, writes and audits in
one transaction."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from reformwatch.middleware import current_request_id

from .models import AuditEntry, Heartbeat, Unit, User
from .scope import can_change_unit

UNIT_EDITABLE_FIELDS = ("code", "sector", "autonomy_group")


def snapshot(instance, fields=None) -> dict[str, Any]:
    """A JSON-ready dict of a model instance's fields for the audit log."""
    data = model_to_dict(instance, fields=fields)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def audit_record(
    *, actor: User | None, action: str, obj, before: dict | None, after: dict | None
) -> AuditEntry:
    """Write one audit entry; call it inside the transaction of the change."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        before=before,
        after=after,
        request_id=current_request_id.get(),
    )


@transaction.atomic
def unit_update(*, unit_id: int, actor: User, data: dict[str, Any]) -> Unit:
    """Change a unit's code, sector or autonomy group. Its name, parent, area and
    dates change only through restructurings, so history stays explainable."""
    unit = (
        Unit.objects.select_for_update(of=("self",)).select_related("area__parent").get(pk=unit_id)
    )
    if not can_change_unit(actor, unit):
        raise PermissionDenied
    unknown = set(data) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    before = snapshot(unit, UNIT_EDITABLE_FIELDS)
    for field, value in data.items():
        setattr(unit, field, value)
    after = snapshot(unit, UNIT_EDITABLE_FIELDS)
    if after == before:
        return unit
    unit.full_clean()
    unit.save(update_fields=list(data))
    audit_record(actor=actor, action="unit.update", obj=unit, before=before, after=after)
    return unit


def heartbeat_record(*, name: str = "celery", hostname: str = "") -> Heartbeat:
    """Upsert the heartbeat row: the proof on /health/ that a worker runs tasks."""
    beat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_run_at": timezone.now(), "hostname": hostname[:120]}
    )
    return beat
