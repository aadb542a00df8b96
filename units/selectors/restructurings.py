"""Reads for restructurings: the list (one row per legal decision, however many
parts it has), a decision's page, and the preview's counts per scope."""

import dataclasses
import datetime as dt
from collections import Counter

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..choices import LinkRole, RestructuringKind, UnitKind
from ..filters import RestructuringFilter
from ..models import Restructuring, RestructuringLink, Unit, User
from ..models.areas import area_subtree_q
from ..scope import visible_restructurings
from ..versions import cached_until_changed, digest
from .lineage import links_with_units

K = RestructuringKind
GROUP_KEY = ("decision_number", "authority", "decided_on", "effective_on")
# Sort keys of the list: the URL's `o` → the grouped query's ordering.
GROUP_ORDERING = {
    "effective_on": ("effective_on", "decision_number"),
    "decided_on": ("decided_on", "decision_number"),
    "number": ("decision_number", "effective_on"),
    "authority": ("authority", "effective_on"),
    "kind": ("first_kind", "effective_on"),
}
DEFAULT_ORDERING = "-effective_on"


def restructuring_filterset(*, user: User, params) -> RestructuringFilter:
    """Decisions the user may see, filtered by the URL."""
    queryset = visible_restructurings(user, Restructuring.objects.all())
    return RestructuringFilter(params, queryset=queryset)


def decision_groups(filterset: RestructuringFilter) -> QuerySet:
    """One row per legal decision (number, authority and dates), sorted by `o`:
    a bulk decision recorded as several parts (transfers to five bodies, say) is
    one row, as it is one document."""
    ids = filterset.qs.order_by().values("pk")
    rows = (
        Restructuring.objects.filter(pk__in=ids)
        .values(*GROUP_KEY)
        .annotate(
            first_id=Min("id"),
            parts=Count("id"),
            reversed_parts=Count("id", filter=Q(reversed_at__isnull=False)),
            first_kind=Min("kind"),
        )
    )
    wanted = (filterset.form.cleaned_data.get("o") or [DEFAULT_ORDERING])[0]
    field = wanted.lstrip("-")
    keys = GROUP_ORDERING.get(field, GROUP_ORDERING["effective_on"])
    sign = "-" if wanted.startswith("-") else ""
    return rows.order_by(*(sign + key for key in keys), "first_id")


CHANGES_SHOWN = 8


@dataclasses.dataclass
class DecisionRow:
    """A legal decision as the list shows it: its kinds, and the first units
    concerned with what became of them (NQ 202/2025 concerns 47,000 units)."""

    number: str
    authority: str
    decided_on: dt.date
    effective_on: dt.date
    first_id: int
    part_count: int
    reversed_parts: int
    kinds: list[tuple[str, int]]
    changes: list[dict]
    changes_total: int

    @property
    def all_reversed(self) -> bool:
        return self.reversed_parts == self.part_count

    @property
    def changes_more(self) -> int:
        return self.changes_total - len(self.changes)


def part_changes(part: Restructuring) -> list[dict]:
    """One line per unit concerned: its name before and what it became — the new
    name for a rename, the new managing body and area for a transfer, the results
    otherwise."""
    sources, results = part.shown_sources, part.shown_results
    if part.kind == K.RENAME:
        return [
            {
                "unit": link.unit,
                "name": (link.before or {}).get("name", link.unit.name),
                "to": [(link.after or {}).get("name", link.unit.name)],
            }
            for link in sources
        ]
    if part.kind == K.TRANSFER:
        return [
            {
                "unit": source.unit,
                "name": source.unit.name,
                "to": [_destination(result.unit)],
                "to_unit": result.unit,
            }
            for source, result in zip(sources, results, strict=False)
        ]
    to = [link.unit.name for link in results]
    if part.kind == K.EQUITIZE:
        to = [str(_("a joint-stock company"))]
    if not sources:
        return [{"unit": None, "name": "", "to": to}]
    return [{"unit": link.unit, "name": link.unit.name, "to": to} for link in sources]


