"""Reads for the units pages."""

import datetime as dt

from django.db.models import Count, Q

from .choices import AreaLevel, UnitKind
from .filters import UnitFilter
from .models import Area, AuditEntry, Heartbeat, Unit, User
from .scope import visible_units


def unit_filterset(*, user: User, params) -> UnitFilter:
    """The units list for `user`: scope applied, FilterSet bound to the URL."""
    queryset = visible_units(user, Unit.objects.select_related("area", "parent"))
    return UnitFilter(params, queryset=queryset)


def unit_parent_chain(unit: Unit) -> list[Unit]:
    """Managing bodies from the top down to the unit's direct parent."""
    chain = []
    node = unit.parent
    while node is not None and len(chain) < 20:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def unit_children(unit: Unit, *, limit: int = 200) -> list[Unit]:
    return list(unit.children.select_related("area").order_by("closed_on", "name_folded")[:limit])


def unit_audit(unit: Unit, *, limit: int = 20) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type="units.unit", object_id=str(unit.pk)).select_related(
            "actor"
        )[:limit]
    )


def valid_on_q(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def area_service_counts(day: dt.date) -> dict[int, int]:
    """Active service units on `day` per area, each area counting everything below
    it: three GROUP BY queries, whatever the number of units."""
    active = Unit.objects.services().active_on(day)
    counts: dict[int, int] = {}
    for key in ("area_id", "area__parent_id", "area__parent__parent_id"):
        for row in active.values(key).annotate(n=Count("id")).order_by():
            if row[key] is not None:
                counts[row[key]] = counts.get(row[key], 0) + row["n"]
    return counts


def area_nodes(*, day: dt.date, parent: Area | None) -> list[Area]:
    """Areas valid on `day` directly below `parent` (provinces when None), each
    with `.service_count` and `.has_children`."""
    queryset = Area.objects.filter(valid_on_q(day))
    if parent is None:
        queryset = queryset.filter(level=AreaLevel.PROVINCE)
    else:
        queryset = queryset.filter(parent=parent)
    queryset = queryset.annotate(
        child_count=Count("children", filter=_children_valid_on(day))
    ).order_by("code")
    counts = area_service_counts(day)
    nodes = list(queryset)
    for node in nodes:
        node.service_count = counts.get(node.pk, 0)
        node.has_children = node.child_count > 0
    return nodes


def _children_valid_on(day: dt.date) -> Q:
    return (Q(children__valid_from__isnull=True) | Q(children__valid_from__lte=day)) & (
        Q(children__valid_to__isnull=True) | Q(children__valid_to__gte=day)
    )


def org_nodes(*, user: User, day: dt.date, parent: Unit | None) -> list[Unit]:
    """The organisation tree as it stood on `day`: units active then directly under
    `parent` (for the top, those whose managing body the user cannot see), each with
    `.child_count` and `.service_count` of its active direct children."""
    visible = visible_units(user, Unit.objects.active_on(day))
    if parent is not None:
        queryset = visible.filter(parent=parent)
    else:
        queryset = visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("id")))
    active_child = Q(children__established_on__lte=day) & (
        Q(children__closed_on__isnull=True) | Q(children__closed_on__gt=day)
    )
    return list(
        queryset.select_related("area")
        .annotate(
            child_count=Count("children", filter=active_child),
            service_count=Count(
                "children", filter=active_child & Q(children__kind=UnitKind.SERVICE)
            ),
        )
        .order_by("kind", "name_folded")
    )


def units_in_ended_areas(day: dt.date) -> int:
    """Active service units on `day` still recorded in an area no longer valid then
    (e.g. a district after 1/7/2025 before its units were transferred)."""
    return Unit.objects.services().active_on(day).filter(area__valid_to__lt=day).count()


def national_headline(day: dt.date) -> dict:
    """Figures for the public landing page."""
    services = Unit.objects.filter(kind=UnitKind.SERVICE)
    return {
        "day": day,
        "active_services": services.active_on(day).count(),
        "active_agencies": Unit.objects.filter(kind=UnitKind.AGENCY).active_on(day).count(),
        "provinces": Area.objects.filter(valid_on_q(day), level=AreaLevel.PROVINCE).count(),
    }


def heartbeat_last() -> Heartbeat | None:
    return Heartbeat.objects.filter(name="celery").first()
