"""Reads for restructurings: the list (one row per legal decision, however many
parts it has), a decision's page, and the preview's counts per scope."""

import dataclasses
import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..choices import RestructuringKind, UnitKind
from ..filters import RestructuringFilter
from ..models import Restructuring, Unit, User
from ..models.areas import area_subtree_q
from ..scope import visible_restructurings
from .lineage import links_by_role, with_links

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


@dataclasses.dataclass
class DecisionRow:
    """A legal decision as the list shows it, with its parts."""

    number: str
    authority: str
    decided_on: dt.date
    effective_on: dt.date
    first_id: int
    parts: list[Restructuring]
    reversed_parts: int

    @property
    def kinds(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for part in self.parts:
            counts[part.get_kind_display()] = counts.get(part.get_kind_display(), 0) + 1
        return list(counts.items())

    @property
    def all_reversed(self) -> bool:
        return self.reversed_parts == len(self.parts)

    @property
    def changes(self) -> list[dict]:
        """Each unit concerned and what became of it, across the parts."""
        return [change for part in self.parts for change in part_changes(part)]


def part_changes(part: Restructuring) -> list[dict]:
    """One line per unit concerned: its name before and what it became — the new
    name for a rename, the new managing body and area for a transfer, the results
    otherwise."""
    sources, results = links_by_role(part)
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


def decision_rows(groups, filterset: RestructuringFilter) -> list[DecisionRow]:
    """The parts of the groups on one page that the user may see and the filters
    keep, with their units: three queries."""
    groups = list(groups)
    if not groups:
        return []
    match = Q()
    for group in groups:
        match |= Q(**{key: group[key] for key in GROUP_KEY})
    parts: dict[tuple, list[Restructuring]] = {}
    visible = Restructuring.objects.filter(pk__in=filterset.qs.order_by().values("pk"))
    for part in with_links(visible.filter(match).order_by("id")):
        parts.setdefault(tuple(getattr(part, key) for key in GROUP_KEY), []).append(part)
    return [
        DecisionRow(
            number=group["decision_number"],
            authority=group["authority"],
            decided_on=group["decided_on"],
            effective_on=group["effective_on"],
            first_id=group["first_id"],
            parts=parts.get(tuple(group[key] for key in GROUP_KEY), []),
            reversed_parts=group["reversed_parts"],
        )
        for group in groups
    ]


def decision_rows_all(filterset: RestructuringFilter, *, chunk: int = 500) -> Iterator[DecisionRow]:
    """Every decision of the filtered list, a chunk of groups at a time (exports)."""
    groups = list(decision_groups(filterset))
    for start in range(0, len(groups), chunk):
        yield from decision_rows(groups[start : start + chunk], filterset)


def recorded_by_this_form(key: str) -> Restructuring | None:
    return Restructuring.objects.filter(submission_key=key).first()


def restructuring_for_page(*, user: User, pk: int) -> Restructuring | None:
    queryset = visible_restructurings(
        user, Restructuring.objects.select_related("created_by", "reversed_by", "new_parent")
    )
    return with_links(queryset.select_related("new_area")).filter(pk=pk).first()


def decision_siblings(*, user: User, restructuring: Restructuring) -> list[Restructuring]:
    """The other parts recorded under the same legal decision that the user may see."""
    match = {key: getattr(restructuring, key) for key in GROUP_KEY}
    queryset = visible_restructurings(user, Restructuring.objects.filter(**match))
    return list(
        queryset.exclude(pk=restructuring.pk)
        .select_related("new_parent", "new_area")
        .order_by("kind", "id")
    )


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
