"""An agency's lineage: the bodies it took over from and the bodies that took
over from it, each with the decision and its date (`AgencySuccession`), and the
predecessors whose units its figures count (DESIGN §4.2)."""

import dataclasses

from django.db.models import Count, F

from ..models import AgencySuccession, Unit

GENERATIONS = 8


@dataclasses.dataclass
class AgencyLineage:
    predecessors: list[AgencySuccession]
    successors: list[AgencySuccession]

    @property
    def continues_in(self) -> Unit | None:
        """The single body an ended agency continues in (its figures go on
        there): the one successor named by the decision that ended it."""
        ending = [s for s in self.successors if s.restructuring_id == s.predecessor.closed_by_id]
        return ending[0].successor if len(ending) == 1 else None


def agency_lineage(agency: Unit) -> AgencyLineage:
    """The agency's successions both ways, with their decisions: two queries."""
    rows = AgencySuccession.objects.select_related("predecessor", "successor", "restructuring")
    return AgencyLineage(
        predecessors=list(rows.filter(successor=agency).order_by("effective_on", "predecessor")),
        successors=list(rows.filter(predecessor=agency).order_by("effective_on", "successor")),
    )


def counted_predecessors(agency: Unit) -> list[AgencySuccession]:
    """The successions whose predecessors the agency's figures count: the ended
    bodies that continue in it, and theirs, oldest first (a query per
    generation)."""
    found: list[AgencySuccession] = []
    frontier = {agency.pk}
    for _ in range(GENERATIONS):
        only = (
            AgencySuccession.objects.filter(predecessor__closed_by=F("restructuring"))
            .values("predecessor")
            .annotate(n=Count("successor", distinct=True))
            .filter(n=1)
            .values("predecessor")
        )
        rows = list(
            AgencySuccession.objects.filter(successor__in=frontier, predecessor__in=only)
            .filter(predecessor__closed_by=F("restructuring"))
            .select_related("predecessor", "successor", "restructuring")
            .order_by("effective_on", "id")
        )
        if not rows:
            break
        found = rows + found
        frontier = {row.predecessor_id for row in rows}
    return sorted(found, key=lambda row: (row.effective_on, row.pk))
