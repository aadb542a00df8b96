"""A unit's lineage: the decisions around it and a layered drawing of them."""

import datetime as dt
import textwrap

from django.db.models import Prefetch

from ..choices import LinkRole, RestructuringKind
from ..models import Restructuring, RestructuringLink, Unit

NODE_W, LINE_H, GAP_X, GAP_Y = 300, 15, 60, 14
# Two lines of the name fit a box at 12px; longer names end in "…" and show in
# full on hover. Siblings such as "Trung tâm Văn hóa - Thông tin quận …" and
# "Trung tâm Thể dục thể thao quận …" differ early enough to tell apart.
LINE_CHARS, NAME_LINES = 44, 2
NODE_H = 10 + LINE_H * (NAME_LINES + 1)


def links_with_units(links=None):
    """Links (all, or those given) with their units' managing body and area, in
    the order pages show them: sources, then results, as recorded."""
    links = links if links is not None else RestructuringLink.objects.all()
    return links.select_related("unit__parent", "unit__area").order_by("role", "id")


def with_links(queryset, links=None):
    """The restructurings with their links (or those of `links`) and units."""
    return queryset.prefetch_related(Prefetch("links", queryset=links_with_units(links)))


def links_by_role(restructuring: Restructuring) -> tuple[list, list]:
    """All the links of a restructuring, prefetched (`with_links`) or read now."""
    if "links" in getattr(restructuring, "_prefetched_objects_cache", {}):
        links = list(restructuring.links.all())
    else:
        links = list(links_with_units(restructuring.links.all()))
    return (
        [link for link in links if link.role == LinkRole.SOURCE],
        [link for link in links if link.role == LinkRole.RESULT],
    )


# Kinds whose units each go their own way: a bulk transfer of 2,000 units, or
# the dissolution of the bodies of a province, relates a unit to its own copy
# only, not to the other 1,999.
ONE_BY_ONE = {
    RestructuringKind.TRANSFER,
    RestructuringKind.DISSOLVE,
    RestructuringKind.RENAME,
    RestructuringKind.EQUITIZE,
    RestructuringKind.ESTABLISH,
}


def unit_lineage(unit: Unit, *, generations: int = 4) -> list[Restructuring]:
    """Every decision linked to the unit, its predecessors and its successors, up to
    `generations` steps away, oldest first, each with the links of the units of
    this lineage only: three queries per generation and two at the end, however
    large the decisions."""
    seen_units = {unit.pk}
    seen_events: set[int] = set()
    frontier = {unit.pk}
    for _ in range(generations):
        events = dict(
            RestructuringLink.objects.filter(
                unit_id__in=frontier, restructuring__reversed_at__isnull=True
            )
            .exclude(restructuring_id__in=seen_events)
            .values_list("restructuring_id", "restructuring__kind")
        )
        if not events:
            break
        seen_events |= set(events)
        reached = _related_units(frontier, events)
        frontier = reached - seen_units
        seen_units |= reached
    links = RestructuringLink.objects.filter(unit_id__in=seen_units)
    queryset = Restructuring.objects.filter(pk__in=seen_events).order_by("effective_on", "id")
    return list(with_links(queryset, links))


def _related_units(frontier: set[int], events: dict[int, str]) -> set[int]:
    """Units that the events relate to the frontier: every unit of a merger,
    consolidation or split; the unit itself and its own copy in a transfer."""
    rows = RestructuringLink.objects.filter(restructuring_id__in=events).order_by(
        "restructuring_id", "role", "id"
    )
    by_event: dict[int, list[tuple[str, int]]] = {}
    for event, role, unit_id in rows.values_list("restructuring_id", "role", "unit_id"):
        by_event.setdefault(event, []).append((role, unit_id))
    reached = set()
    for event, links in by_event.items():
        if events[event] not in ONE_BY_ONE:
            reached |= {unit_id for _role, unit_id in links}
            continue
        sources = [u for role, u in links if role == LinkRole.SOURCE]
        results = [u for role, u in links if role == LinkRole.RESULT]
        for source, result in zip(sources, results, strict=False):
            if source in frontier or result in frontier:
                reached |= {source, result}
        reached |= frontier & {u for _role, u in links}
    return reached


