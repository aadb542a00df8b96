"""Widgets and fields shared by the forms and the filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import AutonomyGroup, Sector

DATE_FORMAT = "%d/%m/%Y"
DATE_WIDGET = forms.DateInput(
    format=DATE_FORMAT, attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10}
)


def date_field(label, required_message=None, **kwargs) -> forms.DateField:
    """A dd/mm/yyyy date field with Vietnamese messages."""
    messages = {"invalid": _("Write the date as dd/mm/yyyy.")}
    if required_message:
        messages["required"] = required_message
    return forms.DateField(label=label, widget=DATE_WIDGET, error_messages=messages, **kwargs)


def sector_field(empty_label="—") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Sector"), choices=[("", empty_label), *Sector.choices], required=False
    )


def autonomy_field(empty_label="—") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Autonomy group"),
        choices=[("", empty_label), *AutonomyGroup.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
