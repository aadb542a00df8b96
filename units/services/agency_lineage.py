"""Agency lineage (DESIGN §3): the successions a decision about managing bodies
records, and the areas whose waterfall cells they change.

- merge, consolidate, split, spin off: each body among the sources and each
  body among the results (the absorbing one, or the new ones);
- transfer: a body and its copy (the same body under another managing body or
  in another area, as the bodies of the provinces that merged on 1/7/2025);
- dissolve: each body and the bodies its units were transferred to on the
  day it ended (the end of a district's bodies on 1/7/2025: the wards' People's
  Committees, the departments of education and health, the province's).

A transfer from a body to its successor on the day of the succession counts as
the succession's in the figures (`snapshot_sql.DELTA_KIND`), so recording or
reversing a succession marks the areas of those transfers."""

import datetime as dt

from django.db.models import Q

from ..choices import LinkRole, UnitKind
from ..choices import RestructuringKind as K
from ..models import AgencySuccession, Area, RestructuringLink, Unit
from .figures import areas_of

SUCCEEDING = {K.MERGE, K.CONSOLIDATE, K.SPLIT, K.SPIN_OFF}


def plan_successions(plan) -> list[tuple[Unit, Unit]]:
    """The (predecessor, successor) pairs of a plan; no query (a dissolution's
    receivers were read by `restructuring_plan` into `plan.handed_to`)."""
    bodies = [unit for unit in plan.sources if unit.kind == UnitKind.AGENCY]
    if not bodies:
        return []
    if plan.kind == K.DISSOLVE:
        return list(plan.handed_to)
    if plan.kind == K.TRANSFER:  # the same body under another body or area
        moved = {id(body) for body in bodies}  # by identity: the generator's have no ids
        pairs = zip(plan.sources, plan.results, strict=True)
        return [(s, c) for s, c in pairs if id(s) in moved]
    if plan.kind not in SUCCEEDING:
        return []
    results = [plan.target] if plan.target is not None else plan.results
    return [(b, r) for b in bodies for r in results if r.kind == UnitKind.AGENCY and r is not b]


def receivers(bodies: list[Unit], day: dt.date) -> list[tuple[Unit, Unit]]:
    """Each body and the bodies its units were transferred to on `day` (by
    decisions not reversed), in one query."""
    bodies = [unit for unit in bodies if unit.kind == UnitKind.AGENCY]
    if not bodies:
        return []
    rows = set(
        _handovers(bodies, day).values_list("copy_of__parent_id", "unit__parent_id").distinct()
    )
    found = Unit.objects.in_bulk({after for _before, after in rows})
    by_id = {unit.pk: unit for unit in bodies}
    return [
        (by_id[before], found[after])
        for before, after in sorted(rows)
        if after in found and after != before
    ]


def handover_areas(pairs: list[tuple[Unit, Unit]], day: dt.date) -> list[Area]:
    """The areas of the units moved between each pair on `day` (both ends):
    their cells change kind when the succession is recorded or reversed."""
    if not pairs:
        return []
    wanted = {(before.pk, after.pk) for before, after in pairs}
    links = _handovers([before for before, _after in pairs], day).select_related(
        "unit__area__parent__parent", "copy_of__area__parent__parent"
    )
    units = []
    for link in links:
        if (link.copy_of.parent_id, link.unit.parent_id) in wanted:
            units += [link.unit, link.copy_of]
    return areas_of(units)


def _handovers(bodies: list[Unit], day: dt.date):
    """The copies made by transfers in force on `day` of units these bodies managed."""
    return RestructuringLink.objects.filter(
        restructuring__kind=K.TRANSFER,
        restructuring__effective_on=day,
        restructuring__reversed_at__isnull=True,
        created=True,
        copy_of__parent__in=bodies,
    )


def succession_relying_on(restructuring, links) -> AgencySuccession | None:
    """Another decision's succession, dated the day of this transfer, between
    bodies whose units the transfer moved: the transfer cannot be reversed
    before it (a dissolution's successors are the bodies its units went to)."""
    if restructuring.kind != K.TRANSFER:
        return None
    sources = {link.unit_id: link.unit for link in links if link.role == LinkRole.SOURCE}
    pairs = {
        (sources[link.copy_of_id].parent_id, link.unit.parent_id)
        for link in links
        if link.created and link.copy_of_id in sources
    }
    if not pairs:
        return None
    between = Q()
    for before, after in pairs:
        between |= Q(predecessor_id=before, successor_id=after)
    found = AgencySuccession.objects.filter(between, effective_on=restructuring.effective_on)
    found = found.exclude(restructuring=restructuring).select_related(
        "restructuring", "predecessor"
    )
    return found.order_by("id").first()
