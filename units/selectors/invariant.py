"""The accounting invariant of DESIGN §4, checked in SQL: for a scope (an area
and everything below it) and a window (base day, end day), the active service
units on the base day, plus the units the decisions of the window created there,
minus those they closed there (transfers in and out included), equal the active
service units on the end day. Two aggregates for all scopes and windows."""

import dataclasses
import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Q

from ..models import Area, RestructuringLink, Unit
from ..models.registry import active_on_q
from .areas import area_parents


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
    """Every area × window: one GROUP BY over the units and one over the links
    (per area and window), summed up the area tree in Python."""
    days = sorted({day for window in windows for day in window})
    unit_counts = (
        Unit.objects.services()
        .values("area_id")
        .annotate(**{f"d{i}": Count("id", filter=active_on_q(day)) for i, day in enumerate(days)})
        .order_by()
    )
    links = RestructuringLink.objects.filter(
        unit__kind="service", restructuring__reversed_at__isnull=True
    )
    changes = {}
    for i, (base, end) in enumerate(windows):
        window = Q(restructuring__effective_on__gt=base, restructuring__effective_on__lte=end)
        changes[f"c{i}"] = Count("id", filter=window & Q(created=True))
        changes[f"x{i}"] = Count("id", filter=window & Q(ceases=True))
    link_counts = links.values(area_id=F("unit__area_id")).annotate(**changes).order_by()
    parents = area_parents()
    wanted = {area.pk for area in areas}
    totals: dict[int, dict[str, int]] = {pk: defaultdict(int) for pk in wanted}
    for row in [*unit_counts, *link_counts]:
        node = row.pop("area_id")
        while node is not None:
            if node in wanted:
                for key, value in row.items():
                    totals[node][key] += value
            node = parents.get(node)
    index = {day: i for i, day in enumerate(days)}
    return [
        InvariantRow(
            area,
            base,
            end,
            base=totals[area.pk][f"d{index[base]}"],
            created=totals[area.pk][f"c{i}"],
            ceased=totals[area.pk][f"x{i}"],
            current=totals[area.pk][f"d{index[end]}"],
        )
        for area in areas
        for i, (base, end) in enumerate(windows)
    ]