def _destination(unit: Unit) -> str:
    where = [unit.parent.name if unit.parent_id else "", unit.area.name]
    return " · ".join(w for w in where if w)


def decision_rows_page(groups, filterset: RestructuringFilter) -> list[DecisionRow]:
    """`decision_rows` of a page of the list, cached until the registry changes
    (keyed by the groups, the user's filters and scope, and the language)."""
    groups = list(groups)
    if not groups:
        return []
    sql, params = filterset.qs.query.sql_with_params()
    key = digest(get_language(), sql, params, [sorted(g.items()) for g in groups])
    return cached_until_changed(f"decision-rows:{key}", lambda: decision_rows(groups, filterset))


def decision_rows(groups, filterset: RestructuringFilter) -> list[DecisionRow]:
    """The decisions of one page of groups, as the user may see them: four
    queries, whatever the size of the decisions."""
    groups = list(groups)
    if not groups:
        return []
    match = Q()
    for group in groups:
        match |= Q(**{key: group[key] for key in GROUP_KEY})
    visible = Restructuring.objects.filter(match, pk__in=filterset.qs.order_by().values("pk"))
    sources = (
        RestructuringLink.objects.filter(restructuring=OuterRef("pk"), role=LinkRole.SOURCE)
        .order_by()
        .values("restructuring")
        .annotate(n=Count("id"))
        .values("n")
    )
    part_rows = list(
        visible.annotate(sources=Subquery(sources))
        .order_by("id")
        .values_list("pk", "kind", "sources", *GROUP_KEY)
    )
    kinds, totals, first = summarise_parts(part_rows)
    parts: dict[tuple, list[Restructuring]] = {}
    shown = Restructuring.objects.filter(pk__in=[pk for pks in first.values() for pk in pks])
    for part in shown_links(shown.order_by("id")):
        parts.setdefault(tuple(getattr(part, k) for k in GROUP_KEY), []).append(part)
    rows = []
    for group in groups:
        key = tuple(group[k] for k in GROUP_KEY)
        changes = [c for part in parts.get(key, []) for c in part_changes(part)]
        rows.append(
            DecisionRow(
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
        )
    return rows


def summarise_parts(part_rows: list[tuple]) -> tuple[dict, dict, dict]:
    """Per decision: its kinds with how many parts each (in the order recorded),
    how many units it concerns (a part without sources, an establishment, counts
    once), and the ids of its first parts (each shows at least one change)."""
    kinds: dict[tuple, Counter] = {}
    totals: dict[tuple, int] = {}
    first: dict[tuple, list[int]] = {}
    labels = {value: str(label) for value, label in K.choices}  # translated once
    for pk, kind, sources, *key in part_rows:
        key = tuple(key)
        kinds.setdefault(key, Counter())[labels.get(kind, kind)] += 1
        totals[key] = totals.get(key, 0) + (sources or 1)
        if len(first.setdefault(key, [])) < CHANGES_SHOWN:
            first[key].append(pk)
    return {key: list(counter.items()) for key, counter in kinds.items()}, totals, first


def first_links(parts) -> QuerySet[RestructuringLink]:
    """The first CHANGES_SHOWN sources and results of each part (`parts`: the
    parts or a query of their ids), ranked on the links' table alone."""
    return (
        RestructuringLink.objects.filter(restructuring__in=parts)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("restructuring_id"), F("role")],
                order_by=F("id").asc(),
            )
        )
        .filter(rank__lte=CHANGES_SHOWN)
    )


