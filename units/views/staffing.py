"""Staffing: the overview of a scope and year, and the grid where a clerk enters
the figures of the units an agency manages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import exports
from ..choices import UnitKind
from ..forms.staffing import grid_rows, grid_table, overview_form
from ..models import StaffingImport, Unit
from ..models.staffing import FIRST_YEAR, LAST_YEAR
from ..scope import can_change_unit, visible_units
from ..selectors import staffing as staff
from ..services.staffing import may_enter_staffing, staffing_save
from ..text import parse_id


def _overview(request) -> dict:
    """The overview's filters from the URL (else the reader's scope and a year
    with figures) and what they select; after an import (`import`, the
    reader's own), the rows it changed first and marked."""
    form = overview_form(request.GET, request.user)
    area, year, base = form.values()
    overview = staff.staffing_overview_cached(
        user=request.user, area=area, year=year, base_year=base
    )
    done = parse_id(request.GET.get("import", ""))
    imported = (
        StaffingImport.objects.filter(pk=done, user=request.user, committed_at__isnull=False)
        .values_list("result", flat=True)
        .first()
        if done
        else None
    )
    only_changed = False
    if imported:
        overview = staff.overview_marked(overview, imported.get("units", []))
        # The rows it changed alone (Hải Phòng's 114 rows were mostly zeros).
        only_changed = request.GET.get("only") == "changed" and overview.get("marked")
        if only_changed:
            overview["rows"] = [row for row in overview["rows"] if row.changed]
    applied = {"area": area.pk if area else "", "year": year, "base": base}
    return {
        "import_id": done if imported else None,
        "only_changed": only_changed,
        "form": form,
        "year": year,
        "base": base,
        "area": area,
        "query": urlencode(applied),
        "may_import": may_enter_staffing(request.user),
        **overview,
    }


@login_required
@require_safe
def staffing_overview(request):
    return render(request, "units/staffing_overview.html", _overview(request))


@login_required
@require_safe
def staffing_overview_export(request, fmt: str):
    """The overview's rows as shown, in CSV or XLSX."""
    overview = _overview(request)
    year, base = overview["year"], overview["base"]
    header = [
        _("Area"),
        _("Assigned"),
        _("Actual"),
        _("Vacancy"),
        _("Over quota"),
        _("Streamlined"),
        _("Contract staff"),
        _("Assigned %(base)s") % {"base": base},
        _("Change (%)"),
    ]
    labelled = [(row.unit_name or row.area.name, row) for row in overview["rows"]]
    # The page's two summed lines, where it shows them: the rows add up to the total.
    others, elsewhere = overview["others"], overview["elsewhere"]
    if others.assigned or others.actual or others.base:
        labelled.append((_("Units outside your scope (their total only)"), others))
    if elsewhere.assigned or elsewhere.actual:
        labelled.append((_("Recorded in the area itself"), elsewhere))
    labelled.append((_("Total"), overview["total"]))
    rows = [
        [
            label,
            *(getattr(row, name) for name in staff.COLUMNS),
            float(row.change) if row.change is not None else None,
        ]
        for label, row in labelled
    ]
    name = f"bien-che-{year}"
    if fmt == "csv":
        return exports.csv_response(name, header, rows)
    return exports.xlsx_response(name, header, rows)


@login_required
@require_http_methods(["GET", "POST"])
def staffing_grid(request, pk: int, year: int):
    agency = (
        visible_units(request.user, Unit.objects.select_related("area"))
        .filter(pk=pk, kind=UnitKind.AGENCY)
        .first()
    )
    if agency is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    may_edit = may_enter_staffing(request.user) and can_change_unit(request.user, agency)
    cells = staff.grid_cells(staff.grid_units(agency, year))
    errors = {}
    figures = staff.grid_figures([unit for unit, _c in cells], year)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        rows, errors, names = grid_rows(request.POST, cells, figures)
        if not errors:
            try:
                result = staffing_save(actor=request.user, year=year, rows=rows, about=agency)
            except ValidationError as error:
                for key, problems in error.message_dict.items():
                    index, _dot, field = key.partition(".")
                    row = names[int(index)] if index.isdigit() else {}
                    errors[row.get(field, row.get("assigned", key))] = problems[0]
            else:
                messages.success(
                    request,
                    _("Saved: %(created)s new, %(changed)s changed.") % result,
                )
                return redirect("units:staffing_grid", pk=agency.pk, year=year)
        messages.error(request, _("Nothing was saved: correct the cells marked below."))
    previous = staff.grid_figures([unit for unit, _c in cells], year - 1)
    table = grid_table(
        cells,
        figures,
        previous,
        posted=request.POST if request.method == "POST" else None,
        copy=request.GET.get("copy") == "1",
        errors=errors,
    )
    context = {
        "agency": agency,
        "year": year,
        "table": table,
        "may_edit": may_edit,
        "years": (year - 1, year + 1),
    }
    return render(request, "units/staffing_grid.html", context)
