"""The form for the few details of a unit that are not history."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Unit
from ..services.units import UNIT_EDITABLE_FIELDS, editable_fields
from .common import autonomy_field, sector_field


class UnitEditForm(forms.ModelForm):
    """Code for every unit; sector and autonomy group for service units only."""

    sector = sector_field()
    autonomy_group = autonomy_field(empty_label=_("Not set"))

    class Meta:
        model = Unit
        fields = list(UNIT_EDITABLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in set(self.fields) - set(editable_fields(self.instance)):
            del self.fields[name]
        if "sector" in self.fields:
            self.fields["sector"].required = True
            self.fields["sector"].error_messages["required"] = _(
                "A public service unit needs a sector."
            )

    def clean_code(self):
        return self.cleaned_data["code"].strip()
