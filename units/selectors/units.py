"""Reads for the units list and a unit's page, and the public headline."""

import datetime as dt

from django.db import connection

from ..choices import AreaLevel
from ..filters import UnitFilter
from ..models import Area, Heartbeat, Unit, User
from ..scope import scope_key, visible_units
from ..versions import cached_until_changed

MAX_CHAIN = 20


def unit_filterset(*, user: User, params) -> UnitFilter:
    """The units list for `user`: scope applied, FilterSet bound to the URL."""
    queryset = visible_units(user, Unit.objects.select_related("area", "parent"))
    return UnitFilter(params, queryset=queryset)


def unit_for_page(*, user: User, pk: int) -> Unit | None:
    """A unit the user may see, with what its page shows beside it."""
    queryset = visible_units(user, Unit.objects.select_related("area__parent", "parent"))
    return queryset.filter(pk=pk).first()


def unit_for_edit(pk: int) -> Unit | None:
    return Unit.objects.select_related("area__parent", "parent").filter(pk=pk).first()


def unit_parent_chain(unit: Unit) -> list[Unit]:
    """Managing bodies from the top down to the unit's direct parent: one
    recursive query and one fetch, however deep the tree."""
    if unit.parent_id is None:
        return []
    table = Unit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE chain(id, parent_id, depth) AS (
                SELECT id, parent_id, 1 FROM {table} WHERE id = %s
                UNION ALL
                SELECT u.id, u.parent_id, chain.depth + 1
                FROM {table} u JOIN chain ON u.id = chain.parent_id
                WHERE chain.depth < %s
            )
            SELECT id FROM chain ORDER BY depth DESC
            """,
            [unit.parent_id, MAX_CHAIN],
        )
        ids = [row[0] for row in cursor.fetchall()]
    found = Unit.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


def unit_children(unit: Unit, *, limit: int = 200) -> list[Unit]:
    return list(unit.children.select_related("area").order_by("closed_on", "name_folded")[:limit])


def units_in_ended_areas(day: dt.date, user: User) -> int:
    """Active service units on `day` that `user` may see, still recorded in an area
    no longer valid then (e.g. a district after 1/7/2025 before its units moved)."""

    def count():
        active = visible_units(user, Unit.objects.services().active_on(day))
        return active.filter(area__valid_to__lt=day).count()

    return cached_until_changed(f"ended-areas:{day.isoformat()}:{scope_key(user)}", count)


def national_headline(day: dt.date) -> dict:
    """Figures for the public landing page, cached until a unit or an area
    changes (anonymous visits must not count the whole table each time)."""
    return cached_until_changed(
        f"headline:{day.isoformat()}",
        lambda: {
            "day": day,
            "active_services": Unit.objects.services().active_on(day).count(),
            "active_agencies": Unit.objects.agencies().active_on(day).count(),
            "provinces": Area.objects.valid_on(day).filter(level=AreaLevel.PROVINCE).count(),
        },
    )


def heartbeat_last() -> Heartbeat | None:
    return Heartbeat.objects.filter(name="celery").first()
