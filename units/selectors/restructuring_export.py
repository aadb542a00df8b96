"""Every decision of the filtered restructurings list, for its exports: four
queries whatever the number of decisions, plain values instead of model
objects (the national list, ~14,000 decisions, in about a second)."""

from collections.abc import Iterator
from types import SimpleNamespace

from django.db.models import Count
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


def decision_rows_all(filterset: RestructuringFilter) -> Iterator[DecisionRow]:
    """The rows the list shows, for every decision it holds, in its order."""
    ids = filterset.qs.order_by().values("pk")
    sources = dict(
        RestructuringLink.objects.filter(restructuring__in=ids, role=LinkRole.SOURCE)
        .order_by()
        .values_list("restructuring")
        .annotate(n=Count("id"))
    )
    part_rows = [
        (pk, kind, sources.get(pk), *key)
        for pk, kind, *key in Restructuring.objects.filter(pk__in=ids)
        .order_by("id")
        .values_list("pk", "kind", *GROUP_KEY)
    ]
    kinds, totals, first = summarise_parts(part_rows)
    parts = _shown_parts(ids, {pk: kind for pk, kind, *_key in part_rows}, first)
    for group in decision_groups(filterset).iterator():
        key = tuple(group[k] for k in GROUP_KEY)
        changes = [c for pk in first.get(key, []) for c in part_changes(parts[pk])]
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


def _shown_parts(ids, kinds: dict[int, str], first: dict) -> dict[int, SimpleNamespace]:
    """The parts each decision shows, with their first sources and results as
    `part_changes` reads them (names only): one query, the links ranked on
    their own table (a bulk decision has thousands), joined to their units
    after."""
    parts = {
        pk: SimpleNamespace(kind=kinds[pk], shown_sources=[], shown_results=[])
        for pks in first.values()
        for pk in pks
    }
    links = (
        RestructuringLink.objects.filter(id__in=first_links(ids).values("id"))
        .order_by("id")
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
