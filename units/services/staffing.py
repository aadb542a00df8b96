"""Saving staffing figures (DESIGN §2, §5): one service for the grid, the Excel
import and the figures proposed after a restructuring. All or nothing, checked
row by row with messages a clerk can act on, locked, audited once per save, with
the scopes × years marked for recompute."""

import dataclasses
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..choices import Role, StaffingCategory
from ..models import StaffingFigure, Unit, User
from ..models.staffing import FIRST_YEAR, LAST_YEAR, MAX_PEOPLE, categories_for
from ..scope import can_change_unit
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


def may_enter_staffing(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or Role.CLERK in user.roles)


@transaction.atomic
def staffing_save(*, actor: User, year: int, rows: list[StaffingRow], about: Unit) -> dict:
    """Create or change the figures of `year` for the rows given. Raises
    PermissionDenied (nothing written) if a unit lies outside the actor's scope,
    ValidationError with one message per row and field (keys "3.assigned"…) if
    any row is wrong. `about` is what the save is filed under in the audit log
    (the agency whose grid it is, or the clerk's scope for an import)."""
    if not may_enter_staffing(actor):
        raise PermissionDenied
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [_("The year must be between 2000 and 2100.")]})
    units = Unit.objects.select_related("area__parent").in_bulk({row.unit_id for row in rows})
    if any(not can_change_unit(actor, unit) for unit in units.values()):
        raise PermissionDenied(_("A unit of these figures is outside your scope."))
    errors = _errors(rows, units, year)
    if errors:
        raise ValidationError(errors)
    existing = {
        (f.unit_id, f.category): f
        for f in StaffingFigure.objects.select_for_update().filter(
            year=year, unit_id__in=units, category__in={row.category for row in rows}
        )
    }
    created, changed, before, after = [], [], {}, {}
    for row in rows:
        values = {name: getattr(row, name) for name in FIELDS}
        figure = existing.get(row.key)
        if figure is None:
            created.append(
                StaffingFigure(unit_id=row.unit_id, year=year, category=row.category, **values)
            )
        elif any(getattr(figure, name) != value for name, value in values.items()):
            before[_label(row)] = _snapshot(figure, units[row.unit_id])
            for name, value in values.items():
                setattr(figure, name, value)
            changed.append(figure)
        else:
            continue
        after[_label(row)] = _snapshot(values, units[row.unit_id])
    StaffingFigure.objects.bulk_create(created)
    StaffingFigure.objects.bulk_update(changed, FIELDS)
    touched = [units[row.unit_id] for row in rows if _label(row) in after]
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
    return {"created": len(created), "changed": len(changed), "unchanged": len(rows) - len(after)}


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
                "category": _category_label(row.category),
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


def _category_label(category: str) -> str:
    try:
        return str(StaffingCategory(category).label).lower()
    except ValueError:
        return category


def _label(row: StaffingRow) -> str:
    return f"{row.unit_id}:{row.category}"


def _snapshot(values, unit: Unit) -> dict:
    """What the audit keeps of a figure (a saved one, or the values of a row)."""
    if not isinstance(values, dict):
        values = {name: getattr(values, name) for name in FIELDS}
    day = values["actual_on"]
    return {"name": unit.name, **values, "actual_on": day.isoformat() if day else None}
