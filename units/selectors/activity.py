"""Reads of the audit log: the activity page and a unit's change history."""

from django.db.models import Q, QuerySet

from ..models import AuditChainHead, AuditEntry, Unit, User
from ..scope import visible_audit
from ..text import clean_text

OBJECT_TYPES = ("units.unit", "units.restructuring")


def activity(*, user: User, params) -> QuerySet[AuditEntry]:
    """Audit entries the user may see (admins all, others their scope's and their
    own), filtered by user, object, object type and request id (for support,
    from the X-Request-ID a user reports) from the URL."""
    queryset = visible_audit(user, AuditEntry.objects.select_related("actor"))
    who, what, request_id = (clean_text(params.get(k, "")) for k in ("user", "object", "request"))
    if who:
        queryset = queryset.filter(Q(actor__username=who) | Q(actor_name__icontains=who))
    if request_id:
        queryset = queryset.filter(request_id=request_id)
    if what:
        queryset = queryset.filter(Q(object_repr__icontains=what) | Q(object_id=what))
    if params.get("object_type") in OBJECT_TYPES:
        queryset = queryset.filter(object_type=params["object_type"])
    return queryset


def last_entry_id() -> str:
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    return f"audit{last or 0}"


def audit_head() -> AuditChainHead | None:
    """The end of the audit log's hash chain (one row), None before any entry."""
    return AuditChainHead.objects.filter(pk=1, count__gt=0).first()


def unit_history(unit: Unit, *, limit: int = 30) -> list[AuditEntry]:
    """Every audit entry about the unit: its edits and the decisions that
    created, changed or closed it, newest first."""
    return list(
        AuditEntry.objects.filter(links__unit=unit)
        .select_related("actor")
        .distinct()
        .order_by("-at", "-id")[:limit]
    )
