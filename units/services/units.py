"""Writes on a unit outside restructurings: the few details that are not history."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..audit import audit_record, snapshot
from ..choices import UnitKind
from ..models import Unit, User
from ..scope import can_change_unit
from ..versions import registry_changed
from .figures import areas_of, figures_mark_stale

UNIT_EDITABLE_FIELDS = ("code", "sector", "autonomy_group")
# Agencies have no sector and no autonomy group (DESIGN §2).
AGENCY_EDITABLE_FIELDS = ("code",)
# What a unit is registered with; its closing comes only from a restructuring.
UNIT_REGISTER_FIELDS = (
    "kind",
    "name",
    "code",
    "parent",
    "area",
    "level",
    "sector",
    "autonomy_group",
    "established_on",
)


def editable_fields(unit: Unit) -> tuple[str, ...]:
    return UNIT_EDITABLE_FIELDS if unit.kind == UnitKind.SERVICE else AGENCY_EDITABLE_FIELDS


@transaction.atomic
def unit_update(*, unit_id: int, actor: User, data: dict[str, Any]) -> Unit:
    """Change an active unit's code (and a service unit's sector or autonomy group).
    Its name, parent, area and dates change only through restructurings, so
    history stays explainable; a closed unit's record is history and stays."""
    unit = (
        Unit.objects.select_for_update(of=("self",)).select_related("area__parent").get(pk=unit_id)
    )
    if not can_change_unit(actor, unit):
        raise PermissionDenied
    if not data:
        return unit
    if unit.closed_on is not None:
        raise ValidationError(_("A closed unit cannot be edited: its record is history."))
    allowed = editable_fields(unit)
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These details cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    before = snapshot(unit, allowed)
    for field, value in data.items():
        setattr(unit, field, value.strip() if isinstance(value, str) else value)
    after = snapshot(unit, allowed)
    if after == before:
        return unit
    unit.full_clean()
    unit.save(update_fields=list(data))
    if before.get("sector") != after.get("sector") or before.get("autonomy_group") != after.get(
        "autonomy_group"
    ):
        figures_mark_stale(areas=areas_of([unit]), since=unit.established_on)
    audit_record(
        actor=actor, action="unit.update", obj=unit, before=before, after=after, units=[unit]
    )
    registry_changed()
    return unit


@transaction.atomic
def unit_register(*, actor: User, data: dict[str, Any]) -> Unit:
    """Register a unit that existed before the portal recorded decisions (an
    administrator's task, from the official lists). New units after that come
    from an establishing decision."""
    if not actor.is_admin:
        raise PermissionDenied
    unit = Unit(**{field: data.get(field) for field in UNIT_REGISTER_FIELDS if field in data})
    unit.full_clean()
    unit.save()
    figures_mark_stale(
        areas=areas_of([unit]), since=unit.established_on, covers=unit.kind == UnitKind.AGENCY
    )
    registry_changed()
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        before=None,
        after=snapshot(unit, UNIT_REGISTER_FIELDS),
        units=[unit],
    )
    return unit
