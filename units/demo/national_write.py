"""Writing the national dataset in bulk, as the restructuring service would
write it row by row: decisions, agencies level by level (managing bodies first),
service units, links, one audit entry per decision with its links to units and
areas, and the recompute marks of every area and year the decisions touched."""

from django.db import transaction
from django.utils import timezone

from ..models import (
    Area,
    AuditEntry,
    AuditLink,
    RecomputeMark,
    Restructuring,
    RestructuringLink,
    Unit,
)
from ..services.restructurings import restructuring_summary
from ..versions import areas_changed, registry_changed
from .national import NationalSeed

BATCH = 2000


@transaction.atomic
def write(seed: NationalSeed) -> dict[str, int]:
    Restructuring.objects.bulk_create(seed.decisions, batch_size=BATCH)
    for depth in seed.depths:
        _prepare(depth)
        Unit.objects.bulk_create(depth, batch_size=BATCH)
    _prepare(seed.services)
    Unit.objects.bulk_create(seed.services, batch_size=BATCH)
    for decision, body in seed.new_parents:
        decision.new_parent = body
    moved = [decision for decision, _body in seed.new_parents]
    Restructuring.objects.bulk_update(moved, ["new_parent"], batch_size=BATCH)
    RestructuringLink.objects.bulk_create(seed.links, batch_size=BATCH)
    entries = _audit(seed)
    marks = _marks(seed)
    registry_changed()
    areas_changed()
    return {
        "agencies": sum(len(d) for d in seed.depths),
        "services": len(seed.services),
        "decisions": len(seed.decisions),
        "links": len(seed.links),
        "audit_entries": entries,
        "marks": marks,
    }


def _prepare(units: list[Unit]) -> None:
    """Assign the related objects again now that they have ids: through the
    descriptor, which sets the id and keeps the object (no query to fetch it)."""
    for unit in units:
        unit.parent = unit.parent
        unit.closed_by = unit.closed_by


def _links_by_decision(seed: NationalSeed) -> dict[int, list[RestructuringLink]]:
    found: dict[int, list[RestructuringLink]] = {}
    for link in seed.links:
        found.setdefault(link.restructuring.pk, []).append(link)
    return found


def _audit(seed: NationalSeed) -> int:
    by_decision = _links_by_decision(seed)
    entries = []
    for decision in seed.decisions:
        links = by_decision.get(decision.pk, [])
        summary = restructuring_summary(decision, links)
        entries.append(
            AuditEntry(
                actor=seed.actor,
                actor_name=seed.actor.full_name or seed.actor.username,
                action="restructuring.apply",
                object_type="units.restructuring",
                object_id=str(decision.pk),
                object_repr=decision.decision_number,
                after=summary,
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    audit_links = [
        AuditLink(entry=entry, unit_id=link.unit.pk, area_id=link.unit.area_id)
        for entry, decision in zip(entries, seed.decisions, strict=True)
        for link in by_decision.get(decision.pk, [])
    ]
    AuditLink.objects.bulk_create(audit_links, batch_size=BATCH)
    return len(entries)


def _marks(seed: NationalSeed) -> int:
    this_year = timezone.localdate().year
    parents = dict(Area.objects.values_list("pk", "parent_id"))
    pairs = set()
    for link in seed.links:
        first = link.restructuring.effective_on.year
        area = link.unit.area_id
        while area is not None:
            pairs.update((area, year) for year in range(first, this_year + 1))
            area = parents[area]
    RecomputeMark.objects.bulk_create(
        [RecomputeMark(area_id=area, year=year) for area, year in sorted(pairs)],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return len(pairs)