def name_lines(name: str) -> list[str]:
    lines = textwrap.wrap(name, LINE_CHARS) or [""]
    if len(lines) > NAME_LINES:
        lines = lines[:NAME_LINES]
        lines[-1] = lines[-1][: LINE_CHARS - 1].rstrip() + "…"
    return lines


def _edges(events: list[Restructuring]):
    names: dict[int, Unit] = {}
    edges: list[tuple[int, int, Restructuring]] = []
    for event in events:
        sources, results = links_by_role(event)
        for link in [*sources, *results]:
            names[link.unit_id] = link.unit
        if event.kind == RestructuringKind.TRANSFER:
            # Each unit moves on its own: its copy is the result in the same position.
            pairs = zip(sources, results, strict=False)
        else:
            pairs = ((s, r) for s in sources for r in results)
        edges += [(s.unit_id, r.unit_id, event) for s, r in pairs if s.unit_id != r.unit_id]
    return names, edges


def lineage_graph(unit: Unit, events: list[Restructuring]) -> dict | None:
    """A layered drawing of the lineage: units in columns (predecessors left,
    successors right), an edge from each source to each result of a decision."""
    names, edges = _edges(events)
    # Keep only what is connected to the unit (a bulk transfer moves many others).
    connected, grew = {unit.pk}, True
    while grew:
        grew = False
        for s, r, _event in edges:
            if (s in connected) != (r in connected):
                connected |= {s, r}
                grew = True
    edges = [e for e in edges if e[0] in connected]
    names = {pk: u for pk, u in names.items() if pk in connected}
    if not edges:
        return None
    layer = dict.fromkeys(names, 0)
    for _ in range(len(names)):
        changed = False
        for s, r, _event in edges:
            if layer[r] < layer[s] + 1:
                layer[r], changed = layer[s] + 1, True
        if not changed:
            break
    columns: dict[int, list[Unit]] = {}
    for unit_id, col in layer.items():
        columns.setdefault(col, []).append(names[unit_id])
    place = {}
    for col, units in columns.items():
        for row, node in enumerate(sorted(units, key=lambda u: (u.established_on, u.name))):
            place[node.pk] = (col * (NODE_W + GAP_X), row * (NODE_H + GAP_Y))
    nodes = []
    for pk, node in names.items():
        lines = name_lines(node.name)
        nodes.append(
            {
                "unit": node,
                "x": place[pk][0],
                "y": place[pk][1],
                "lines": [(line, 17 + i * LINE_H) for i, line in enumerate(lines)],
                "dates_y": 17 + len(lines) * LINE_H,
                "current": pk == unit.pk,
            }
        )
    lines = []
    for s, r, event in edges:
        (x1, y1), (x2, y2) = place[s], place[r]
        x1, y1, y2 = x1 + NODE_W, y1 + NODE_H / 2, y2 + NODE_H / 2
        mid = (x1 + x2) / 2
        lines.append({"d": f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}", "event": event})
    return {
        "nodes": nodes,
        "edges": lines,
        "width": (max(layer.values()) + 1) * (NODE_W + GAP_X) - GAP_X + 2,
        "height": max(len(c) for c in columns.values()) * (NODE_H + GAP_Y) - GAP_Y + 2,
        "node_w": NODE_W,
        "node_h": NODE_H,
    }


MAX_TRANSFERS = 20  # a chain of copies longer than this is not a real history


def transfer_origin(unit: Unit) -> tuple[Unit, dt.date] | None:
    """For a unit that is the copy of a transfer (moved to another managing
    body or area, so recorded anew): the unit its line of transfers started
    from, whose establishment is the unit's, and the day it last moved. None
    for a unit not created by a transfer. One query per transfer in the line."""
    origin, moved_on = unit, None
    for _step in range(MAX_TRANSFERS):
        link = (
            RestructuringLink.objects.filter(
                unit=origin, role=LinkRole.RESULT, copy_of__isnull=False
            )
            .select_related("copy_of", "restructuring")
            .first()
        )
        if link is None:
            break
        origin = link.copy_of
        moved_on = moved_on or link.restructuring.effective_on
    return (origin, moved_on) if moved_on else None
