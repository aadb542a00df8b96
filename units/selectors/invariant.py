"""The accounting invariant of DESIGN §4, checked in SQL: for a scope (an area
and everything below it) and a window (base day, end day), the active service
units on the base day, plus the units the decisions of the window created there,
minus those they closed there (transfers in and out included), equal the active
service units on the end day. Two aggregates per scope and window."""

import dataclasses
import datetime as dt

from django.db.models import Count, Q

from ..models import Area, RestructuringLink, Unit
from ..models.areas import subtree_q
from ..models.registry import active_on_q


@dataclasses.dataclass(frozen=True)
class InvariantRow:
    area: Area
    base_day: dt.date
    end_day: dt.date
    base: int
    created: int
    ceased: int
    current: int

    @property
    def holds(self) -> bool:
        return self.base + self.created - self.ceased == self.current


def invariant_rows(areas: list[Area], windows: list[tuple[dt.date, dt.date]]) -> list[InvariantRow]:
    rows = []
    for area in areas:
        ids = Area.objects.filter(subtree_q(area)).values("pk")
        units = Unit.objects.services().filter(area_id__in=ids)
        links = RestructuringLink.objects.filter(
            unit__kind="service",
            unit__area_id__in=ids,
            restructuring__reversed_at__isnull=True,
        )
        for base, end in windows:
            counts = units.aggregate(
                base=Count("id", filter=active_on_q(base)),
                current=Count("id", filter=active_on_q(end)),
            )
            window = Q(restructuring__effective_on__gt=base, restructuring__effective_on__lte=end)
            changes = links.filter(window).aggregate(
                created=Count("id", filter=Q(created=True)),
                ceased=Count("id", filter=Q(ceases=True)),
            )
            rows.append(InvariantRow(area, base, end, **counts, **changes))
    return rows
