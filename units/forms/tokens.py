from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name (which system uses it)"),
        max_length=100,
        error_messages={"required": _("Give the token a name (which system uses it).")},
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=366,
        initial=90,
        error_messages={"invalid": _("A token lasts from 1 to 366 days.")},
    )
