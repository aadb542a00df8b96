"""The staffing workbook: download (a clerk's template, or any staffing view in
the same layout), upload, dry-run preview and commit."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ..exports import xlsx_file_response
from ..forms.staffing import ImportForm, OverviewForm
from ..models import StaffingImport, Unit
from ..models.registry import active_during_q
from ..scope import area_ids, scope_q, visible_units
from ..selectors.staffing import SHEET_MAX_UNITS, sheet_groups
from ..services.staffing import may_enter_staffing
from ..services.staffing_import import MAX_BYTES, import_commit, import_preview, import_upload
from ..staffing_sheet import MAX_LINES, MAX_UNPACKED, write_workbook

# How many lines of each kind the preview lists (all are counted).
PREVIEW_LINES = 300


@login_required
@require_safe
def staffing_sheet(request):
    """The figures of a year as the workbook to fill in: `mine=1` gives the
    template of the units the clerk may change; otherwise the overview's area."""
    form = OverviewForm(request.GET or None)
    area, year, _base = form.values()
    user = request.user
    units = Unit.objects.all()
    if request.GET.get("mine") == "1":
        if not may_enter_staffing(user):
            raise PermissionDenied
        units = units.filter(scope_q(user))
        scope = user.scope_area or user.scope_unit
    else:
        units, scope = visible_units(user, units), None
    where = (area or scope).name if (area or scope) else _("The whole country")
    if area is not None:
        units = units.filter(area_id__in=area_ids(area))
    if units.filter(active_during_q(year)).count() > SHEET_MAX_UNITS:
        messages.error(request, _("That is too many units for one sheet: choose an area."))
        return redirect(f"{_overview_url()}?{request.GET.urlencode()}")
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    title = _("Staffing %(year)s: %(where)s") % {"year": year, "where": where}
    write_workbook(file, year=year, title=title, groups=sheet_groups(units, year))
    return xlsx_file_response(file, f"bien-che-{year}")


def _overview_url() -> str:
    return reverse("units:staffing_overview")


@login_required
@require_http_methods(["GET", "POST"])
def staffing_import(request):
    """Upload a workbook; the preview follows."""
    if not may_enter_staffing(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = import_upload(
                actor=request.user,
                year=form.cleaned_data["year"],
                filename=file.name,
                content=file.read(),
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("units:staffing_import_preview", pk=upload.pk)
    year = timezone.localdate().year
    template = OverviewForm(initial={"year": year}, auto_id="template-%s")
    template.fields["area"].widget.all_label = request.user.scope_label  # empty: all of it
    context = {"form": form, "template": template, **_limits()}
    return render(request, "units/staffing_import.html", context)


def _limits() -> dict:
    """What the page says a file may hold."""
    return {
        "max_mb": MAX_BYTES // (1024 * 1024),
        "max_lines": MAX_LINES,
        "max_unpacked_mb": MAX_UNPACKED // (1024 * 1024),
    }


@login_required
@require_http_methods(["GET", "POST"])
def staffing_import_preview(request, pk: int):
    """What the file would change (GET), and its commit (POST)."""
    upload = get_object_or_404(StaffingImport, pk=pk, user=request.user)
    if request.method == "POST":
        return _commit(request, upload)
    try:
        preview = import_preview(actor=request.user, upload=upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("units:staffing_import")
    units, lines = preview.plan.units, preview.line_by_key()
    context = {
        "upload": upload,
        "preview": preview,
        "problems": preview.problems[:PREVIEW_LINES],
        "created": [
            (lines[row.key], units[row.unit_id], row) for row in preview.created[:PREVIEW_LINES]
        ],
        "changed": [
            (lines[row.key], units[row.unit_id], _differences(figure, row))
            for figure, row in preview.changed[:PREVIEW_LINES]
        ],
        "shown": PREVIEW_LINES,
        **_limits(),
    }
    return render(request, "units/staffing_import.html", context)


def _commit(request, upload: StaffingImport):
    try:
        result = import_commit(
            actor=request.user, upload=upload, digest=request.POST.get("digest", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + " " + _("Nothing was saved."))
        return redirect("units:staffing_import_preview", pk=upload.pk)
    messages.success(
        request,
        _("Imported: %(created)s new, %(changed)s changed, %(unchanged)s unchanged.") % result,
    )
    # No area: the overview opens on the reader's scope (an agency's area for
    # a clerk scoped to an agency; the whole country was shown to them).
    query = urlencode({"year": upload.year, "import": upload.pk})
    return redirect(f"{_overview_url()}?{query}")


def _differences(figure, row) -> list[tuple[str, object, object]]:
    """The fields a line changes: (field label, old, new)."""
    labels = {
        "assigned": _("Assigned"),
        "decision_number": _("Decision"),
        "actual": _("Actual"),
        "actual_on": _("As of"),
        "streamlined": _("Streamlined"),
    }
    return [
        (label, getattr(figure, name), getattr(row, name))
        for name, label in labels.items()
        if getattr(figure, name) != getattr(row, name)
    ]
