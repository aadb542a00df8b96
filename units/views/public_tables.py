"""The public figures' tables as open data: each table's columns (a stable key,
a label, a unit, what it means) and its rows, read from the officials'
dashboard selector's output (units.selectors.dashboards.dashboard). The page,
the CSV and JSON downloads, the data dictionary and the DCAT catalogue all read
these specs, so that they cannot disagree."""

import dataclasses
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ..selectors.dashboards import Figures


@dataclasses.dataclass(frozen=True)
class Column:
    key: str  # the CSV heading and the JSON key: never translated, never renamed
    label: object  # lazy text
    unit: object  # lazy text
    meaning: object  # lazy text
    value: Callable


@dataclasses.dataclass(frozen=True)
class Table:
    name: str
    title: object
    description: object
    columns: tuple[Column, ...]
    rows: Callable[[dict], list]  # the figures → the row objects the columns read


UNITS, PEOPLE, PERCENT, YEAR, TEXT, DATE = (
    _("units"),
    _("people"),
    _("% (rounded half-up to 2 decimals)"),
    _("year"),
    _("text"),
    _("date (ISO 8601)"),
)


def _number(value: Decimal | None):
    return float(value) if value is not None else None


def _scope_columns() -> tuple[Column, ...]:
    return (
        Column("scope", _("Scope"), TEXT, _("The area's name (the whole country when empty)"),
               lambda f: f.area.name if f.area is not None else ""),
        Column("scope_code", _("Scope code"), TEXT, _("The official code of the area"),
               lambda f: f.area.code if f.area is not None else ""),
    )  # fmt: skip


def _units_columns() -> tuple[Column, ...]:
    return (
        Column("units_base", _("Units at the base"), UNITS,
               _("Public service units active on 31/12 of the base year"), lambda f: f.units_base),
        Column("units_now", _("Units now"), UNITS,
               _("Public service units active on 31/12 of the year"), lambda f: f.units_now),
        Column("units_reduced", _("Units reduced"), UNITS,
               _("Units at the base less units now (negative: an increase)"),
               lambda f: f.units_reduced),
        Column("units_reduced_percent", _("Units reduced (%)"), PERCENT,
               _("Units reduced ÷ units at the base × 100"), lambda f: _number(f.units_percent)),
    )  # fmt: skip


def _staff_columns() -> tuple[Column, ...]:
    return (
        Column("staff_base", _("Quota staff at the base"), PEOPLE,
               _("Budget-paid staff assigned for the base year"), lambda f: f.staff_base),
        Column("staff_now", _("Quota staff now"), PEOPLE,
               _("Budget-paid staff assigned for the year"), lambda f: f.staff_now),
        Column("staff_reduced_percent", _("Quota staff reduced (%)"), PERCENT,
               _("Assigned staff reduced ÷ assigned at the base × 100"),
               lambda f: _number(f.staff_percent)),
        Column("staff_actual", _("Actual staff"), PEOPLE,
               _("Staff actually working in the year"), lambda f: f.staff_actual),
        Column("staff_vacancy", _("Vacancy"), PEOPLE,
               _("Assigned less actual, where positive"), lambda f: f.staff_vacancy),
    )  # fmt: skip


def _head(c: dict) -> list[Figures]:
    return [c["head"]]


def _scope_and_children(c: dict) -> list[Figures]:
    return [c["head"], *c["children"]]


