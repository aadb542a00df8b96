"""The cover tables (which areas an area scope counts, in which years; which
agencies an agency scope counts), kept row by row: the rows worked out from
the areas, their lineage and the agency tree are compared with those stored,
and only the difference is written, under the lock of the snapshot's writes.
The scopes whose rows changed are returned: only their figures move."""

import dataclasses
import datetime as dt

from django.db.models import F

from ..models import AgencyCover, AgencySuccession, Area, AreaCover, AreaLineage, Unit
from ..models.registry import last_year_ended

DEPTH = 4  # areas: province, district, commune (and a margin)
AGENCY_REACH = 64  # the scopes one agency can count in (its chain and its heirs')

AREA_FIELDS = ("scope_id", "area_id", "root", "first_year", "last_year")
AGENCY_FIELDS = ("scope_id", "member_id")


@dataclasses.dataclass
class Changed:
    """The scopes whose cover rows changed."""

    areas: set[int] = dataclasses.field(default_factory=set)
    agencies: set[int] = dataclasses.field(default_factory=set)


def cover_sync() -> Changed:
    """Bring both cover tables up to date; the caller holds the lock
    (`recompute.lock`) in its transaction."""
    return Changed(
        areas=_write(AreaCover, AREA_FIELDS, area_cover_rows()),
        agencies=_write(AgencyCover, AGENCY_FIELDS, agency_cover_rows()),
    )


def _write(model, fields: tuple[str, ...], wanted: set[tuple]) -> set[int]:
    """Delete the stored rows not wanted, insert the wanted rows not stored;
    the scopes of both."""
    stored = {tuple(row[1:]): row[0] for row in model.objects.values_list("pk", *fields)}
    gone = [pk for row, pk in stored.items() if row not in wanted]
    new = [row for row in wanted if row not in stored]
    for i in range(0, len(gone), 5000):
        model.objects.filter(pk__in=gone[i : i + 5000]).delete()
    model.objects.bulk_create(
        (model(**dict(zip(fields, row, strict=True))) for row in new), batch_size=5000
    )
    return {row[0] for row in new} | {row[0] for row in stored if row not in wanted}


def area_cover_rows() -> set[tuple]:
    """(scope, area, root, first year, last year): each area is counted by its
    ancestors-or-self and by their successors through lineage; an area a scope
    covers whose parent it does not cover is a root of its cover."""
    areas = {
        pk: (parent, start, end)
        for pk, parent, start, end in Area.objects.values_list(
            "pk", "parent_id", "valid_from", "valid_to"
        )
    }
    successors: dict[int, set[int]] = {}
    for before, after in AreaLineage.objects.values_list("predecessor_id", "successor_id"):
        successors.setdefault(before, set()).add(after)
    scopes_of: dict[int, set[int]] = {}
    for area in areas:
        node, chain = area, []
        while node is not None and len(chain) < DEPTH:
            chain.append(node)
            node = areas[node][0] if node in areas else None
        scopes, frontier = set(chain), set(chain)
        while frontier:
            frontier = {s for node in frontier for s in successors.get(node, ())} - scopes
            scopes |= frontier
        scopes_of[area] = scopes
    rows = set()
    for area, scopes in scopes_of.items():
        above = scopes_of.get(areas[area][0], set())
        for scope in scopes:
            rows.add((scope, area, scope not in above, *_years(*areas[scope][1:])))
    return rows


def _years(start: dt.date | None, end: dt.date | None) -> tuple[int | None, int | None]:
    """The years (as of 31/12) in which an area counts: today's areas in every
    year (compared with their predecessors), an ended one from the year it began
    to the last 31/12 it saw."""
    if end is None:
        return None, None
    return (start.year if start else None), last_year_ended(end)


def agency_cover_rows() -> set[tuple[int, int]]:
    """(scope, member): every agency is counted by itself, the agencies above
    it and, where it ended with a single successor (merged, consolidated, or
    dissolved with its units handed to one body), by that successor and the
    agencies above it: a merged department's figures start from its
    predecessors' (DESIGN §4.2)."""
    parents = dict(Unit.objects.agencies().values_list("pk", "parent_id"))
    heirs = continued_in()
    rows = set()
    for agency in parents:
        seen, frontier = {agency}, [agency]
        while frontier and len(seen) < AGENCY_REACH:
            node = frontier.pop()
            rows.add((node, agency))
            for up in (parents.get(node), heirs.get(node)):
                if up is not None and up in parents and up not in seen:
                    seen.add(up)
                    frontier.append(up)
    return rows


def continued_in() -> dict[int, int]:
    """Each ended agency whose ending decision named a single successor, and
    that successor (a part spun off earlier does not continue it)."""
    successors: dict[int, set[int]] = {}
    pairs = AgencySuccession.objects.filter(predecessor__closed_by=F("restructuring"))
    for before, after in pairs.values_list("predecessor_id", "successor_id"):
        successors.setdefault(before, set()).add(after)
    return {before: after.pop() for before, after in successors.items() if len(after) == 1}
