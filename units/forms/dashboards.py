"""The dashboard's filters, kept in the URL."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ..choices import Sector
from ..models import Area, ReductionFigure
from ..services.recompute import FIRST_YEAR
from .area_picker import AreaPicker


class DashboardForm(forms.Form):
    area = forms.ModelChoiceField(
        label=gettext_lazy("Scope"),
        queryset=Area.objects.all(),
        required=False,
        widget=AreaPicker(all_label=gettext_lazy("The whole country")),
    )
    base = forms.IntegerField(label=gettext_lazy("Base year"), min_value=FIRST_YEAR, required=False)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, required=False)
    sector = forms.ChoiceField(
        label=gettext_lazy("Sector"),
        choices=[("", gettext_lazy("All sectors")), *Sector.choices],
        required=False,
    )

    def values(self) -> tuple[Area | None, int, int, str]:
        data = self.cleaned_data if self.is_valid() else {}
        this_year = timezone.localdate().year
        year = min(data.get("year") or this_year, this_year)
        base = min(data.get("base") or 2015, year)
        return data.get("area"), year, base, data.get("sector") or ReductionFigure.ALL
