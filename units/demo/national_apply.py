"""The last steps of the national dataset: the 2025 area changes applied to every
province by the real service (`apply_area_changes`), and what the result says:
the national totals and the accounting invariant for every province."""

import datetime as dt

from ..choices import AreaLevel
from ..models import Area, AreaLineage, Unit, User
from ..selectors.invariant import invariant_rows
from ..services.area_changes import Lookups, apply_area_changes, plan_area_changes
from ..services.restructuring_rules import Decision
from .national_facts import REFORM

DECISION = Decision(
    number="Nghị quyết 202/2025/QH15",
    decided_on=dt.date(2025, 6, 12),
    effective_on=REFORM,
    authority="Quốc hội",
    note="Sắp xếp đơn vị hành chính cấp tỉnh và cấp xã; kết thúc hoạt động cấp huyện.",
)


def province_groups(provinces: list[Area] | None = None) -> list[list[Area]]:
    """The provinces of 30/06/2025 grouped by the province they became."""
    provinces = provinces or list(
        Area.objects.valid_on(REFORM - dt.timedelta(days=1))
        .filter(level=AreaLevel.PROVINCE)
        .order_by("code")
    )
    links = dict(
        AreaLineage.objects.filter(predecessor__in=provinces).values_list(
            "predecessor_id", "successor_id"
        )
    )
    groups: dict[int, list[Area]] = {}
    for province in provinces:
        groups.setdefault(links.get(province.pk, province.pk), []).append(province)
    return list(groups.values())


def apply_2025_changes(actor: User, provinces: list[Area] | None = None) -> dict[str, int]:
    """Every province as it stood on 30/06/2025, by the rules of 2025."""
    totals = {"moved": 0, "transfers": 0, "merged": 0, "dissolved": 0, "problems": 0}
    # The bodies the plans look for (new communes', new provinces') were all
    # established before; one read of them serves every province.
    lookups = Lookups(REFORM)
    for group in province_groups(provinces):
        plan = plan_area_changes(areas=group, day=REFORM, lookups=lookups)
        result = apply_area_changes(plan=plan, decision=DECISION, actor=actor)
        for key, value in result.items():
            totals[key] += value
        totals["problems"] += len(plan.problems)
    return totals


def summary(*, today: dt.date, base: dt.date) -> list[str]:
    """National totals at the published dates, and the invariant per province."""
    services = Unit.objects.services()
    lines = [
        f"service units active on {day:%d/%m/%Y}: {services.active_on(day).count()}"
        for day in (base, dt.date(2021, 12, 31), dt.date(2023, 12, 31), today)
    ]
    provinces = list(Area.objects.filter(level=AreaLevel.PROVINCE).order_by("code", "valid_from"))
    windows = [(base, dt.date(2021, 12, 31)), (dt.date(2021, 12, 31), today), (base, today)]
    rows = invariant_rows(provinces, windows)
    broken = [r for r in rows if not r.holds]
    lines.append(
        f"invariant (base + created − closed = current): {len(rows) - len(broken)} of "
        f"{len(rows)} province × window checks hold"
    )
    lines += [f"  FAILS {r}" for r in broken[:10]]
    return lines
