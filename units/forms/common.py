"""Widgets and fields shared by the forms and the filters, and the one way a
service's refusal is shown on a form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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


def service_errors(error: ValidationError) -> dict[str, list[str]]:
    """A service's refusal as messages by key (a field, a row's "tasks.2.field",
    or NON_FIELD_ERRORS), whichever shape the service raised it in."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: list(error.messages)}


def add_service_errors(form, error: ValidationError, rows: dict | None = None) -> None:
    """Put a service's refusal on the form as shown: each message on its field,
    or on the form. `rows` maps a formset's prefix to (formset, index of the
    shown form of each row the service got), since blank rows are not sent."""
    for key, messages in service_errors(error).items():
        target, field = form, key
        parts = key.split(".")
        if rows and len(parts) == 3 and parts[0] in rows:
            formset, shown = rows[parts[0]]
            target, field = formset.forms[shown[int(parts[1])]], parts[2]
        for message in messages:
            target.add_error(field if field in target.fields else None, message)
