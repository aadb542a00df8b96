"""The dashboards read the snapshot only (DESIGN §5): a scope's figures of a
year against a base year, its child scopes ranked by reduction, its trend."""

import dataclasses
import datetime as dt
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _

from ..choices import SUCCESSION, AreaLevel, RestructuringKind, Sector
from ..models import (
    Area,
    RecomputeMark,
    RecomputeRun,
    ReductionDelta,
    ReductionFigure,
    Target,
    Unit,
)
from ..models.snapshot import figure_scope_q
from ..scope import area_roots


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in %, rounded half-up to 2 decimals (DESIGN §4.3)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclasses.dataclass
class Figures:
    """A scope's snapshot of a year against its base year; the scope is an
    area, an agency (its subtree) or None (the nation)."""

    area: Area | Unit | None
    base: ReductionFigure | None
    now: ReductionFigure | None

    @property
    def param(self) -> str:
        """The scope in a dashboard URL."""
        if self.area is None:
            return ""
        return f"{'agency' if isinstance(self.area, Unit) else 'area'}={self.area.pk}"

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


@dataclasses.dataclass
class TargetProgress:
    target: Target
    achieved: Decimal | None  # % reduced (or % autonomous) so far
    gap: int | None  # units or people still to go (0 when reached, None unknown)
    year: int = 0  # the year measured: the target's, or the dashboard's before it
    missing: str = ""  # why there is nothing to measure (a year without data)

    @property
    def progress(self) -> Decimal | None:
        """achieved / target, in %, half-up (DESIGN §4.6)."""
        if self.achieved is None or not self.target.percent:
            return None
        ratio = self.achieved * 100 / self.target.percent
        return ratio.quantize(Decimal("0.01"), ROUND_HALF_UP)


def targets_progress(
    area: Area | None, base_year: int, year: int, by_year: dict[int, ReductionFigure]
) -> list[TargetProgress]:
    """The targets set against the chosen base year (the scope's own where it
    has one, else the country's), and how far the scope has come by the
    target's year (by the dashboard's year while it is still ahead). A target
    whose base year or year measured has no figure says so and shows no gap."""
    chosen: dict[tuple, Target] = {}
    for target in Target.objects.filter(base_year=base_year).filter(
        Q(scope__isnull=True) | Q(scope=area)
    ):
        key = (target.metric, target.target_year)
        if key not in chosen or target.scope_id is not None:
            chosen[key] = target
    rows = []
    for target in sorted(chosen.values(), key=lambda t: (t.target_year, t.metric)):
        at = min(target.target_year, year)
        head = Figures(area, by_year.get(base_year), by_year.get(at))
        missing = _missing(target, head, base_year, at)
        if missing:
            rows.append(TargetProgress(target, None, None, at, missing))
            continue
        share = target.percent / 100
        if target.metric == Target.Metric.UNITS:
            achieved, gap = head.units_percent, _ceil(head.units_base * share) - head.units_reduced
        elif target.metric == Target.Metric.STAFF:
            reduced = head.staff_base - head.staff_now
            achieved, gap = head.staff_percent, _ceil(head.staff_base * share) - reduced
        else:
            autonomous = head.now.autonomous if head.now else 0
            achieved, gap = head.autonomous_share, _ceil(head.units_now * share) - autonomous
        rows.append(TargetProgress(target, achieved, max(gap, 0), at))
    return rows


def _missing(target: Target, head: Figures, base_year: int, at: int) -> str:
    """What the target cannot be measured without, or ''."""
    if target.metric == Target.Metric.STAFF:
        if not head.staff_base:
            return _("No staffing figures for %(year)s") % {"year": base_year}
        if not head.staff_now:
            return _("No staffing figures for %(year)s") % {"year": at}
        return ""
    if target.metric == Target.Metric.UNITS and not head.units_base:
        return _("No units counted in %(year)s") % {"year": base_year}
    if not head.units_now:
        return _("No units counted in %(year)s") % {"year": at}
    return ""


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


@dataclasses.dataclass
class Bar:
    label: str
    value: int
    kind: str = ""  # the kind of change (a restructuring's, or SUCCESSION)
    running: int = 0  # the count after this bar

    @property
    def decisions_kind(self) -> str:
        """The kind of the restructurings behind the bar, for the link: units
        handed to a successor body moved by transfer."""
        return RestructuringKind.TRANSFER if self.kind == SUCCESSION else self.kind