def shown_links(parts) -> list[Restructuring]:
    """Parts with the first sources and results they show (`shown_sources`,
    `shown_results`): the links ranked without joins (a bulk part has thousands),
    then their units. Three queries for all the parts."""
    parts = list(parts)
    links = list(first_links(parts).order_by("id"))
    units = Unit.objects.select_related("parent", "area").in_bulk({link.unit_id for link in links})
    by_part: dict[tuple[int, str], list[RestructuringLink]] = {}
    for link in links:
        link.unit = units[link.unit_id]
        by_part.setdefault((link.restructuring_id, link.role), []).append(link)
    for part in parts:
        part.shown_sources = by_part.get((part.pk, LinkRole.SOURCE), [])
        part.shown_results = by_part.get((part.pk, LinkRole.RESULT), [])
    return parts


def recorded_by_this_form(key: str) -> Restructuring | None:
    return Restructuring.objects.filter(submission_key=key).first()


def restructuring_for_page(*, user: User, pk: int) -> Restructuring | None:
    """A decision part the user may see (its links are read a page at a time)."""
    queryset = visible_restructurings(
        user, Restructuring.objects.select_related("created_by", "reversed_by", "new_parent")
    )
    return queryset.select_related("new_area").filter(pk=pk).first()


LINKS_PER_PAGE = 100


def link_counts(restructuring: Restructuring) -> dict[str, int]:
    return RestructuringLink.objects.filter(restructuring=restructuring).aggregate(
        sources=Count("id", filter=Q(role=LinkRole.SOURCE)),
        results=Count("id", filter=Q(role=LinkRole.RESULT)),
    )


def links_page(restructuring: Restructuring, *, start: int, stop: int) -> tuple[list, list]:
    """Sources and results from position `start` to `stop` (a bulk transfer of
    2,000 units shows them a page at a time; source i moved to result i)."""
    links = links_with_units(restructuring.links.all())
    return tuple(
        list(links.filter(role=role)[start:stop]) for role in (LinkRole.SOURCE, LinkRole.RESULT)
    )


SIBLINGS_SHOWN = 50


def decision_siblings(*, user: User, restructuring: Restructuring) -> tuple[list, int]:
    """The other parts recorded under the same legal decision that the user may
    see: the first `SIBLINGS_SHOWN` and how many there are (NQ 202/2025 has
    hundreds)."""
    match = {key: getattr(restructuring, key) for key in GROUP_KEY}
    queryset = visible_restructurings(user, Restructuring.objects.filter(**match)).exclude(
        pk=restructuring.pk
    )
    shown = list(
        queryset.select_related("new_parent", "new_area").order_by("kind", "id")[:SIBLINGS_SHOWN]
    )
    total = len(shown) if len(shown) < SIBLINGS_SHOWN else queryset.count()
    return shown, total


def scope_changes(plan) -> list[dict]:
    """Active service units on the effective date per affected area and managing
    body: now, the change, and after the decision. Two queries."""
    day = plan.decision.effective_on
    areas = plan.deltas()
    bodies: dict[int, int] = {}
    for units, sign in ((plan.ceasing, -1), (plan.results, +1)):
        for unit in units:
            if unit.kind == UnitKind.SERVICE and unit.parent_id:
                bodies[unit.parent_id] = bodies.get(unit.parent_id, 0) + sign
    counts = {f"a{area.pk}": Count("id", filter=area_subtree_q(area)) for area, _c in areas}
    counts |= {f"b{pk}": Count("id", filter=Q(parent_id=pk)) for pk in bodies}
    now = Unit.objects.services().active_on(day).aggregate(**counts) if counts else {}
    rows = [
        {
            "label": area.name,
            "level": area.get_level_display(),
            "now": now[f"a{area.pk}"],
            "change": change,
        }
        for area, change in areas
    ]
    names = dict(
        Unit.objects.filter(pk__in=bodies).order_by("name_folded").values_list("pk", "name")
    )
    rows += [
        {"label": name, "level": None, "now": now[f"b{pk}"], "change": bodies[pk]}
        for pk, name in names.items()
    ]
    for row in rows:
        row["after"] = row["now"] + row["change"]
    return rows
