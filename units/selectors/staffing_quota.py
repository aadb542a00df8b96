"""What the guided restructuring form proposes for the staff of the units a
decision leaves (DESIGN §2): their quota for the first full year after it."""

import dataclasses

from ..choices import RestructuringKind as K
from ..models import StaffingFigure, Unit
from ..models.staffing import QUOTA_OF_KIND, quota_year
from .staffing import QUOTA

KINDS_THAT_MOVE_STAFF = {K.MERGE, K.CONSOLIDATE, K.SPLIT, K.SPIN_OFF}


@dataclasses.dataclass
class QuotaLine:
    key: str  # "r0": the first unit created; "u12": an existing unit
    unit: Unit
    category: str
    proposed: int | None
    current: int | None = None  # the unit's own quota before the restructuring


@dataclasses.dataclass
class QuotaProposal:
    """The quota of the units a restructuring leaves, for the first full year
    after it: the sum of the sources' quotas for a merger or a consolidation;
    for a split or a spin-off the clerk distributes `total`."""

    year: int
    total: int | None  # None: no source has a quota on record
    lines: list[QuotaLine]
    distribute: bool


def quota_proposal(plan) -> QuotaProposal | None:
    """What the guided form proposes (nothing for the kinds that move no staff).
    One query: each unit's latest quota up to the year."""
    if plan.kind not in KINDS_THAT_MOVE_STAFF:
        return None
    year = quota_year(plan.decision.effective_on)
    known = [u for u in {*plan.sources, *([plan.target] if plan.target else [])} if u.pk]
    kinds, latest = {u.pk: u.kind for u in known}, {}
    figures = StaffingFigure.objects.filter(
        unit__in=known, year__lte=year, category__in=QUOTA, assigned__isnull=False
    ).order_by("unit_id", "year")
    for figure in figures:  # the last year read wins
        if figure.category == QUOTA_OF_KIND.get(kinds[figure.unit_id]):
            latest[figure.unit_id] = figure.assigned
    # None when no source has a quota on record: nothing is proposed (not 0).
    recorded = [latest[u.pk] for u in plan.sources if u.pk in latest]
    total = sum(recorded) if recorded else None
    lines = []
    if plan.target is not None:  # a merger: the absorbing unit takes the sources' quota
        own = latest.get(plan.target.pk)
        both = None if own is None and total is None else (own or 0) + (total or 0)
        lines.append(_quota_line(f"u{plan.target.pk}", plan.target, both, own))
    if plan.kind == K.SPIN_OFF:  # the source keeps what it does not hand over
        source = plan.sources[0]
        lines.append(_quota_line(f"u{source.pk}", source, None, latest.get(source.pk)))
    distribute = plan.kind in (K.SPLIT, K.SPIN_OFF)
    for index, unit in enumerate(plan.results):
        proposed = total if plan.kind == K.CONSOLIDATE else None
        lines.append(_quota_line(f"r{index}", unit, proposed, None))
    return QuotaProposal(year, total, [line for line in lines if line.category], distribute)


def _quota_line(key: str, unit: Unit, proposed: int | None, current: int | None) -> QuotaLine:
    return QuotaLine(key, unit, QUOTA_OF_KIND.get(unit.kind, ""), proposed, current)
