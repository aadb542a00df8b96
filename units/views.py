"""Units pages: list (with exports), detail, edit, area tree; the public landing
page and /health/."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import exports, history, selectors, services
from .filters import DATE_WIDGET
from .forms import UnitEditForm
from .models import Area, Unit
from .scope import can_change_unit, visible_units

PAGE_SIZE = 50


def landing(request):
    today = timezone.localdate()
    return render(request, "units/landing.html", {"headline": selectors.national_headline(today)})


@login_required
def unit_list(request):
    filterset = selectors.unit_filterset(user=request.user, params=request.GET)
    queryset = filterset.qs if filterset.is_valid() else Unit.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "query": _query_without(request, "page")}
    template = "units/unit_list.html#results" if request.htmx else "units/unit_list.html"
    return render(request, template, context)


@login_required
def unit_export(request, fmt: str):
    filterset = selectors.unit_filterset(user=request.user, params=request.GET)
    if not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("units:unit_list")
    name = f"don-vi-{timezone.localdate():%Y%m%d}"
    rows = exports.unit_rows(filterset.qs)
    if fmt == "csv":
        return exports.csv_response(name, exports.unit_columns(), rows)
    return exports.xlsx_response(name, exports.unit_columns(), rows)


@login_required
def unit_detail(request, pk: int):
    unit = get_object_or_404(
        visible_units(request.user, Unit.objects.select_related("area__parent", "parent")), pk=pk
    )
    lineage = history.unit_lineage(unit)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "chain": selectors.unit_parent_chain(unit),
            "children": selectors.unit_children(unit),
            "audit": selectors.unit_audit(unit),
            "lineage": lineage,
            "graph": history.lineage_graph(unit, lineage),
            "can_change": can_change_unit(request.user, unit),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    unit = get_object_or_404(Unit.objects.select_related("area__parent"), pk=pk)
    if not can_change_unit(request.user, unit):
        raise PermissionDenied
    form = UnitEditForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                unit_id=unit.pk,
                actor=request.user,
                data={f: form.cleaned_data[f] for f in form.changed_data},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("units:unit_detail", pk=unit.pk)
    return render(request, "units/unit_edit.html", {"unit": unit, "form": form})


@login_required
def area_tree(request, pk: int | None = None):
    day = _date_param(request, "on") or timezone.localdate()
    parent = get_object_or_404(Area, pk=pk) if pk is not None else None
    context = {
        "day": day,
        "parent": parent,
        "nodes": selectors.area_nodes(day=day, parent=parent),
        "date_widget": DATE_WIDGET.render("on", day),
    }
    if parent is not None:
        if not request.htmx:
            raise Http404
        return render(request, "units/area_tree.html#children", context)
    context["unplaced"] = selectors.units_in_ended_areas(day)
    return render(request, "units/area_tree.html", context)


@login_required
def org_tree(request, pk: int | None = None):
    day = _date_param(request, "on") or timezone.localdate()
    parent = None
    if pk is not None:
        parent = get_object_or_404(visible_units(request.user, Unit.objects.all()), pk=pk)
    context = {
        "day": day,
        "nodes": selectors.org_nodes(user=request.user, day=day, parent=parent),
        "date_widget": DATE_WIDGET.render("on", day),
    }
    if parent is not None:
        if not request.htmx:
            raise Http404
        return render(request, "units/org_tree.html#children", context)
    return render(request, "units/org_tree.html", context)


def health(request):
    """Database, Redis and the Celery heartbeat: JSON for machines, HTML for people."""
    checks = {"database": _check_database(), "cache": _check_cache()}
    beat = selectors.heartbeat_last()
    age = (timezone.now() - beat.last_run_at).total_seconds() if beat else None
    stale_after = settings.HEARTBEAT_SECONDS * 3
    checks["celery"] = {
        "ok": beat is not None and age <= stale_after,
        "last_run_at": beat.last_run_at.isoformat() if beat else None,
        "age_seconds": round(age) if age is not None else None,
        "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    }
    ok = checks["database"]["ok"] and checks["cache"]["ok"]
    status = 200 if ok else 503
    payload = {
        "ok": ok,
        "checks": checks,
        "mode": "embedded" if settings.EMBEDDED else "production",
    }
    if request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    ):
        return JsonResponse(payload, status=status)
    return render(request, "health.html", {"health": payload, "beat": beat}, status=status)


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}


def _check_cache() -> dict:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    try:
        cache.set("health-probe", "1", 10)
        return {"ok": cache.get("health-probe") == "1", "backend": backend}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "backend": backend, "error": str(exc)[:200]}


def _date_param(request, name: str) -> dt.date | None:
    value = request.GET.get(name, "")
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
