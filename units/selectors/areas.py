"""The area tree and the organisation tree as they stood on a date."""

import datetime as dt

from django.db.models import Case, Count, Q, When

from ..choices import AreaLevel, UnitKind
from ..filters import search_q
from ..models import AgencySuccession, Area, Unit, User
from ..models.areas import valid_on_q
from ..models.registry import active_on_q
from ..scope import area_ids, reads_own_scope_only, scope_key, visible_units
from ..text import fold
from ..versions import cached_until_changed


def area_for_tree(pk: int) -> Area | None:
    return Area.objects.filter(pk=pk).first()


def org_parent(*, user: User, pk: int) -> Unit | None:
    """A unit whose children the organisation tree may open for `user`."""
    return visible_units(user, Unit.objects.all()).filter(pk=pk).first()


def area_parents() -> dict[int, int | None]:
    """Every area's parent, cached until the areas change."""
    return cached_until_changed(
        "area-parents", lambda: dict(Area.objects.values_list("pk", "parent_id"))
    )


def area_service_counts(day: dt.date, user: User) -> dict[int, int]:
    """Active service units on `day` that `user` may see, per area, each area
    counting everything below it: three GROUP BY queries, cached until a unit or
    an area changes (each click of the tree reads the cache)."""

    def counts():
        active = visible_units(user, Unit.objects.services().active_on(day))
        found: dict[int, int] = {}
        for field in ("area_id", "area__parent_id", "area__parent__parent_id"):
            for row in active.values(field).annotate(n=Count("id")).order_by():
                if row[field] is not None:
                    found[row[field]] = found.get(row[field], 0) + row["n"]
        return found

    return cached_until_changed(f"area-counts:{day.isoformat()}:{scope_key(user)}", counts)


def area_nodes(*, user: User, day: dt.date, parent: Area | None) -> list[Area]:
    """Areas valid on `day` directly below `parent` (at the top, provinces, or the
    area of an official's scope), each with `.service_count` (of the units the
    user may see) and `.has_children`."""
    queryset = Area.objects.valid_on(day)
    if parent is not None:
        queryset = queryset.filter(parent=parent)
    elif reads_own_scope_only(user) and user.scope_area_id:
        queryset = queryset.filter(pk=user.scope_area_id)
    else:
        queryset = queryset.filter(level=AreaLevel.PROVINCE)
    queryset = queryset.annotate(
        child_count=Count("children", filter=valid_on_q(day, "children__"))
    ).order_by("code")
    counts = area_service_counts(day, user)
    nodes = list(queryset)
    for node in nodes:
        node.service_count = counts.get(node.pk, 0)
        node.has_children = node.child_count > 0
    return nodes


def org_nodes(*, user: User, day: dt.date, parent: Unit | None) -> list[Unit]:
    """The organisation tree as it stood on `day`: units active then directly under
    `parent` (for the top, those whose managing body the user cannot see: cached
    until the registry changes, as finding them reads every active unit), each
    with `.child_count` and `.service_count` of its active direct children."""
    visible = visible_units(user, Unit.objects.active_on(day))
    if parent is not None:
        return _with_child_counts(visible.filter(parent=parent), day)

    def top():
        tops = Q(parent__isnull=True) | ~Q(parent__in=visible.values("id"))
        return _with_child_counts(visible.filter(tops), day)

    return cached_until_changed(f"org-top:{day.isoformat()}:{scope_key(user)}", top)


def _with_child_counts(queryset, day: dt.date) -> list[Unit]:
    active_child = active_on_q(day, "children__")
    nodes = list(
        queryset.select_related("area")
        .annotate(
            child_count=Count("children", filter=active_child),
            service_count=Count(
                "children", filter=active_child & Q(children__kind=UnitKind.SERVICE)
            ),
        )
        .order_by("kind", "name_folded")
    )
    return _with_successions(nodes, day)


def _with_successions(nodes: list[Unit], day: dt.date) -> list[Unit]:
    """Each agency with `.took_over` (the bodies it took over from by `day`) and
    `.passes_to` (those that take over from it later): one query."""
    by_id = {node.pk: node for node in nodes if node.kind == UnitKind.AGENCY}
    for node in nodes:
        node.took_over, node.passes_to = [], []
    rows = AgencySuccession.objects.filter(
        Q(successor__in=by_id, effective_on__lte=day)
        | Q(predecessor__in=by_id, effective_on__gt=day)
    ).select_related("predecessor", "successor__area", "restructuring")
    for row in rows.order_by("effective_on", "id"):
        if row.successor_id in by_id and row.effective_on <= day:
            by_id[row.successor_id].took_over.append(row)
        if row.predecessor_id in by_id and row.effective_on > day:
            by_id[row.predecessor_id].passes_to.append(row)
    return nodes


PICK_LIMIT = 20


def area_choices_for(user: User, *, scoped: bool, day: dt.date | None):
    """The areas a picker may offer: all, or (for new units) those in the user's
    scope; valid on `day` when one is given."""
    queryset = Area.objects.select_related("parent")
    if scoped and not user.is_admin:
        if user.scope_area_id:
            queryset = queryset.filter(pk__in=area_ids(user.scope_area))
        elif user.scope_unit_id:
            queryset = queryset.filter(pk__in=area_ids(user.scope_unit.area))
    if day is not None:
        queryset = queryset.valid_on(day)
    return queryset


def area_search(*, user: User, query: str, scoped: bool, day: dt.date | None) -> list[Area]:
    """Areas matching every word typed (without accents) in the name, or the code:
    an exact code first, then provinces, districts, communes; current ones first."""
    if not fold(query):
        return []
    queryset = area_choices_for(user, scoped=scoped, day=day).filter(
        search_q(query, name="name_folded", code="code")
    )
    exact = Case(When(code=query.strip(), then=0), default=1)
    ended = Case(When(valid_to__isnull=True, then=0), default=1)
    level = Case(
        When(level=AreaLevel.PROVINCE, then=0), When(level=AreaLevel.DISTRICT, then=1), default=2
    )
    ordered = queryset.annotate(exact=exact, ended=ended, rank=level)
    return list(ordered.order_by("exact", "ended", "rank", "name_folded", "code")[:PICK_LIMIT])
