"""Saving staffing figures (DESIGN §2, §5): one service for the grid, the Excel
import and the figures proposed after a restructuring. All or nothing, checked
row by row with messages a clerk can act on, locked, audited once per save, with
the scopes × years marked for recompute."""

import dataclasses
import datetime as dt
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..choices import Role, StaffingCategory
from ..models import StaffingFigure, Unit, User
from ..models.staffing import FIRST_YEAR, LAST_YEAR, MAX_PEOPLE, categories_for
from ..scope import units_actor_may_change
from ..text import MAX_ID
from ..versions import digest, staffing_changed
from .figures import areas_of, figures_mark_stale

NUMBERS = ("assigned", "actual", "streamlined")
FIELDS = (*NUMBERS, "decision_number", "actual_on")


@dataclasses.dataclass(frozen=True)
class StaffingRow:
    """One unit × category of a year, as a clerk enters it. `None` leaves a
    figure unknown (a quota not yet assigned, a headcount not yet reported)."""

    unit_id: int
    category: str
    assigned: int | None = None
    actual: int | None = None
    streamlined: int = 0
    decision_number: str = ""
    actual_on: dt.date | None = None

    @property
    def key(self) -> tuple[int, str]:
        return self.unit_id, self.category

    @property
    def category_label(self) -> str:
        return category_label(self.category, lower=False)


def may_enter_staffing(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or Role.CLERK in user.roles)


@dataclasses.dataclass
class StaffingPlan:
    """What a save would do: figures to create, figures to change (the saved one
    and the row that replaces it), rows that change nothing, the rows' errors
    (keys "3.assigned"…) and the rows whose unit lies outside the actor's scope."""

    year: int
    units: dict[int, Unit]
    created: list[StaffingRow] = dataclasses.field(default_factory=list)
    changed: list[tuple[StaffingFigure, StaffingRow]] = dataclasses.field(default_factory=list)
    unchanged: int = 0
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    outside: list[int] = dataclasses.field(default_factory=list)

    @property
    def digest(self) -> str:
        """The plan in a few characters: a commit that finds another plan than
        the one previewed (the figures changed meanwhile) is refused."""
        created = [(r.unit_id, r.category, _values(r)) for r in self.created]
        changed = [(f.pk, _values(f), _values(r)) for f, r in self.changed]
        return digest(json.dumps([self.year, created, changed], default=str))


