"""Reads for restructurings, unit lineage and the activity log."""

from django.db.models import Prefetch, Q, QuerySet

from .choices import LinkRole
from .filters import RestructuringFilter
from .models import AuditEntry, Restructuring, RestructuringLink, Unit, User


def _with_links(queryset):
    links = RestructuringLink.objects.select_related("unit").order_by("role", "id")
    return queryset.prefetch_related(Prefetch("links", queryset=links))


def restructuring_filterset(*, params) -> RestructuringFilter:
    queryset = _with_links(Restructuring.objects.select_related("created_by"))
    return RestructuringFilter(params, queryset=queryset)


def unit_lineage(unit: Unit, *, generations: int = 4) -> list[Restructuring]:
    """Every decision linked to the unit, its predecessors and its successors, up to
    `generations` steps away, oldest first: one query per generation."""
    seen_units = {unit.pk}
    seen_events: set[int] = set()
    frontier = {unit.pk}
    for _ in range(generations):
        events = (
            set(
                RestructuringLink.objects.filter(
                    unit_id__in=frontier, restructuring__reversed_at__isnull=True
                ).values_list("restructuring_id", flat=True)
            )
            - seen_events
        )
        if not events:
            break
        seen_events |= events
        reached = set(
            RestructuringLink.objects.filter(restructuring_id__in=events).values_list(
                "unit_id", flat=True
            )
        )
        frontier = reached - seen_units
        seen_units |= reached
    queryset = Restructuring.objects.filter(pk__in=seen_events).order_by("effective_on", "id")
    return list(_with_links(queryset))


def links_by_role(restructuring: Restructuring) -> tuple[list, list]:
    links = list(restructuring.links.all())
    return (
        [link for link in links if link.role == LinkRole.SOURCE],
        [link for link in links if link.role == LinkRole.RESULT],
    )


def activity(*, user: User, params) -> QuerySet[AuditEntry]:
    """Audit entries: officials and admins see all, others their own; filtered by
    user, object and dates from the URL."""
    queryset = AuditEntry.objects.select_related("actor")
    if not (user.is_admin or "official" in user.roles):
        queryset = queryset.filter(actor=user)
    if params.get("user"):
        queryset = queryset.filter(actor__username=params["user"])
    if params.get("object"):
        term = params["object"]
        queryset = queryset.filter(Q(object_repr__icontains=term) | Q(object_id=term))
    if params.get("object_type"):
        queryset = queryset.filter(object_type=params["object_type"])
    return queryset
