"""The units list (with exports), a unit's page and its edit form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from .. import exports
from ..choices import UnitKind
from ..forms.common import add_service_errors
from ..forms.units import UnitEditForm
from ..models import Unit
from ..scope import can_change_unit
from ..selectors import activity, lineage, staffing, units
from ..selectors.agency_lineage import agency_lineage, counted_predecessors
from ..services.units import unit_update
from ..versions import data_version
from .common import full_page_wanted, paginate


@login_required
@vary_on_headers("HX-Request")
@require_safe
def unit_list(request):
    filterset = units.unit_filterset(user=request.user, params=request.GET)
    queryset = filterset.qs if filterset.is_valid() else Unit.objects.none()
    show_all = request.GET.copy()
    show_all["status"] = "all"
    show_all.pop("page", None)
    context = {
        "filter": filterset,
        **paginate(request, queryset, version=data_version()),
        "today": timezone.localdate(),
        "show_all_query": show_all.urlencode(),
    }
    template = (
        "units/unit_list.html" if full_page_wanted(request) else "units/unit_list.html#results"
    )
    return render(request, template, context)


@login_required
@require_safe
def unit_export(request, fmt: str):
    filterset = units.unit_filterset(user=request.user, params=request.GET)
    if not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("units:unit_list")
    name = f"don-vi-{timezone.localdate():%Y%m%d}"
    rows = exports.unit_rows(filterset.qs)
    if fmt == "csv":
        return exports.csv_response(name, exports.unit_columns(), rows)
    return exports.xlsx_response(name, exports.unit_columns(), rows)


@login_required
@require_safe
def unit_detail(request, pk: int):
    unit = units.unit_for_page(user=request.user, pk=pk)
    if unit is None:
        raise Http404
    events = lineage.unit_lineage(unit)
    agency = unit.kind == UnitKind.AGENCY
    context = {
        "agency_lineage": agency_lineage(unit) if agency else None,
        "counted_predecessors": counted_predecessors(unit) if agency else [],
        "unit": unit,
        "chain": units.unit_parent_chain(unit),
        "children": units.unit_children(unit),
        "history": activity.unit_history(unit),
        "staffing": staffing.unit_staffing(unit),
        "lineage": events,
        "origin": _origin(request.user, unit),
        "graph": lineage.lineage_graph(unit, events),
        "can_change": can_change_unit(request.user, unit),
        "today": timezone.localdate(),
    }
    return render(request, "units/unit_detail.html", context)


def _origin(user, unit) -> tuple | None:
    """Where a transferred unit's line began, its day of moving, and whether
    the reader may open that first unit (its name is shown only then)."""
    origin = lineage.transfer_origin(unit)
    if origin is None:
        return None
    first, moved_on = origin
    return first, moved_on, units.unit_for_page(user=user, pk=first.pk) is not None


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    unit = units.unit_for_edit(pk)
    if unit is None:
        raise Http404
    if not can_change_unit(request.user, unit):
        raise PermissionDenied
    if unit.closed_on is not None:
        messages.error(request, _("A closed unit cannot be edited: its record is history."))
        return redirect("units:unit_detail", pk=unit.pk)
    form = UnitEditForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            unit_update(
                unit_id=unit.pk,
                actor=request.user,
                data={f: form.cleaned_data[f] for f in form.changed_data},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("units:unit_detail", pk=unit.pk)
    return render(request, "units/unit_edit.html", {"unit": unit, "form": form})
