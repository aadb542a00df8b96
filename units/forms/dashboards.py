"""The dashboard's filters, kept in the URL."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ..choices import Sector
from ..models import Area, ReductionFigure, Unit
from ..models.registry import last_year_seen
from ..services.recompute import FIRST_YEAR
from .area_picker import AreaPicker


class DashboardForm(forms.Form):
    area = forms.ModelChoiceField(
        label=gettext_lazy("Scope"),
        queryset=Area.objects.all(),
        required=False,
        widget=AreaPicker(all_label=gettext_lazy("The whole country")),
    )
    # An agency's subtree instead of an area (reached from an area's page or a
    # unit's): a hidden field, kept in the URL like the others.
    agency = forms.ModelChoiceField(
        queryset=Unit.objects.agencies().select_related("area", "parent"),
        required=False,
        widget=forms.HiddenInput,
    )
    base = forms.IntegerField(label=gettext_lazy("Base year"), min_value=FIRST_YEAR, required=False)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, required=False)
    sector = forms.ChoiceField(
        label=gettext_lazy("Sector"),
        choices=[("", gettext_lazy("All sectors")), *Sector.choices],
        required=False,
    )

    def values(self) -> tuple[Area | Unit | None, int, int, str]:
        """The scope (the agency if one is chosen, else the area, else None for
        the nation), the year, the base year and the sector."""
        data = self.cleaned_data if self.is_valid() else {}
        this_year = timezone.localdate().year
        year = min(data.get("year") or this_year, this_year)
        scope = data.get("agency") or data.get("area")
        if isinstance(scope, Unit) and scope.closed_on:
            # An ended body's figures stop at the last 31/12 it saw: what it
            # handed over is its successor's, not a reduction.
            year = max(min(year, last_year_seen(scope.closed_on)), FIRST_YEAR)
        base = min(data.get("base") or 2015, year)
        self._show_applied(base=base, year=year)
        return scope, year, base, data.get("sector") or ReductionFigure.ALL

    def _show_applied(self, **years: int) -> None:
        """The year boxes show the years applied: the defaults when left
        empty, a year capped to the last one there are figures for (a box
        whose value was refused keeps it, beside its error)."""
        if not self.is_bound:
            self.initial.update(years)
            return
        data = self.data.copy()
        for name, value in years.items():
            if name not in self.errors:
                data[name] = str(value)
        self.data = data
