"""Every decision of the filtered restructurings list, for its exports, as plain
values instead of model objects: in one block (four queries whatever the
number of decisions; the national list, ~14,000 decisions, in about a second
but ~50 MiB) or streamed in blocks of decisions (two queries a block after
the decisions' cursor, flat memory: the public download)."""

from collections.abc import Iterable, Iterator
from itertools import islice
from types import SimpleNamespace

from django.db.models import Count, OuterRef, Subquery
from django.db.models.fields.json import KT

from ..choices import LinkRole
from ..filters import RestructuringFilter
from ..models import Restructuring, RestructuringLink
from .restructurings import (
    CHANGES_SHOWN,
    GROUP_KEY,
    DecisionRow,
    decision_groups,
    first_links,
    part_changes,
    summarise_parts,
)

LINK_VALUES = (
    "restructuring_id",
    "role",
    "before_name",
    "after_name",
    "unit__name",
    "unit__parent_id",
    "unit__parent__name",
    "unit__area__name",
)


def decision_rows_all(
    filterset: RestructuringFilter, *, chunk: int | None = None
) -> Iterator[DecisionRow]:
    """The rows the list shows, for every decision it holds, in its order.
    With `chunk`, in blocks of that many decisions, a block's rows yielded
    before the next block is read (two queries a block, flat memory); without,
    in one block (four queries whatever the number of decisions)."""
    ids = filterset.qs.order_by().values("pk")
    groups = decision_groups(filterset).iterator(chunk_size=chunk or 2000)
    if chunk is None:
        yield from _block_rows(groups, ids)
        return
    for block in _batched(groups, chunk):
        yield from _block_rows(block, ids, keys={_key(group) for group in block})


def _key(group: dict) -> tuple:
    return tuple(group[k] for k in GROUP_KEY)


def _batched(items: Iterable, size: int) -> Iterator[tuple]:
    """itertools.batched of Python 3.12."""
    items = iter(items)
    while block := tuple(islice(items, size)):
        yield block


def _block_rows(groups: Iterable[dict], ids, keys: set | None = None) -> Iterator[DecisionRow]:
    """The rows of `groups`: their parts (of the filtered ones, as the groups
    count them) with their sources counted, and the links their first parts
    show. With `keys` (a block's decisions), only the parts of those decisions."""
    part_rows = _parts(ids, keys)
    kinds, totals, first = summarise_parts(part_rows)
    shown = _shown_parts(ids, keys, {pk: kind for pk, kind, *_rest in part_rows}, first)
    for group in groups:
        key = _key(group)
        changes = [c for pk in first.get(key, []) for c in part_changes(shown[pk])]
        yield DecisionRow(
            number=group["decision_number"],
            authority=group["authority"],
            decided_on=group["decided_on"],
            effective_on=group["effective_on"],
            first_id=group["first_id"],
            part_count=group["parts"],
            reversed_parts=group["reversed_parts"],
            kinds=kinds.get(key, []),
            changes=changes[:CHANGES_SHOWN],
            changes_total=max(totals.get(key, 0), len(changes[:CHANGES_SHOWN])),
        )


def _parts(ids, keys: set | None) -> list[tuple]:
    """(id, kind, sources, *key) of the filtered parts, by id: all of them (two
    queries, the sources counted apart), or those of the decisions `keys` (one
    query: matched on the number and effective date, then on the whole key)."""
    parts = Restructuring.objects.filter(pk__in=ids).order_by("id")
    if keys is None:
        sources = dict(
            RestructuringLink.objects.filter(restructuring__in=ids, role=LinkRole.SOURCE)
            .order_by()
            .values_list("restructuring")
            .annotate(n=Count("id"))
        )
        rows = parts.values_list("pk", "kind", *GROUP_KEY)
        return [(pk, kind, sources.get(pk), *key) for pk, kind, *key in rows]
    sources = (
        RestructuringLink.objects.filter(restructuring=OuterRef("pk"), role=LinkRole.SOURCE)
        .order_by()
        .values("restructuring")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        parts.filter(
            decision_number__in={key[0] for key in keys},
            effective_on__in={key[3] for key in keys},
        )
        .annotate(sources=Subquery(sources))
        .values_list("pk", "kind", "sources", *GROUP_KEY)
    )
    return [row for row in rows if tuple(row[3:]) in keys]


def _shown_parts(ids, keys, kinds: dict[int, str], first: dict) -> dict[int, SimpleNamespace]:
    """The parts each decision shows, with their first sources and results as
    `part_changes` reads them (names only), in one query: for all the parts,
    the links ranked on their own table (a bulk decision has thousands) and
    joined to their units after; for a block's, those of the parts shown."""
    parts = {
        pk: SimpleNamespace(kind=kinds[pk], shown_sources=[], shown_results=[])
        for pks in first.values()
        for pk in pks
    }
    if keys is None:
        links = RestructuringLink.objects.filter(id__in=first_links(ids).values("id"))
    else:
        links = first_links(list(parts))
    links = (
        links.order_by("id")
        .annotate(before_name=KT("before__name"), after_name=KT("after__name"))
        .values_list(*LINK_VALUES)
    )
    for part, role, before, after, name, parent_id, parent, area in links:
        if part not in parts:
            continue
        unit = _Unit(name, parent_id, _Name(parent), _Name(area))
        link = _Link(unit, _named(before), _named(after))
        side = "shown_sources" if role == LinkRole.SOURCE else "shown_results"
        getattr(parts[part], side).append(link)
    return parts


class _Name:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class _Unit:
    """What `part_changes` reads of a unit (34,000 of them at national scale:
    slotted, as cheap to make as a tuple)."""

    __slots__ = ("name", "parent_id", "parent", "area")

    def __init__(self, name, parent_id, parent, area):
        self.name, self.parent_id, self.parent, self.area = name, parent_id, parent, area


class _Link:
    __slots__ = ("unit", "before", "after")

    def __init__(self, unit, before, after):
        self.unit, self.before, self.after = unit, before, after


def _named(name: str | None) -> dict | None:
    """A rename's before or after as `part_changes` reads it (its name only)."""
    return None if name is None else {"name": name}
