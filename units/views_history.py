"""Restructurings list and detail, the activity log."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import exports, history
from .forms import ReverseForm
from .models import Restructuring
from .restructurings import can_reverse
from .scope import may_restructure
from .views import PAGE_SIZE, _query_without


@login_required
def restructuring_list(request):
    filterset = history.restructuring_filterset(params=request.GET)
    queryset = filterset.qs if filterset.is_valid() else Restructuring.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": _query_without(request, "page"),
        "may_record": may_restructure(request.user),
    }
    return render(request, "units/restructuring_list.html", context)


@login_required
def restructuring_export(request, fmt: str):
    filterset = history.restructuring_filterset(params=request.GET)
    if not filterset.is_valid():
        return redirect("units:restructuring_list")
    header = [
        _("Decision number"),
        _("Kind"),
        _("Decided on"),
        _("Effective on"),
        _("Issuing authority"),
        _("Sources"),
        _("Results"),
        _("Reversed"),
    ]
    rows = (_restructuring_row(r) for r in filterset.qs)
    name = f"sap-xep-{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        return exports.csv_response(name, header, rows)
    return exports.xlsx_response(name, header, rows)


@login_required
def restructuring_detail(request, pk: int):
    restructuring = get_object_or_404(
        history._with_links(Restructuring.objects.select_related("created_by", "reversed_by")),
        pk=pk,
    )
    sources, results = history.links_by_role(restructuring)
    return render(
        request,
        "units/restructuring_detail.html",
        {
            "r": restructuring,
            "sources": sources,
            "results": results,
            "reverse_form": ReverseForm()
            if not restructuring.is_reversed and can_reverse(request.user, restructuring)
            else None,
        },
    )


@login_required
def activity(request):
    entries = history.activity(user=request.user, params=request.GET)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "units/activity.html",
        {"page": page, "query": _query_without(request, "page"), "params": request.GET},
    )


def _restructuring_row(r: Restructuring) -> list:
    sources, results = history.links_by_role(r)
    return [
        r.decision_number,
        r.get_kind_display(),
        r.decided_on,
        r.effective_on,
        r.authority,
        "; ".join(link.unit.name for link in sources),
        "; ".join(link.unit.name for link in results),
        _("yes") if r.is_reversed else "",
    ]