def staffing_plan(*, actor: User, year: int, rows: list[StaffingRow], lock=False) -> StaffingPlan:
    """Check the rows and compare them with the saved figures; writes nothing.
    With `lock`, the saved figures are locked until the transaction ends."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [_("The year must be between 2000 and 2100.")]})
    units = Unit.objects.select_related("area__parent__parent").in_bulk(
        {row.unit_id for row in rows if 0 < row.unit_id <= MAX_ID}  # others name no unit
    )
    allowed = units_actor_may_change(actor, units.values())
    plan = StaffingPlan(year, units, errors=_errors(rows, units, year))
    outside = units.keys() - allowed
    plan.outside = [i for i, row in enumerate(rows) if row.unit_id in outside]
    saved = StaffingFigure.objects.filter(
        year=year, unit_id__in=units, category__in={row.category for row in rows}
    )
    if lock:
        saved = saved.select_for_update()
    existing = {(f.unit_id, f.category): f for f in saved}
    for row in rows:
        figure = existing.get(row.key)
        if figure is None:
            plan.created.append(row)
        elif _values(figure) != _values(row):
            plan.changed.append((figure, row))
        else:
            plan.unchanged += 1
    return plan


@transaction.atomic
def staffing_save(
    *, actor: User, year: int, rows: list[StaffingRow], about: Model, expect: str | None = None
) -> dict:
    """Create or change the figures of `year` for the rows given. Raises
    PermissionDenied (nothing written) if a unit lies outside the actor's scope,
    ValidationError with one message per row and field (keys "3.assigned"…) if
    any row is wrong, or if `expect` (a previewed plan's digest) is given and
    the plan differs. `about` is what the save is filed under in the audit log
    (the agency whose grid it is, or the imported file)."""
    if not may_enter_staffing(actor):
        raise PermissionDenied
    _lock_year(year)
    plan = staffing_plan(actor=actor, year=year, rows=rows, lock=True)
    if plan.outside:
        raise PermissionDenied(_("A unit of these figures is outside your scope."))
    if plan.errors:
        raise ValidationError(plan.errors)
    if expect is not None and plan.digest != expect:
        raise ValidationError(
            {"file": [_("The figures changed since the preview: preview the file again.")]}
        )
    units, before, after = plan.units, {}, {}
    for figure, row in plan.changed:
        before[_label(row)] = _snapshot(_values(figure), units[row.unit_id])
    for row in [*plan.created, *(row for _f, row in plan.changed)]:
        after[_label(row)] = _snapshot(_values(row), units[row.unit_id])
    # One upsert for new and changed figures (the changed ones are locked):
    # bulk_update's CASE per field and row took 13 s for 10,000 rows.
    StaffingFigure.objects.bulk_create(
        [
            StaffingFigure(unit_id=row.unit_id, year=year, category=row.category, **_values(row))
            for row in [*plan.created, *(row for _f, row in plan.changed)]
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["unit", "year", "category"],
        update_fields=list(FIELDS),
    )
    touched = list({units[row.unit_id] for row in rows if _label(row) in after})
    if touched:
        audit_record(
            actor=actor,
            action="staffing.save",
            obj=about,
            before={"year": year, "figures": before},
            after={"year": year, "figures": after},
            units=touched,
        )
        figures_mark_stale(areas=areas_of(touched), since=dt.date(year, 1, 1))
        staffing_changed()
    return {"created": len(plan.created), "changed": len(plan.changed), "unchanged": plan.unchanged}


@transaction.atomic
def staffing_assign(*, actor: User, year: int, quotas: dict[tuple[int, str], int], about: Model):
    """Set the assigned quota of some units × categories for `year`, keeping
    what else their figures hold (the headcount, streamlining): the quotas the
    guided restructuring form proposes and the clerk confirms."""
    _lock_year(year)  # before reading what is kept
    saved = {
        (f.unit_id, f.category): f
        for f in StaffingFigure.objects.filter(year=year, unit_id__in={u for u, _c in quotas})
    }
    rows = []
    for (unit_id, category), assigned in quotas.items():
        figure = saved.get((unit_id, category))
        kept = _values(figure) if figure else {}
        rows.append(StaffingRow(unit_id, category, **(kept | {"assigned": assigned})))
    return staffing_save(actor=actor, year=year, rows=rows, about=about)


def _lock_year(year: int) -> None:
    """One staffing save of a year at a time on PostgreSQL (until the
    transaction ends): figures to create cannot be locked as rows, and a save
    meanwhile would otherwise be overwritten by the upsert. SQLite's writers
    queue already (BEGIN IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [STAFFING_LOCK, year])


STAFFING_LOCK = 0x5354  # "ST": the advisory lock class of staffing saves


def _errors(rows: list[StaffingRow], units: dict[int, Unit], year: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    seen: set[tuple[int, str]] = set()
    for index, row in enumerate(rows):
        unit = units.get(row.unit_id)
        problems: dict[str, str] = {}
        if unit is None:
            problems["unit"] = _("No unit has this id.")
        elif unit.established_on > last or (unit.closed_on and unit.closed_on <= first):
            problems["unit"] = _("%(unit)s was not active in %(year)s.") % {
                "unit": unit.name,
                "year": year,
            }
        elif row.category not in categories_for(unit.kind):
            problems["category"] = _("%(unit)s has no %(category)s.") % {
                "unit": unit.name,
                "category": category_label(row.category),
            }
        if row.key in seen:
            problems["category"] = _("The same unit and category appear twice.")
        seen.add(row.key)
        for name in NUMBERS:
            value = getattr(row, name)
            if value is None and name != "streamlined":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems[name] = _("Enter a whole number of people, 0 or more.")
            elif value > MAX_PEOPLE:
                problems[name] = _("That is more people than any unit has.")
        if row.actual_on and not first <= row.actual_on <= last + dt.timedelta(days=365):
            problems["actual_on"] = _("The headcount date must fall in that year or the next.")
        errors |= {f"{index}.{name}": [message] for name, message in problems.items()}
    return errors


def category_label(category: str, *, lower: bool = True) -> str:
    try:
        label = str(StaffingCategory(category).label)
        return label[:1].lower() + label[1:] if lower else label
    except ValueError:
        return category


def _label(row: StaffingRow) -> str:
    return f"{row.unit_id}:{row.category}"


def _values(source) -> dict:
    """The fields a row sets, read from a row or a saved figure."""
    return {name: getattr(source, name) for name in FIELDS}


def _snapshot(values: dict, unit: Unit) -> dict:
    """What the audit keeps of a figure."""
    day = values["actual_on"]
    return {"name": unit.name, **values, "actual_on": day.isoformat() if day else None}
