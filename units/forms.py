from django import forms

from .models import Unit
from .services import UNIT_EDITABLE_FIELDS


class UnitEditForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = list(UNIT_EDITABLE_FIELDS)
