"""The dashboards read the snapshot only (DESIGN §5): a scope's figures of a
year against a base year, its child scopes ranked by reduction, its trend."""

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max

from ..choices import AreaLevel
from ..models import Area, RecomputeMark, RecomputeRun, ReductionFigure


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in %, rounded half-up to 2 decimals (DESIGN §4.3)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclasses.dataclass
class Figures:
    """A scope's snapshot of a year against its base year."""

    area: Area | None
    base: ReductionFigure | None
    now: ReductionFigure | None

    def _get(self, row, name: str) -> int:
        return getattr(row, name) if row is not None else 0

    @property
    def units_base(self) -> int:
        return self._get(self.base, "units")

    @property
    def units_now(self) -> int:
        return self._get(self.now, "units")

    @property
    def units_reduced(self) -> int:
        return self.units_base - self.units_now

    @property
    def units_increase(self) -> int:
        return -self.units_reduced

    @property
    def units_percent(self) -> Decimal | None:
        return percent(self.units_reduced, self.units_base)

    @property
    def staff_base(self) -> int:
        return self._get(self.base, "staff_assigned")

    @property
    def staff_now(self) -> int:
        return self._get(self.now, "staff_assigned")

    @property
    def staff_percent(self) -> Decimal | None:
        return percent(self.staff_base - self.staff_now, self.staff_base)

    @property
    def staff_actual(self) -> int:
        return self._get(self.now, "staff_actual")

    @property
    def staff_vacancy(self) -> int:
        return self._get(self.now, "staff_vacancy")

    @property
    def autonomous_share(self) -> Decimal | None:
        return percent(self._get(self.now, "autonomous"), self.units_now)


def dashboard(*, area: Area | None, year: int, base_year: int, sector: str) -> dict:
    """The scope's figures, its child scopes' (ranked by unit reduction, the
    largest first), the trend of every year, when they were computed and
    whether marks still wait. A few queries on the snapshot's index."""
    rows = ReductionFigure.objects.filter(sector=sector or ReductionFigure.ALL)
    mine = rows.filter(scope=area) if area else rows.filter(scope__isnull=True)
    by_year = {row.year: row for row in mine}
    head = Figures(area, by_year.get(base_year), by_year.get(year))
    children = _children(area, year)
    figures = {
        (row.scope_id, row.year): row
        for row in rows.filter(scope__in=children, year__in={year, base_year})
    }
    ranked = [
        Figures(child, figures.get((child.pk, base_year)), figures.get((child.pk, year)))
        for child in children
    ]
    ranked.sort(key=lambda f: (f.units_percent is None, -(f.units_percent or 0), f.area.name))
    trend = [Figures(area, by_year.get(base_year), by_year[y]) for y in sorted(by_year)]
    computed = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).aggregate(
        at=Max("finished_at")
    )["at"]
    return {
        "head": head,
        "children": ranked,
        "trend": trend,
        "computed_at": computed,
        "pending": RecomputeMark.objects.exists(),
    }


def _children(area: Area | None, year: int) -> list[Area]:
    """The scopes one level down that existed on 31/12 of `year` (today's, for
    a year after every change)."""
    below = Area.objects.valid_on(dt.date(year, 12, 31)).order_by("name")
    if area is None:
        return list(below.filter(level=AreaLevel.PROVINCE))
    children = list(below.filter(parent=area))
    if not children and area.valid_to is None:  # today's area seen in an earlier year
        children = list(Area.objects.filter(parent=area, valid_to__isnull=True).order_by("name"))
    return children
