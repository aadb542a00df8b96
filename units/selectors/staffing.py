"""Reads of staffing: the overview of a scope and year, and a clerk's grid."""

import dataclasses
import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, Max, Min, Q, QuerySet, Sum, When
from django.utils.translation import gettext as _

from ..choices import AreaLevel, Sector, UnitKind
from ..choices import StaffingCategory as C
from ..models import Area, StaffingFigure, Unit, User
from ..models.registry import active_during_q
from ..models.staffing import categories_for
from ..scope import area_ids, area_roots, reads_own_scope_only, scope_key, visible_units
from ..staffing_sheet import SheetLine, unit_code
from ..versions import cached, data_version, staffing_version
from .areas import area_parents

# The quota of the state: civil servants of agencies and budget-paid employees of
# service units (DESIGN §2, §4.5).
QUOTA = (C.CIVIL_SERVANT, C.BUDGET_EMPLOYEE)
COLUMNS = ("assigned", "actual", "vacancy", "over_quota", "streamlined", "contract", "base")


@dataclasses.dataclass
class OverviewRow:
    area: Area | None
    unit_id: int | None = None
    unit_name: str = ""
    assigned: int = 0
    actual: int = 0
    vacancy: int = 0
    over_quota: int = 0
    streamlined: int = 0
    contract: int = 0
    base: int = 0
    changed: bool = False  # holds a figure the import just made changed

    def add(self, other: "OverviewRow") -> None:
        for name in COLUMNS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def change(self) -> Decimal | None:
        """Change of the assigned quota against the base year, in %, rounded
        half-up to two decimals (DESIGN §4.5)."""
        if not self.base:
            return None
        percent = Decimal(self.assigned - self.base) * 100 / Decimal(self.base)
        return percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def staffing_overview(*, user: User, area: Area | None, year: int, base_year: int) -> dict:
    """The quota staff of `year` per scope below `area` (the provinces at the top):
    assigned, actual, vacancy and over-quota summed unit by unit, streamlined,
    contract staff, and the assigned quota of `base_year`; below a commune, its
    units. The totals of any area are public aggregates (DESIGN §6b), the same
    for every reader; the units one by one are those the reader may see, the
    others summed in `elsewhere`. A few queries."""
    day = dt.date(year, 12, 31)
    below = Area.objects.valid_on(day).order_by("code")
    # Below the area or those it came from (today's Hải Phòng in 2023: the
    # districts of the old Hải Phòng and of Hải Dương), as the figures do.
    scopes = list(
        below.filter(parent_id__in=area_roots(area))
        if area
        else below.filter(level=AreaLevel.PROVINCE)
    )
    figures = StaffingFigure.objects.filter(year__in={year, base_year})
    if area is not None:
        figures = figures.filter(unit__area_id__in=area_ids(area))
    now, quota = Q(year=year), Q(category__in=QUOTA)
    gap = F("assigned") - F("actual")
    # Named apart from the fields: F("assigned") must mean the row's figure.
    sums = dict(
        sum_assigned=Sum("assigned", filter=now & quota, default=0),
        sum_actual=Sum("actual", filter=now & quota, default=0),
        sum_vacancy=Sum(Case(When(now & quota & Q(assigned__gt=F("actual")), then=gap)), default=0),
        sum_over_quota=Sum(
            Case(When(now & quota & Q(actual__gt=F("assigned")), then=-gap)), default=0
        ),
        sum_streamlined=Sum("streamlined", filter=now, default=0),
        sum_contract=Sum("actual", filter=now & Q(category=C.CONTRACT), default=0),
        sum_base=Sum("assigned", filter=Q(year=base_year) & quota, default=0),
    )
    per_area = figures.values("unit__area_id").annotate(**sums)
    total, elsewhere = OverviewRow(area), OverviewRow(None)
    if not scopes:
        # A scope with nothing below it (a commune): its units one by one.
        units, others = _unit_rows(user, figures, sums)
        for row in [*units, others]:
            total.add(row)
        return {"rows": units, "elsewhere": elsewhere, "others": others, "total": total}
    rows = {scope.pk: OverviewRow(scope) for scope in scopes}
    parents, outside = area_parents(), set()
    for values in per_area.order_by():
        row = _row(values)
        total.add(row)
        node = values["unit__area_id"]
        while node is not None and node not in rows:
            node = parents.get(node)
        if node is None:
            outside.add(values["unit__area_id"])
        (rows[node] if node is not None else elsewhere).add(row)
    listed, others = list(rows.values()), OverviewRow(None)
    if area is not None and area.level != AreaLevel.PROVINCE and outside:
        # A district's own units (a province's are too many to list): one by one.
        units, others = _unit_rows(user, figures.filter(unit__area_id__in=outside), sums)
        listed += units
        elsewhere = OverviewRow(None)
    return {"rows": listed, "elsewhere": elsewhere, "others": others, "total": total}


def _unit_rows(user: User, figures, sums: dict) -> tuple[list[OverviewRow], OverviewRow]:
    """The units the reader may see one by one, and the others' sum."""
    per_unit = figures.values("unit_id", "unit__name", "unit__name_folded").annotate(**sums)
    per_unit = list(per_unit.order_by("unit__name_folded"))
    visible = {values["unit_id"] for values in per_unit}
    if reads_own_scope_only(user) and (user.scope_area_id or user.scope_unit_id):
        visible = set(
            visible_units(user, Unit.objects.filter(pk__in=visible)).values_list("pk", flat=True)
        )
    rows, others = [], OverviewRow(None)
    for values in per_unit:
        if values["unit_id"] in visible:
            rows.append(_row(values, unit_id=values["unit_id"], unit_name=values["unit__name"]))
        else:
            others.add(_row(values))
    return rows, others


