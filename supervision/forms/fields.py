"""Choice fields whose posted ids are read with `parse_id` before any query:
an id too large for the database (10**30) is "not one of the choices", not an
OverflowError from SQLite."""

from django import forms
from django.core.exceptions import ValidationError

from units.text import MAX_ID, parse_id


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def id_field(**kwargs) -> forms.IntegerField:
    """A row's hidden id: a database id or nothing."""
    return forms.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)
