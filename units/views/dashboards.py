"""The officials' dashboard: reduction of public service units and of quota
staff for a scope, read from the snapshot the recompute writes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..forms.dashboards import DashboardForm
from ..selectors.dashboards import dashboard as dashboard_figures


@login_required
def dashboard(request):
    form = DashboardForm(request.GET or None)
    area, year, base, sector = form.values()
    figures = dashboard_figures(area=area, year=year, base_year=base, sector=sector)
    context = {"form": form, "area": area, "year": year, "base": base, **figures}
    return render(request, "units/dashboard.html", context)