def overview_marked(overview: dict, unit_ids: list[int]) -> dict:
    """The overview with the rows holding `unit_ids` (the units an import
    changed) marked and listed first. One query."""
    if not unit_ids:
        return overview
    units = set(unit_ids)
    located = set(Unit.objects.filter(pk__in=units).values_list("area_id", flat=True))
    parents, covering = area_parents(), set()
    for node in located:
        while node is not None and node not in covering:
            covering.add(node)
            node = parents.get(node)
    rows = [
        dataclasses.replace(row, changed=True)
        if (row.unit_id in units if row.unit_id else row.area and row.area.pk in covering)
        else row
        for row in overview["rows"]
    ]
    rows.sort(key=lambda row: not row.changed)
    return {**overview, "rows": rows, "marked": sum(row.changed for row in rows)}


def staffing_latest_year(area: Area | None, until: int) -> int:
    """The last year up to `until` with staffing figures in `area` (the whole
    country for None), else the first one after it, else `until`: the year an
    overview opens on. Cached until the figures change."""

    def compute() -> int:
        figures = StaffingFigure.objects.all()
        if area is not None:
            figures = figures.filter(unit__area_id__in=area_ids(area))
        last = figures.filter(year__lte=until).aggregate(year=Max("year"))["year"]
        if last is None:
            last = figures.filter(year__gt=until).aggregate(year=Min("year"))["year"]
        return last or until

    key = f"staffing-year:{data_version()}:{staffing_version()}:{area.pk if area else 0}:{until}"
    return cached(key, compute)


def staffing_overview_cached(*, user: User, area: Area | None, year: int, base_year: int) -> dict:
    """`staffing_overview`, cached until a staffing figure, a unit or an area
    changes (a national overview sums 150,000 figures: 320 ms)."""
    versions = f"{data_version()}:{staffing_version()}:{scope_key(user)}"
    key = f"staffing-overview:{versions}:{area.pk if area else 0}:{year}:{base_year}"
    return cached(
        key, lambda: staffing_overview(user=user, area=area, year=year, base_year=base_year)
    )


def _row(values: dict, **label) -> OverviewRow:
    return OverviewRow(None, **label, **{name: values[f"sum_{name}"] or 0 for name in COLUMNS})


def grid_units(agency: Unit, year: int) -> list[Unit]:
    """The agency and the units it manages that were active at some time in `year`."""
    during = active_during_q(year)
    children = Unit.objects.filter(during, parent=agency).order_by("kind", "name_folded")
    return [agency, *children]


def grid_figures(units: list[Unit], year: int) -> dict[tuple[int, str], StaffingFigure]:
    figures = StaffingFigure.objects.filter(unit__in=units, year=year)
    return {(f.unit_id, f.category): f for f in figures}


def grid_cells(units: list[Unit]) -> list[tuple[Unit, list[str]]]:
    return [(unit, list(categories_for(unit.kind))) for unit in units]


def unit_staffing(unit: Unit, *, years: int = 12) -> list[StaffingFigure]:
    """The unit's figures of its last `years` years with any, newest first. One
    query on the unit's index (a unit has a few rows a year), sorted here: with
    ORDER BY year and LIMIT, PostgreSQL walked the year index of 870,000 rows."""
    figures = sorted(StaffingFigure.objects.filter(unit=unit), key=lambda f: (-f.year, f.category))
    recent = sorted({f.year for f in figures}, reverse=True)[:years]
    return [f for f in figures if f.year in recent]


# A sheet at most this long is written on request; beyond it, a smaller area.
SHEET_MAX_UNITS = 10_000
SHEET_FIELDS = ("assigned", "decision_number", "actual", "actual_on", "streamlined")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def sheet_groups(units: QuerySet[Unit], year: int) -> list[tuple[str, list[SheetLine]]]:
    """The units of `units` active at some time in `year`, grouped as the sheet
    shows them (agencies, then service units by sector), one line per unit ×
    category with its saved figures. Two queries."""
    chosen = units.filter(active_during_q(year))
    figures = {
        (f["unit_id"], f["category"]): f
        for f in StaffingFigure.objects.filter(year=year, unit__in=chosen.values("pk")).values()
    }
    sectors = {value: str(label) for value, label in Sector.choices}
    order = {value: index for index, value in enumerate(Sector.values)}
    groups: dict[tuple, list[SheetLine]] = {}
    fields = ("pk", "code", "name", "name_folded", "kind", "sector")
    units = list(chosen.values(*fields).order_by("name_folded", "pk"))
    # A code shared in the year (a unit and the copy that took it over on a
    # transfer) would name one unit twice: those are written #id.
    shared = {code for code, n in Counter(u["code"] for u in units if u["code"]).items() if n > 1}
    for unit in units:
        if unit["kind"] == UnitKind.AGENCY:
            key = (0, 0, _("Agencies"))
        else:
            key = (1, order.get(unit["sector"], 99), sectors.get(unit["sector"], _("Other units")))
        lines = groups.setdefault(key, [])
        code = unit_code("" if unit["code"] in shared else unit["code"], unit["pk"])
        for category in categories_for(unit["kind"]):
            saved = figures.get((unit["pk"], category), {})
            lines.append(
                SheetLine(
                    code=code,
                    name=unit["name"],
                    category=category,
                    **{name: saved[name] for name in SHEET_FIELDS if name in saved},
                )
            )
    return [
        (f"{ROMAN[index] if index < len(ROMAN) else index + 1}. {key[2]}", lines)
        for index, (key, lines) in enumerate(sorted(groups.items()))
    ]
