"""The officials' dashboard: reduction of public service units and of quota
staff for a scope, read from the snapshot the recompute writes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language

from ..forms.dashboards import DashboardForm
from ..selectors.dashboards import dashboard as dashboard_figures
from ..versions import cached, figures_version


@login_required
def dashboard(request):
    form = DashboardForm(request.GET or None)
    area, year, base, sector = form.values()
    # Cached until a recompute swaps figures in (or a decision, an area, a
    # staffing save or a target changes what the page shows), per language.
    key = (
        f"dashboard:{figures_version()}:{get_language()}:{area and area.pk}:{year}:{base}:{sector}"
    )
    figures = cached(
        key, lambda: dashboard_figures(area=area, year=year, base_year=base, sector=sector)
    )
    context = {"form": form, "area": area, "year": year, "base": base, **figures}
    return render(request, "units/dashboard.html", context)
