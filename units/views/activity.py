"""The activity log (audit entries the user may see) and the admins' export of
the whole log (CSV and JSON Lines) between two dates."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import exports
from ..models import AuditEntry
from ..selectors import activity as audit
from .common import paginate

# The export's date window, read as the portal's date fields read dates.
DATE_PARAMS = ("from", "to")


@login_required
@require_safe
def activity(request):
    entries = audit.activity(user=request.user, params=request.GET)
    # Entries are only ever added: the last one's id versions the row count.
    dates = {name: request.GET[name] for name in DATE_PARAMS if request.GET.get(name)}
    context = {
        **paginate(request, entries, version=audit.last_entry_id()),
        "params": request.GET,
        "export_query": urlencode(dates),
    }
    return render(request, "units/activity.html", context)


@login_required
@require_safe
def activity_export(request, fmt: str):
    """Every audit entry between `from` and `to` (dd/mm/yyyy, both optional and
    included, days of the portal's time zone), in id order, streamed: admins only.
    A read, so not audited (no export is)."""
    if not request.user.is_admin:
        raise PermissionDenied
    try:
        start, end = _date_window(request.GET)
    except ValidationError as error:
        context = {"status": 400, "title": _("Bad request"), "message": error.messages[0]}
        return render(request, "error.html", context, status=400)
    entries = AuditEntry.objects.all()
    if start is not None:
        entries = entries.filter(at__gte=_midnight(start))
    if end is not None:
        entries = entries.filter(at__lt=_midnight(end + dt.timedelta(days=1)))
    name = "nhat-ky"
    if start:
        name += f"-tu-{start:%Y%m%d}"
    name += f"-den-{(end or timezone.localdate()):%Y%m%d}"
    records = exports.audit_records(entries)
    if fmt == "csv":
        return exports.csv_response(
            name, list(exports.AUDIT_FIELDS), exports.audit_csv_rows(records)
        )
    return exports.jsonl_response(name, records)


def _date_window(params) -> tuple[dt.date | None, dt.date | None]:
    """The `from` and `to` days; a date at the ends of the calendar is no bound
    (its midnight would fall outside what a datetime holds)."""
    field = forms.DateField(required=False)
    days = {}
    for name in DATE_PARAMS:
        value = params.get(name, "").strip()
        try:
            days[name] = field.clean(value)
        except ValidationError:
            message = f"{name}={value[:40]}: {_('Write the date as dd/mm/yyyy.')}"
            raise ValidationError(message) from None
    start, end = days["from"], days["to"]
    if start and end and start > end:
        raise ValidationError(_("The start date (from) is after the end date (to)."))
    if start and start <= dt.date.min + dt.timedelta(days=1):
        start = None
    if end and end >= dt.date.max - dt.timedelta(days=1):
        end = None
    return start, end


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
