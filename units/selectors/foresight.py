"""Foresight (issue 23, point 3): where a scope's recent pace leads against
its targets. A pure projection over a yearly series (`project`), and the
selector that applies it to the targets of a scope from the dashboard's own
figures (`scope_foresight`): the snapshot rows and the targets the
dashboard already read, so the two never disagree and it costs no query."""

import dataclasses
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from ..models import Target
from .dashboards import TargetProgress

WINDOW = 5  # the pace is read over the last 5 yearly changes at most
HORIZON = 10  # a target not met within 10 years of the last figure: "not met"

METHOD = _(
    "Method: the pace is the mean yearly change over the last N years with figures "
    "(at most %(window)s); the projection carries it on from the last year to the "
    "target year, the range carries on the slowest and the fastest of those years; "
    "the target is met when the reduction reaches its percentage of the base year "
    "(rounded up to a whole unit or person); a target not met within %(horizon)s years "
    "at that pace reads “not met”; what is still needed is the gap shared over the "
    "remaining years, rounded up."
)


@dataclasses.dataclass(frozen=True)
class Pace:
    """The yearly change of a series over its last `years` years (a negative
    pace is a reduction): the mean, exact, and the slowest (the largest
    change) and fastest (the smallest) single years among them."""

    years: int
    first_year: int
    last_year: int
    mean: Fraction
    slowest: int
    fastest: int

    @property
    def per_year(self) -> Decimal:
        """The mean rounded half-up to 2 decimals (DESIGN §4.3's rule), for display."""
        exact = Decimal(self.mean.numerator) / Decimal(self.mean.denominator)
        return exact.quantize(Decimal("0.01"), ROUND_HALF_UP)


def pace(series: dict[int, int], until: int, window: int = WINDOW) -> Pace | None:
    """The pace of `series` (values by year) up to `until`, over the trailing
    run of consecutive years, at most `window` yearly changes; None with fewer
    than two consecutive years."""
    last = max((y for y in series if y <= until), default=None)
    if last is None:
        return None
    first = last
    while first - 1 in series and last - first < window:
        first -= 1
    years = last - first
    if not years:
        return None
    changes = [series[y] - series[y - 1] for y in range(first + 1, last + 1)]
    mean = Fraction(series[last] - series[first], years)
    return Pace(years, first, last, mean, max(changes), min(changes))


@dataclasses.dataclass(frozen=True)
class Projection:
    """A reduction target seen from the last year with a figure (`year`):
    the value to reach (`goal`), the value now, at the target year at the
    pace and its range (None once the target year has passed: `at_target`
    is then the figure of that year), the year the goal is met (None: not
    within the horizon) and what is still needed per remaining year."""

    base_value: int
    goal: int
    year: int
    value: int
    gap: int
    pace: Pace | None
    remaining_years: int
    projected: int | None
    projected_low: int | None
    projected_high: int | None
    at_target: int | None
    met_in: int | None
    needed_per_year: int | None

    @property
    def met(self) -> bool:
        return self.gap == 0

    @property
    def on_track(self) -> bool | None:
        """Whether the pace meets the goal by the target year (None once it has passed)."""
        if self.projected is None:
            return None
        return self.projected <= self.goal


def project(
    series: dict[int, int],
    *,
    base_year: int,
    target_year: int,
    percent: Decimal,
    until: int,
    window: int = WINDOW,
    horizon: int = HORIZON,
) -> Projection | None:
    """Project a reduction target (`percent` fewer than in `base_year` by
    `target_year`) from `series` up to `until`; None when the series has no
    figure for the base year or none from it to `until`."""
    if base_year not in series:
        return None
    last = max((y for y in series if base_year <= y <= until), default=None)
    if last is None:
        return None
    base, value = series[base_year], series[last]
    goal = base - _ceil(Fraction(base) * Fraction(percent) / 100)
    gap = max(value - goal, 0)
    recent = pace(series, last, window)
    remaining = max(target_year - last, 0)
    projected = low = high = at_target = per_year = None
    if remaining:
        per_year = _ceil(Fraction(gap, remaining))
        if recent is not None:
            projected = _count(value + recent.mean * remaining)
            low = _count(value + recent.fastest * remaining)
            high = _count(value + recent.slowest * remaining)
    else:
        at_target = series.get(target_year)
    return Projection(
        base_value=base,
        goal=goal,
        year=last,
        value=value,
        gap=gap,
        pace=recent,
        remaining_years=remaining,
        projected=projected,
        projected_low=low,
        projected_high=high,
        at_target=at_target,
        met_in=_met_in(series, base_year, last, goal, gap, recent, horizon),
        needed_per_year=per_year,
    )


def _met_in(series, base_year, last, goal, gap, recent, horizon) -> int | None:
    """The year the goal is met: met already, the first year from which every
    figure up to the last stays at or under it; else the last year plus the
    years the gap takes at the pace, if within the horizon."""
    if not gap:
        year = last
        while year - 1 > base_year and year - 1 in series and series[year - 1] <= goal:
            year -= 1
        return year
    if recent is None or recent.mean >= 0:
        return None
    years = _ceil(Fraction(gap) / -recent.mean)
    return last + years if years <= horizon else None


def _ceil(value: Fraction) -> int:
    return math.ceil(value)


def _count(value: Fraction) -> int:
    """A projected count: rounded half-up to a whole, never below zero."""
    return max(math.floor(value + Fraction(1, 2)), 0)


@dataclasses.dataclass(frozen=True)
class TargetForesight:
    """A target of the scope with its progress (`targets_progress`'s row) and
    the projection of its series (None with `progress.missing` or too few years)."""

    progress: TargetProgress
    projection: Projection | None

    @property
    def target(self) -> Target:
        return self.progress.target


@dataclasses.dataclass(frozen=True)
class Foresight:
    """What `templates/units/_foresight.html` shows and the API returns."""

    year: int
    rows: list[TargetForesight]
    window: int = WINDOW
    horizon: int = HORIZON

    @property
    def method(self) -> str:
        return str(METHOD) % {"window": self.window, "horizon": self.horizon}


SERIES = {Target.Metric.UNITS: "units", Target.Metric.STAFF: "staff_assigned"}


def scope_foresight(figures: dict, *, year: int) -> Foresight:
    """The foresight of the unit and staff targets the dashboard shows (those
    set against its base year, `targets_progress`'s rows), from the
    dashboard's own answer (`dashboard(...)`): its trend holds the scope's
    snapshot row of every year. No query: it stays as fast as the dashboard."""
    by_year = {f.now.year: f.now for f in figures["trend"] if f.now is not None}
    rows = []
    for progress in figures["targets"]:
        target = progress.target
        if target.metric not in SERIES:
            continue
        projection = None
        if not progress.missing:
            field = SERIES[target.metric]
            # A staff figure of 0 is a year without staffing recorded (as the
            # dashboard reads it), not a reduction to nobody.
            series = {y: getattr(row, field) for y, row in by_year.items()}
            if target.metric == Target.Metric.STAFF:
                series = {y: v for y, v in series.items() if v}
            projection = project(
                series,
                base_year=target.base_year,
                target_year=target.target_year,
                percent=target.percent,
                until=year,
            )
        rows.append(TargetForesight(progress, projection))
    return Foresight(year, rows)
