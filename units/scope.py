"""Who may see and change which units: roles are groups, scope is a tree node."""

from django.db.models import Q, QuerySet

from .choices import Role
from .models import Area, Unit, User

MAX_AGENCY_DEPTH = 12


def area_subtree_q(area: Area, prefix: str = "area") -> Q:
    """Rows whose area is `area` or below it (province → district → commune)."""
    return (
        Q(**{prefix: area})
        | Q(**{f"{prefix}__parent": area})
        | Q(**{f"{prefix}__parent__parent": area})
    )


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


def unit_in_scope(user: User, unit: Unit) -> bool:
    """Whether `unit` lies at or below the user's scope (no scope = national)."""
    if user.scope_area_id:
        area = unit.area
        return user.scope_area_id in (area.id, area.parent_id) or (
            area.parent_id is not None and area.parent.parent_id == user.scope_area_id
        )
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


def visible_units(user: User, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """Officials see what lies at or below their scope; other roles read everything."""
    if user.is_admin or Role.OFFICIAL not in user.roles:
        return queryset
    if user.scope_area_id:
        return queryset.filter(area_subtree_q(user.scope_area))
    if user.scope_unit_id:
        return queryset.filter(id__in=unit_subtree_ids(user.scope_unit_id))
    return queryset


def changeable_units(user: User, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units `user` may restructure: admins all, clerks their scope, others none."""
    if user.is_admin:
        return queryset
    if Role.CLERK not in user.roles:
        return queryset.none()
    if user.scope_area_id:
        return queryset.filter(area_subtree_q(user.scope_area))
    if user.scope_unit_id:
        return queryset.filter(id__in=unit_subtree_ids(user.scope_unit_id))
    return queryset


def may_restructure(user: User) -> bool:
    """Whether the user may open the restructuring form at all."""
    return user.is_authenticated and (user.is_admin or Role.CLERK in user.roles)
