"""The rows a restructuring decision writes, built without a query: the apply
service saves them under its locks, one decision at a time, and the national
generator collects them for thousands of decisions and writes them in bulk
(STYLE: one way to write each thing, bulk loaders use the service's builders)."""

import dataclasses
import datetime as dt

from ..audit import audit_rows, snapshot
from ..choices import LinkRole, RestructuringKind
from ..models import (
    AgencySuccession,
    Area,
    AuditEntry,
    AuditLink,
    Restructuring,
    RestructuringLink,
    Unit,
    User,
)
from ..text import fold
from .agency_lineage import plan_successions
from .figures import areas_of
from .restructuring_rules import RENAMEABLE, Plan
from .stale_marks import stale_pairs


@dataclasses.dataclass
class DecisionRows:
    """What one decision writes, unsaved: the decision, the units it closes or
    renames (changed in place), the units it creates, its links, and the areas
    whose figures it makes stale. The audit entry names ids, so it is built by
    `restructuring_audit_rows` once these rows have them."""

    restructuring: Restructuring
    closed: list[Unit]
    renamed: list[Unit]
    results: list[Unit]
    links: list[RestructuringLink]
    areas: list[Area]
    successions: list[AgencySuccession] = dataclasses.field(default_factory=list)

    @property
    def touched(self) -> list[Unit]:
        """Every unit the decision names: sources, the absorbing unit, results."""
        return [link.unit for link in self.links]

    def marks(self, today: dt.date | None = None) -> list[tuple[int, int]]:
        """The (area id, year) pairs marked for recompute: the pairs
        `figures_mark_stale(areas=self.areas, since=effective_on)` writes."""
        return stale_pairs(areas=self.areas, since=self.restructuring.effective_on, today=today)


def restructuring_rows(
    *, plan: Plan, actor: User, submission_key: str | None = None
) -> DecisionRows:
    """Build the rows of a validated plan: the decision, the sources closed
    (`closed_on`, `closed_by`) and renamed (with their search name), the results
    with theirs, and the links with the before/after a reversal restores."""
    d = plan.decision
    restructuring = Restructuring(
        kind=plan.kind,
        decision_number=d.number.strip(),
        decided_on=d.decided_on,
        effective_on=d.effective_on,
        authority=d.authority.strip(),
        note=d.note.strip(),
        new_parent=plan.new_parent,
        new_area=plan.new_area,
        created_by=actor,
        submission_key=submission_key,
    )
    # By identity: the generator's units have no ids yet.
    ceasing = {id(unit) for unit in plan.ceasing}
    links = []
    for source in plan.sources:
        before = snapshot(source, ["closed_on", *RENAMEABLE])
        ceases = id(source) in ceasing
        if ceases:
            source.closed_on, source.closed_by = d.effective_on, restructuring
        for field, value in plan.renamed.items():
            setattr(source, field, value)
        if plan.renamed:
            source.name_folded = fold(source.name)  # a bulk write does not call save()
        links.append(
            RestructuringLink(
                restructuring=restructuring,
                unit=source,
                role=LinkRole.SOURCE,
                ceases=ceases,
                before=before,
                after=snapshot(source, RENAMEABLE) if plan.renamed else None,
            )
        )
    if plan.target is not None:
        links.append(
            RestructuringLink(restructuring=restructuring, unit=plan.target, role=LinkRole.RESULT)
        )
    transfer = plan.kind == RestructuringKind.TRANSFER
    for i, result in enumerate(plan.results):
        result.name_folded = fold(result.name)
        links.append(
            RestructuringLink(
                restructuring=restructuring,
                unit=result,
                role=LinkRole.RESULT,
                created=True,
                staff_moved=plan.staff.get(i),
                # A transfer's copies follow its sources, one each.
                copy_of=plan.sources[i] if transfer else None,
            )
        )
    successions = [
        AgencySuccession(
            predecessor=before,
            successor=after,
            restructuring=restructuring,
            effective_on=d.effective_on,
        )
        for before, after in plan_successions(plan)
    ]
    return DecisionRows(
        restructuring=restructuring,
        closed=list(plan.ceasing),
        renamed=list(plan.sources) if plan.renamed else [],
        results=list(plan.results),
        links=links,
        areas=areas_of(link.unit for link in links),
        successions=successions,
    )


def restructuring_summary(restructuring: Restructuring, links: list[RestructuringLink]) -> dict:
    """A JSON-ready description of a restructuring and its links for the audit log."""
    return {
        "kind": restructuring.kind,
        "decision_number": restructuring.decision_number,
        "effective_on": restructuring.effective_on.isoformat(),
        "links": [
            {
                "unit": link.unit.pk,
                "name": link.unit.name,
                "role": link.role,
                "ceases": link.ceases,
                "created": link.created,
            }
            for link in links
        ],
    }


def restructuring_audit_rows(
    *, restructuring: Restructuring, links: list[RestructuringLink], actor: User
) -> tuple[AuditEntry, list[AuditLink]]:
    """The audit entry of an applied decision and its links to every unit it
    names; built once the decision and its units have their ids."""
    return audit_rows(
        restructuring,
        actor=actor,
        action="restructuring.apply",
        before=None,
        after=restructuring_summary(restructuring, links),
        units=[link.unit for link in links],
    )
