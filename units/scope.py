"""Who may see and change what: roles are groups, a scope is a tree node (an area
or an agency); no scope means national."""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from .choices import Role
from .models import (
    Area,
    AreaLineage,
    AuditEntry,
    AuditLink,
    Restructuring,
    RestructuringLink,
    Unit,
    User,
)
from .versions import areas_version, cached

MAX_AGENCY_DEPTH = 12


def unit_subtree_ids(root_id: int) -> set[int]:
    """Ids of a unit and everything it manages, one query per level."""
    found = {root_id}
    frontier = {root_id}
    for _ in range(MAX_AGENCY_DEPTH):
        frontier = set(
            Unit.objects.filter(parent_id__in=frontier)
            .exclude(id__in=found)
            .values_list("id", flat=True)
        )
        if not frontier:
            break
        found |= frontier
    return found


class AreaIds(frozenset):
    """Area ids that iterate in order: a query built from them reads the same
    whether they were just computed or came back from the cache (a set's
    iteration order can change through pickling), so cache keys made of the
    query (the lists' row counts) match."""

    def __iter__(self):
        return iter(sorted(frozenset.__iter__(self)))


def area_ids(area: Area) -> frozenset[int]:
    """The area, everything below it, and the areas it came from with everything
    below them (Hải Phòng since 1/7/2025 takes in the old Hải Phòng and Hải
    Dương): what a scope on that area covers, through time. Cached until the
    areas change."""

    def compute() -> AreaIds:
        below = Q()
        for root in area_roots(area):
            below |= Q(pk=root) | Q(parent=root) | Q(parent__parent=root)
        return AreaIds(Area.objects.filter(below).values_list("pk", flat=True))

    return cached(f"area-ids:{areas_version()}:{area.pk}", compute)


def area_roots(area: Area) -> AreaIds:
    """The area and the areas it came from, through every lineage link
    (today's Hải Phòng: itself, the old Hải Phòng and Hải Dương). Cached until
    the areas change."""

    def compute() -> AreaIds:
        roots, frontier = {area.pk}, {area.pk}
        while frontier:
            links = AreaLineage.objects.filter(successor_id__in=frontier)
            frontier = set(links.values_list("predecessor_id", flat=True)) - roots
            roots |= frontier
        return AreaIds(roots)

    return cached(f"area-roots:{areas_version()}:{area.pk}", compute)


def scope_q(user: User, prefix: str = "") -> Q:
    """Units (reached through `prefix`, e.g. "unit__") inside the user's scope,
    whatever the role; Q() for a national scope."""
    if user.scope_area_id:
        return Q(**{f"{prefix}area_id__in": area_ids(user.scope_area)})
    if user.scope_unit_id:
        return Q(**{f"{prefix}id__in": unit_subtree_ids(user.scope_unit_id)})
    return Q()


def unit_in_scope(user: User, unit: Unit) -> bool:
    """Whether `unit` lies at or below the user's scope (no scope = national)."""
    if user.scope_area_id:
        return unit.area_id in area_ids(user.scope_area)
    if user.scope_unit_id:
        node, depth = unit, 0
        while node is not None and depth <= MAX_AGENCY_DEPTH:
            if node.id == user.scope_unit_id:
                return True
            node, depth = node.parent, depth + 1
        return False
    return True


def can_change_unit(user: User, unit: Unit) -> bool:
    """Clerks change units inside their scope; admins change everything."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return Role.CLERK in user.roles and unit_in_scope(user, unit)


def units_actor_may_change(user: User, units: Iterable[Unit]) -> set[int]:
    """Ids of the units among `units` that the user may change: `can_change_unit`
    for many units at once (one subtree read for an agency scope, not one walk
    up the parents per unit)."""
    units = list(units)
    if not user.is_authenticated or not (user.is_admin or Role.CLERK in user.roles):
        return set()
    if user.is_admin or not (user.scope_area_id or user.scope_unit_id):
        return {unit.pk for unit in units}
    if user.scope_area_id:
        inside = area_ids(user.scope_area)
        return {unit.pk for unit in units if unit.area_id in inside}
    subtree = unit_subtree_ids(user.scope_unit_id)
    return {unit.pk for unit in units if unit.pk in subtree}


def reads_own_scope_only(user: User) -> bool:
    """Officials read what lies at or below their scope; clerks and supervisors
    read the whole registry (they change or supervise only inside theirs)."""
    return not user.is_admin and Role.OFFICIAL in user.roles


def scope_key(user: User) -> str:
    """What a user reads, for cache keys: everything, or their scope."""
    if not reads_own_scope_only(user):
        return "all"
    return f"a{user.scope_area_id}" if user.scope_area_id else f"u{user.scope_unit_id}"


def visible_units(user: User, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    if not reads_own_scope_only(user):
        return queryset
    return queryset.filter(scope_q(user))


def visible_restructurings(user: User, queryset: QuerySet[Restructuring]) -> QuerySet:
    """Decisions an official sees: those touching a unit of their scope."""
    if not reads_own_scope_only(user) or not (user.scope_area_id or user.scope_unit_id):
        return queryset
    touching = RestructuringLink.objects.filter(restructuring=OuterRef("pk")).filter(
        scope_q(user, "unit__")
    )
    return queryset.filter(Exists(touching))


def visible_audit(user: User, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """Audit entries a user sees: admins all; everyone else the entries about
    units and areas of their scope, and their own."""
    if user.is_admin:
        return queryset
    links = AuditLink.objects.filter(entry=OuterRef("pk"))
    if user.scope_area_id:
        links = links.filter(area_id__in=area_ids(user.scope_area))
    elif user.scope_unit_id:
        links = links.filter(unit_id__in=unit_subtree_ids(user.scope_unit_id))
    return queryset.filter(Exists(links) | Q(actor=user))


def changeable_units(user: User, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units `user` may restructure: admins all, clerks their scope, others none."""
    if user.is_admin:
        return queryset
    if Role.CLERK not in user.roles:
        return queryset.none()
    return queryset.filter(scope_q(user))


def may_restructure(user: User) -> bool:
    """Whether the user may open the restructuring form at all."""
    return user.is_authenticated and (user.is_admin or Role.CLERK in user.roles)
