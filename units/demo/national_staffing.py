"""Staffing of the national dataset: for every unit active at the end of each
year 2015–2026, its quota (civil servants of an agency, budget-paid employees of
a service unit) and for some units contract staff, shrinking by ~1.8 % a year as
Nghị quyết 19-NQ/TW asks (~10 % by 2021). Deterministic: each unit draws from
its own generator. Written in bulk, a year at a time (flat memory)."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from ..choices import ManagementLevel, StaffingCategory, UnitKind
from ..models import StaffingFigure, Unit
from ..models.registry import active_on_q
from ..versions import staffing_changed

FIRST_YEAR = 2015
YEARLY_CUT = 0.018
BATCH = 5000
# Typical quota by kind and level (a commune school ~25, a district hospital ~250).
BASE = {
    (UnitKind.AGENCY, ManagementLevel.PROVINCE): 45,
    (UnitKind.AGENCY, ManagementLevel.DISTRICT): 12,
    (UnitKind.AGENCY, ManagementLevel.COMMUNE): 21,
    (UnitKind.SERVICE, ManagementLevel.PROVINCE): 120,
    (UnitKind.SERVICE, ManagementLevel.DISTRICT): 45,
    (UnitKind.SERVICE, ManagementLevel.COMMUNE): 24,
}
QUOTA = {UnitKind.AGENCY: StaffingCategory.CIVIL_SERVANT}


@transaction.atomic
def write_staffing(seed: int) -> int:
    """Every year's figures; returns how many rows were written."""
    today = timezone.localdate()
    written = 0
    for year in range(FIRST_YEAR, today.year + 1):
        day = min(dt.date(year, 12, 31), today)
        units = Unit.objects.filter(active_on_q(day)).values_list("pk", "kind", "level")
        rows = [row for unit in units.iterator(chunk_size=BATCH) for row in _rows(unit, year, seed)]
        StaffingFigure.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    staffing_changed()
    return written


def _rows(unit: tuple, year: int, seed: int) -> list[StaffingFigure]:
    pk, kind, level = unit
    rng = random.Random(seed * 1_000_003 + pk)  # the unit's own draws, every year the same
    base = BASE.get((kind, level), 30) * rng.uniform(0.6, 1.6)
    assigned = max(1, round(base * (1 - YEARLY_CUT) ** (year - FIRST_YEAR)))
    rng = random.Random(seed * 1_000_003 + pk * 37 + year)
    gap = rng.choices((0, 1, 2, 3, -1, -2), weights=(45, 25, 14, 7, 6, 3))[0]
    category = QUOTA.get(kind, StaffingCategory.BUDGET_EMPLOYEE)
    rows = [
        StaffingFigure(
            unit_id=pk,
            year=year,
            category=category,
            assigned=assigned,
            actual=max(assigned - gap, 0),
            streamlined=1 if rng.random() < 0.05 else 0,
            decision_number=f"{year - 1}/QĐ-BC",
            actual_on=dt.date(year, 12, 31),
        )
    ]
    if rng.random() < 0.15:
        rows.append(
            StaffingFigure(
                unit_id=pk,
                year=year,
                category=StaffingCategory.CONTRACT,
                actual=rng.randint(1, 4),
            )
        )
    return rows