def waterfall(area: Area | None, base_year: int, year: int, base: int, now: int) -> list[Bar]:
    """From the count on 31/12 of the base year to the count on 31/12 of the
    year: each kind of restructuring's change, the net of the transfers (DESIGN
    §4.4; those inside the scope cancel), and what the registry changed
    without a decision. Summed from the
    snapshot's deltas of each year in the window; the bars add up to its count."""
    rows = ReductionDelta.objects.filter(figure_scope_q(area), year__gt=base_year, year__lte=year)
    totals = rows.values("kind").annotate(created=Sum("created"), ceased=Sum("ceased"))
    labels = dict(RestructuringKind.choices)
    none = {"created": 0, "ceased": 0}
    totals = {row["kind"]: row for row in totals.order_by()}
    # A transfer between two units of the scope is in and out at once: only
    # the net of the scope's transfers is shown (none for the nation).
    moved = totals.pop(RestructuringKind.TRANSFER, none)
    moved = moved["created"] - moved["ceased"] if area is not None else 0
    # Units a body handed to its successor on the day it ended: in a scope
    # that counts both they cancel out; the net is received or handed over.
    handed = totals.pop(SUCCESSION, none)
    handed = handed["created"] - handed["ceased"]
    # Transfers in first and out last, so that the running count never dips
    # below zero for a scope that units were moved into (a new commune's).
    steps = [
        (_("Received from predecessor bodies"), max(handed, 0), SUCCESSION),
        (_("Transferred in (net)"), max(moved, 0), RestructuringKind.TRANSFER),
    ]
    for kind in sorted(totals):
        steps.append(
            (labels.get(kind, kind), totals[kind]["created"] - totals[kind]["ceased"], kind)
        )
    steps.append((_("Transferred out (net)"), min(moved, 0), RestructuringKind.TRANSFER))
    steps.append((_("Handed over to successor bodies"), min(handed, 0), SUCCESSION))
    bars, running = [Bar(str(_("Base")), base, running=base)], base
    for label, change, kind in steps:
        if change:
            running += change
            bars.append(Bar(str(label), change, kind, running))
    if running != now:
        # Units registered or closed in the registry without a decision (a unit
        # recorded late with its real founding date): shown, never hidden.
        bars.append(Bar(str(_("Recorded without a decision")), now - running, running=now))
    bars.append(Bar(str(_("Now")), now, running=now))
    return bars


def dashboard(
    *, area: Area | Unit | None, year: int, base_year: int, sector: str, public: bool = False
) -> dict:
    """The scope's figures, its child scopes' (ranked by unit reduction, the
    largest first: the areas below an area, the agencies below an agency), the
    agencies located in an area, the trend of every year, when they were
    computed and whether marks still wait. A few queries on the snapshot's index.
    `public`: without what only the officials' dashboard shows (the agencies
    located in the area, the marks waiting), three queries fewer."""
    rows = ReductionFigure.objects.filter(sector=sector or ReductionFigure.ALL)
    by_year = {row.year: row for row in rows.filter(figure_scope_q(area))}
    head = Figures(area, by_year.get(base_year), by_year.get(year))
    agency = isinstance(area, Unit)
    if agency:
        children = _ranked(
            rows, "agency", Unit.objects.agencies().filter(parent=area), year, base_year
        )
        bodies = []
    else:
        children = _ranked(rows, "scope", _children(area, year), year, base_year, every=True)
        located = Unit.objects.agencies().filter(area=area) if area else Unit.objects.none()
        bodies = [] if public else _ranked(rows, "agency", located, year, base_year)
    trend = [Figures(area, by_year.get(base_year), by_year[y]) for y in sorted(by_year)]
    per_sector = ReductionFigure.objects.filter(figure_scope_q(area), year__in={year, base_year})
    by_sector = {
        (row.sector, row.year): row for row in per_sector.exclude(sector=ReductionFigure.ALL)
    }
    sectors = [
        (label, Figures(area, by_sector.get((code, base_year)), by_sector.get((code, year))))
        for code, label in [*Sector.choices, ("", _("Sector not recorded"))]
        if (code, base_year) in by_sector or (code, year) in by_sector
    ]
    computed = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).aggregate(
        at=Max("finished_at")
    )["at"]
    return {
        "head": head,
        "waterfall": waterfall(area, base_year, year, head.units_base, head.units_now)
        if sector == ReductionFigure.ALL
        else [],
        "targets": targets_progress(None if agency else area, base_year, year, by_year),
        "children": children,
        "bodies": bodies,
        "trend": trend,
        "sectors": [(str(label), figures) for label, figures in sectors],
        "computed_at": computed,
        "pending": False if public else RecomputeMark.objects.exists(),
    }


def _ranked(rows, field: str, scopes, year: int, base_year: int, every=False) -> list[Figures]:
    """The scopes' figures, the largest reduction first (those with no figure
    in either year left out unless `every`)."""
    scopes = list(scopes)
    found = {
        (getattr(row, f"{field}_id"), row.year): row
        for row in rows.filter(**{f"{field}__in": scopes, "year__in": {year, base_year}})
    }
    ranked = [
        Figures(scope, found.get((scope.pk, base_year)), found.get((scope.pk, year)))
        for scope in scopes
    ]
    if not every:
        ranked = [f for f in ranked if f.base or f.now]
    ranked.sort(key=lambda f: (f.units_percent is None, -(f.units_percent or 0), f.area.name))
    return ranked


def _children(area: Area | None, year: int) -> list[Area]:
    """The scopes one level down that existed on 31/12 of `year`: below the
    area or the areas it came from (today's Hải Phòng in 2023: the districts of
    the old Hải Phòng and of Hải Dương); today's, for a year after every change."""
    below = Area.objects.valid_on(dt.date(year, 12, 31)).order_by("name")
    if area is None:
        return list(below.filter(level=AreaLevel.PROVINCE))
    children = list(below.filter(parent_id__in=area_roots(area)))
    if not children and area.valid_to is None:  # today's area seen in an earlier year
        children = list(Area.objects.filter(parent=area, valid_to__isnull=True).order_by("name"))
    return children
