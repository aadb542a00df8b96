"""Writing the national dataset in bulk: the rows the restructuring service's
builder made for every decision (`restructuring_rows`), saved many at a time in
the order their foreign keys need: decisions, agencies level by level (managing
bodies first), service units, links, one audit entry per decision with its
links, and the recompute marks of every area and year the decisions touched."""

from django.db import transaction

from ..audit import audit_save_all
from ..models import (
    AgencySuccession,
    AuditEntry,
    AuditLink,
    RecomputeMark,
    Restructuring,
    RestructuringLink,
    Unit,
    User,
)
from ..services.restructuring_rows import DecisionRows, restructuring_audit_rows
from ..versions import areas_changed, registry_changed
from .national import NationalSeed

BATCH = 2000
# The tables `write` fills, in the order it fills them (users are only read).
TABLES = (
    Restructuring,
    Unit,
    RestructuringLink,
    AgencySuccession,
    AuditEntry,
    AuditLink,
    RecomputeMark,
)


@transaction.atomic
def write(seed: NationalSeed) -> dict[str, int]:
    """Save every unit of the dataset and every decision's rows; the counts."""
    decisions = [rows.restructuring for rows in seed.decisions]
    # A transfer names a body of the dataset as its new managing body: that body
    # is saved after the decisions (units name the decision that closed them).
    later = [(d, d.new_parent) for d in decisions if d.new_parent and d.new_parent.pk is None]
    for decision, _body in later:
        decision.new_parent = None
    Restructuring.objects.bulk_create(decisions, batch_size=BATCH)
    for depth in seed.depths:
        _prepare(depth)
        Unit.objects.bulk_create(depth, batch_size=BATCH)
    _prepare(seed.services)
    Unit.objects.bulk_create(seed.services, batch_size=BATCH)
    for decision, body in later:
        decision.new_parent = body
    Restructuring.objects.bulk_update([d for d, _b in later], ["new_parent"], batch_size=BATCH)
    links = [link for rows in seed.decisions for link in rows.links]
    RestructuringLink.objects.bulk_create(links, batch_size=BATCH)
    successions = [row for rows in seed.decisions for row in rows.successions]
    AgencySuccession.objects.bulk_create(successions, batch_size=BATCH)
    entries = write_audit(seed.decisions, seed.actor)
    marks = write_marks(seed.decisions)
    registry_changed()
    areas_changed()
    return {
        "agencies": sum(len(d) for d in seed.depths),
        "services": len(seed.services),
        "decisions": len(decisions),
        "links": len(links),
        "successions": len(successions),
        "audit_entries": entries,
        "marks": marks,
    }


def _prepare(units: list[Unit]) -> None:
    """Assign the related objects again now that they have ids: through the
    descriptor, which sets the id and keeps the object (no query to fetch it)."""
    for unit in units:
        unit.parent = unit.parent
        unit.closed_by = unit.closed_by


def write_audit(decisions: list[DecisionRows], actor: User) -> int:
    """One audit entry per decision with its links, as the service writes them
    (`restructuring_audit_rows`), in bulk at the end of the hash chain, in the
    decisions' order (one lock and one move of the chain's head)."""
    built = [
        restructuring_audit_rows(restructuring=rows.restructuring, links=rows.links, actor=actor)
        for rows in decisions
    ]
    audit_save_all(built, batch_size=BATCH)
    return len(built)


def write_marks(decisions: list[DecisionRows]) -> int:
    """The recompute marks of every decision (the pairs the service marks),
    each area × year once."""
    pairs = {pair for rows in decisions for pair in rows.marks()}
    RecomputeMark.objects.bulk_create(
        [RecomputeMark(area_id=area, year=year) for area, year in sorted(pairs)],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return len(pairs)
