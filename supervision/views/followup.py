"""Follow-up: every recommendation with the tables that count them, the overdue
list, the recommendations addressed to a clerk's scope, their exports, and
the bell's notices."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from units import exports
from units.scope import reads_own_scope_only, scope_q
from units.text import parse_id
from units.views.common import paginate

from ..choices import RecommendationStatus
from ..filters import RecommendationFilter
from ..models import Notification, Recommendation
from ..selectors.followup import (
    addressed_to,
    followup_tables,
    overdue_rows,
    recommendation_rows,
    sessions_of,
)
from ..selectors.notices import overdue_unseen
from ..services.notifications import notifications_read, unread_count
from ..versions import supervision_version


def _filtered(request, base=None):
    """The recommendations the URL's filters select (all if they are invalid),
    within what the user reads (an official: those addressed to their scope)."""
    base = (Recommendation.objects.all() if base is None else base).sent()
    if reads_own_scope_only(request.user):
        base = base.filter(scope_q(request.user, "addressed_unit__"))
    filters = RecommendationFilter(request.GET or None, queryset=base)
    if filters.is_bound and filters.is_valid():
        return filters, filters.qs
    return filters, base


@login_required
@require_safe
def followup(request):
    today = timezone.localdate()
    filters, queryset = _filtered(request)
    rows = recommendation_rows(queryset).order_by("current_due", "pk")
    context = {
        "filters": filters,
        "today": today,
        **paginate(request, rows, version=f"s{supervision_version()}:{today}"),
    }
    return render(request, "supervision/followup.html", context)


@login_required
@require_safe
def followup_summary(request):
    """The follow-up page's counts and tables for the same filters, loaded by
    htmx after the list (they read every recommendation; cached per version,
    day and filters)."""
    today = timezone.localdate()
    _filters, queryset = _filtered(request)
    context = {"tables": followup_tables(queryset, sessions_of(queryset), today)}
    return render(request, "supervision/followup.html#tables", context)


@login_required
@require_safe
def overdue(request):
    today = timezone.localdate()
    filters, queryset = _filtered(request)
    version = f"s{supervision_version()}:{today}"
    context = {
        "filters": filters,
        "today": today,
        **paginate(request, overdue_rows(today, queryset), version=version),
    }
    for rec in context["page"]:
        rec.days_overdue_on = rec.days_overdue(today)
    return render(request, "supervision/overdue.html", context)


@login_required
@require_safe
def ours(request):
    """Recommendations addressed to units of the user's scope."""
    today = timezone.localdate()
    filters, queryset = _filtered(request, addressed_to(request.user))
    rows = recommendation_rows(queryset.pending()).order_by("current_due", "pk")
    context = {"filters": filters, "today": today, **paginate(request, rows)}
    return render(request, "supervision/ours.html", context)


EXPORT_COLUMNS = (
    "session__body__name",
    "session__decision_number",
    "session__decision_date",
    "addressed_unit__name",
    "text",
    "status",
    "priority",
    "original_due",
    "current_due",
    "expected_due",
)


def _export_rows(rows, today):
    """Plain values, labels translated once: no model objects per row."""
    labels = {status.value: str(status.label) for status in RecommendationStatus}
    for row in rows.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000):
        *head, status, priority, original, current, expected = row
        late = (today - current).days if status == "open" and current < today else None
        yield [
            *head,
            labels[status],
            "x" if priority else "",
            original,
            current,
            expected,
            late,
        ]


@login_required
@require_safe
def export(request, fmt: str, which: str):
    """The list as filtered (all or overdue), in CSV or XLSX."""
    today = timezone.localdate()
    _filters, queryset = _filtered(request)
    if which == "overdue":
        rows = overdue_rows(today, queryset)
    else:
        rows = recommendation_rows(queryset).order_by("current_due", "pk")
    header = [
        _("Body"),
        _("Decision number"),
        _("Decision date"),
        _("Addressed to"),
        _("Recommendation"),
        _("Status"),
        _("Priority"),
        _("Original due date"),
        _("Current due date"),
        _("Expected date"),
        _("Days overdue"),
    ]
    name = f"kien-nghi-{which}-{today:%Y%m%d}"
    if fmt == "csv":
        return exports.csv_response(name, header, _export_rows(rows, today))
    return exports.xlsx_response(name, header, _export_rows(rows, today))


@login_required
@require_safe
def bell(request):
    """The bell with the unread count, loaded by htmx after the page (so that no
    page pays for it); cached until the user's notices change, the supervision
    data change or the day ends (overdue is a fact of the date)."""
    today = timezone.localdate()
    user = request.user
    # Who the reader is counts too: an admin who changes their roles or scope
    # changes what rings (it rang the old scope's count for up to an hour).
    who = f"{sorted(user.roles)}:{user.scope_area_id}:{user.scope_unit_id}"
    stamp = f"{today}:{supervision_version()}:{who}"
    key = f"bell:{user.pk}"
    cached = cache.get(key)
    if isinstance(cached, tuple) and cached[0] == stamp:
        count = cached[1]
    else:
        count = unread_count(user, today)
        cache.set(key, (stamp, count), 3600)
    return render(request, "supervision/_bell.html", {"bell": count})


OVERDUE_SHOWN = 20  # the longest overdue first; the overdue list has them all


@login_required
@require_safe
def notifications(request):
    today = timezone.localdate()
    notices = (
        Notification.objects.filter(user=request.user)
        .select_related("recommendation__addressed_unit", "recommendation__session__body")
        .order_by("read_at", "-created_at")
    )
    unseen = overdue_unseen(request.user, today)
    context = {
        "today": today,
        "overdue_count": unseen.count(),
        "overdue": list(
            unseen.select_related("addressed_unit", "session__body").order_by("current_due", "pk")[
                :OVERDUE_SHOWN
            ]
        ),
        **paginate(request, notices),
    }
    return render(request, "supervision/notifications.html", context)


@login_required
@require_POST
def notifications_mark_read(request):
    ids = [pk for pk in map(parse_id, request.POST.getlist("id")) if pk] or None
    notifications_read(actor=request.user, ids=ids)
    return redirect("supervision:notifications")
