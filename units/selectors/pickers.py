"""Choices for the guided restructuring form: units the clerk may pick, bodies
and areas for new units, and the destinations of a transfer."""

import datetime as dt

from django.db.models import QuerySet

from ..filters import search_q
from ..models import Area, Unit, User
from ..models.areas import area_subtree_q
from ..scope import changeable_units

PICKER_LIMIT = 25


def candidates(user: User, *, day: dt.date, query: str, exclude: list[int]) -> list[Unit]:
    """Units the clerk may pick: in scope, active on the effective date, matching
    the search, not already chosen."""
    queryset = changeable_units(user, Unit.objects.active_on(day)).exclude(pk__in=exclude)
    queryset = queryset.filter(search_q(query)).select_related("area__parent")
    return list(queryset.order_by("name_folded")[:PICKER_LIMIT])


def pickable(user: User, *, day: dt.date, unit_id: int) -> bool:
    return changeable_units(user, Unit.objects.active_on(day).filter(pk=unit_id)).exists()


def missing_units(ids: list[int]) -> set[int]:
    """Which of the ids (0 and None aside) no longer exist."""
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return set()
    return wanted - set(Unit.objects.filter(pk__in=wanted).values_list("pk", flat=True))


def chosen_units(ids: list[int]) -> list[Unit]:
    found = Unit.objects.select_related("area__parent", "parent").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def destination_agencies(*, day: dt.date, query: str) -> list[Unit]:
    """Any agency active on `day` matching the search, nationwide: a transfer may
    send units to a body outside the clerk's scope."""
    queryset = Unit.objects.agencies().active_on(day).filter(search_q(query))
    return list(queryset.select_related("area__parent").order_by("name_folded")[:PICKER_LIMIT])


def destination_agency(*, day: dt.date, pk: int | None) -> Unit | None:
    """The agency a transfer may send units to: any agency active on `day`."""
    if pk is None:
        return None
    return Unit.objects.agencies().active_on(day).select_related("area").filter(pk=pk).first()


def destination_area(*, day: dt.date, pk: int | None) -> Area | None:
    if pk is None:
        return None
    return Area.objects.valid_on(day).select_related("parent").filter(pk=pk).first()


def destination_areas(*, day: dt.date, query: str) -> list[Area]:
    """Any area valid on `day` matching the search (name or code), nationwide."""
    queryset = Area.objects.valid_on(day).filter(search_q(query)).select_related("parent")
    return list(queryset.order_by("level", "code")[:PICKER_LIMIT])


def _root_area(user: User, near: Area | None) -> Area | None:
    if user.scope_area_id and not user.is_admin:
        return user.scope_area
    if user.scope_unit_id and not user.is_admin:
        return user.scope_unit.area  # an agency's units lie where it works
    area = near
    while area is not None and area.parent_id is not None:
        area = area.parent
    return area


def agency_options(user: User, day: dt.date, near: Area | None) -> QuerySet[Unit]:
    """Managing bodies for a new unit: active on `day` and in the clerk's scope."""
    agencies = changeable_units(user, Unit.objects.agencies().active_on(day))
    root = _root_area(user, near)
    if root is not None and (user.is_admin or not (user.scope_area_id or user.scope_unit_id)):
        agencies = agencies.filter(area_subtree_q(root))
    return agencies.select_related("area").order_by("name_folded")
