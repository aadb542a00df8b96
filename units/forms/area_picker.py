"""The area type-ahead: a hidden id and a search box that asks the server for the
areas matching what is typed, without accents ("dak lak" finds "Đắk Lắk"). It
replaces selects of hundreds of areas (the registry has 14,000)."""

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ..models import Area
from ..text import parse_id
from .common import DATE_FORMAT


class AreaPicker(forms.Widget):
    """Renders templates/units/widgets/area_picker.html. `scoped` limits the
    choices to the user's scope (for new units); `all_label` is what an empty
    choice means."""

    template_name = "units/widgets/area_picker.html"

    def __init__(self, *, scoped: bool = False, day=None, all_label=None, attrs=None):
        super().__init__(attrs)
        self.scoped, self.day = scoped, day
        self.all_label = all_label if all_label is not None else _("All areas")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pk = parse_id(value) if value not in (None, "") else None
        area = Area.objects.select_related("parent").filter(pk=pk).first() if pk else None
        params = {"field": name}
        if self.scoped:
            params["scoped"] = "1"
        if self.day:
            params["on"] = self.day.strftime(DATE_FORMAT)
        context["widget"].update(
            area=area,
            all_label=self.all_label,
            search_url=reverse("units:area_pick"),
            params=urlencode(params),
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None
