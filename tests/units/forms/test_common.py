"""A service's refusal shown on the form: each message on its field, a row's on
the row as shown (blank rows were not sent), anything else on the form."""

from django import forms
from django.core.exceptions import ValidationError

from units.forms.common import add_service_errors, service_errors


class NameForm(forms.Form):
    name = forms.CharField()


Rows = forms.formset_factory(NameForm, extra=0)


def bound(data):
    form = NameForm(data)
    form.is_valid()
    return form


def test_a_plain_refusal_goes_on_the_form():
    form = bound({"name": "x"})
    add_service_errors(form, ValidationError("Refused."))
    assert form.non_field_errors() == ["Refused."]
    assert service_errors(ValidationError(["a", "b"])) == {"__all__": ["a", "b"]}


def test_each_message_goes_on_its_field_or_row():
    form = bound({"name": "x"})
    rows = Rows(
        {
            "form-TOTAL_FORMS": "3",
            "form-INITIAL_FORMS": "0",
            **{f"form-{i}-name": name for i, name in enumerate(["a", "", "c"])},
        }
    )
    rows.is_valid()
    error = ValidationError(
        {"name": ["Taken."], "unknown": ["Odd."], "rows.1.name": ["Row refused."]}
    )
    add_service_errors(form, error, {"rows": (rows, [0, 2])})  # row 1 of 2 sent is shown 3rd
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Odd."]
    assert rows.forms[2].errors["name"] == ["Row refused."]
    assert not rows.forms[0].errors