def _waterfall_rows(c: dict) -> list:
    last = len(c["waterfall"]) - 1
    return [(i, last, bar) for i, bar in enumerate(c["waterfall"])]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "summary",
            _("Public service units and quota staff"),
            _("The scope's units and quota staff at the base and now, and the reduction."),
            (
                *_scope_columns(),
                *_units_columns(),
                *_staff_columns(),
                Column("autonomous_percent", _("Autonomy groups 1–2 (%)"), PERCENT,
                       _("Units in autonomy groups 1–2 ÷ units now × 100"),
                       lambda f: _number(f.autonomous_share)),
            ),
            _head,
        ),
        Table(
            "waterfall",
            _("What changed the count"),
            _("From the count at the base to the count now: the change of each kind of "
              "decision (each step lists its decisions on the page)."),
            (
                Column("step", _("Step"), TEXT, _("The kind of change"), lambda r: r[2].label),
                Column("kind", _("Kind code"), TEXT,
                       _("The kind of decision (empty for the base, the count now and "
                         "units recorded without a decision)"),
                       lambda r: r[2].kind),
                Column("change", _("Change"), UNITS,
                       _("Units created less units ended by this kind of change"),
                       lambda r: r[2].value if 0 < r[0] < r[1] else None),
                Column("count", _("Count"), UNITS, _("The count after this step"),
                       lambda r: r[2].running),
            ),
            _waterfall_rows,
        ),
        Table(
            "trend",
            _("By year"),
            _("The scope's units and quota staff on 31/12 of each year."),
            (
                Column("year", _("Year"), YEAR, _("Figures as of 31/12 of this year"),
                       lambda f: f.now.year),
                Column("units", _("Public service units"), UNITS,
                       _("Public service units active on 31/12"), lambda f: f.units_now),
                Column("units_reduced_percent", _("Reduced since the base (%)"), PERCENT,
                       _("Units reduced since the base year ÷ units at the base × 100"),
                       lambda f: _number(f.units_percent)),
                Column("staff_assigned", _("Quota staff assigned"), PEOPLE,
                       _("Budget-paid staff assigned"), lambda f: f.staff_now),
                Column("staff_actual", _("Actual staff"), PEOPLE,
                       _("Staff actually working in the year"), lambda f: f.staff_actual),
                Column("staff_vacancy", _("Vacancy"), PEOPLE,
                       _("Assigned less actual, where positive"), lambda f: f.staff_vacancy),
                Column("autonomous_percent", _("Autonomy groups 1–2 (%)"), PERCENT,
                       _("Units in autonomy groups 1–2 ÷ units × 100"),
                       lambda f: _number(f.autonomous_share)),
            ),
            lambda c: c["trend"],
        ),
        Table(
            "sectors",
            _("By sector"),
            _("The scope's units by sector at the base and now."),
            (
                Column("sector", _("Sector"), TEXT, _("The sector of the units"),
                       lambda r: r[0]),
                *(
                    dataclasses.replace(col, value=lambda r, get=col.value: get(r[1]))
                    for col in _units_columns()
                ),
                Column("staff_now", _("Quota staff now"), PEOPLE,
                       _("Budget-paid staff assigned for the year"), lambda r: r[1].staff_now),
            ),
            lambda c: c["sectors"],
        ),
        Table(
            "targets",
            _("Targets"),
            _("The targets set against the base year and how far the scope has come."),
            (
                Column("target", _("Target"), TEXT, _("What the target measures"),
                       lambda t: str(t.target.get_metric_display())),
                Column("metric", _("Metric code"), TEXT, _("units, staff or autonomous"),
                       lambda t: t.target.metric),
                Column("base_year", _("Base year"), YEAR, _("The target's base year"),
                       lambda t: t.target.base_year),
                Column("target_year", _("Target year"), YEAR, _("The year it is due"),
                       lambda t: t.target.target_year),
                Column("target_percent", _("Set"), PERCENT, _("The percentage to reach"),
                       lambda t: _number(t.target.percent)),
                Column("year_measured", _("Year measured"), YEAR,
                       _("The target's year, or the year shown while it is ahead"),
                       lambda t: t.year),
                Column("achieved_percent", _("Achieved"), PERCENT, _("The reduction so far"),
                       lambda t: _number(t.achieved)),
                Column("progress_percent", _("Progress"), PERCENT,
                       _("Achieved ÷ set × 100"), lambda t: _number(t.progress)),
                Column("still_to_go", _("Still to go"), _("units or people"),
                       _("What is still to reduce to reach the target (0 when reached)"),
                       lambda t: t.gap),
                Column("source", _("Source document"), TEXT, _("The document that set the target"),
                       lambda t: t.target.source),
                Column("missing", _("Not measurable"), TEXT,
                       _("Why the target cannot be measured, if it cannot"),
                       lambda t: t.missing),
            ),
            lambda c: c["targets"],
        ),
        Table(
            "children",
            _("By scope, largest reduction first"),
            _("The areas one level down, ranked by unit reduction."),
            (
                Column("rank", _("Rank"), _("position"), _("1 for the largest reduction"),
                       lambda r: r[0]),
                *(
                    dataclasses.replace(col, value=lambda r, get=col.value: get(r[1]))
                    for col in (*_scope_columns(), *_units_columns())
                ),
                Column("staff_now", _("Quota staff now"), PEOPLE,
                       _("Budget-paid staff assigned for the year"), lambda r: r[1].staff_now),
            ),
            lambda c: list(enumerate(c["children"], start=1)),
        ),
        Table(
            "staff",
            _("Quota staff"),
            _("Quota staff of the scope (first line) and of the areas one level down: for "
              "the whole country, the provinces."),
            (*_scope_columns(), *_staff_columns()),
            _scope_and_children,
        ),
    )
}  # fmt: skip


# The decisions behind the figures: one line per legal decision (a bulk decision
# recorded in parts is one line), as units.selectors.restructurings reads them.
DECISION_COLUMNS = (
    Column("number", _("Decision number"), TEXT, _("The decision's number"), lambda d: d.number),
    Column("decided_on", _("Decided on"), DATE, _("The date of the decision"),
           lambda d: d.decided_on.isoformat()),
    Column("effective_on", _("Effective on"), DATE, _("The date it took effect"),
           lambda d: d.effective_on.isoformat()),
    Column("authority", _("Issuing authority"), TEXT, _("Who issued it"), lambda d: d.authority),
    Column("kind", _("Kind"), TEXT, _("Its kinds of change (parts of each, when several)"),
           lambda d: "; ".join(f"{k} ({n})" if n > 1 else k for k, n in d.kinds)),
    Column("units", _("Units concerned"), TEXT,
           _("The first units concerned (and how many more)"),
           lambda d: "; ".join(c["name"] for c in d.changes if c["name"])),
    Column("units_total", _("Number of units concerned"), UNITS,
           _("How many units the decision concerns"), lambda d: d.changes_total),
    Column("results", _("Results"), TEXT, _("What the units became"),
           lambda d: "; ".join(dict.fromkeys(t for c in d.changes for t in c["to"]))),
)  # fmt: skip


def table_rows(table: Table, figures: dict) -> Iterator[list]:
    """The table's rows as plain values, in its columns' order."""
    for row in table.rows(figures):
        yield [column.value(row) for column in table.columns]
