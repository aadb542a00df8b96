"""Recording decisions in the service tests, and the state they compare."""

import datetime as dt

from units.models import AuditEntry, Restructuring, Unit
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply

DAY = dt.date(2020, 9, 1)


def decision(day=DAY, number="15/QĐ-UBND"):
    return Decision(
        number=number,
        decided_on=day - dt.timedelta(days=10),
        effective_on=day,
        authority="UBND quận Ngô Quyền",
    )


def apply(actor, kind, **kwargs):
    kwargs.setdefault("decision", decision())
    return restructuring_apply(actor=actor, kind=kind, **kwargs)


def state():
    """Units, decisions and audit entries: what a refused change must leave as it was."""
    return (
        sorted(Unit.objects.values_list("id", "name", "closed_on", "closed_by_id")),
        Restructuring.objects.count(),
        AuditEntry.objects.count(),
    )


def active_count(day=DAY):
    return Unit.objects.services().active_on(day).count()
