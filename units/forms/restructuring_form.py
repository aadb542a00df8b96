"""The steps of the guided restructuring form, and the reversal form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..choices import ManagementLevel, RestructuringKind, UnitKind
from ..models import Area
from ..models.registry import MAX_STAFF_MOVED, plausible_decision_date
from ..services.decision_files import decision_file_check
from .area_picker import AreaPicker
from .common import autonomy_field, date_field, sector_field


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of restructuring"),
        choices=RestructuringKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of restructuring.")},
    )


class DecisionForm(forms.Form):
    number = forms.CharField(
        label=_("Decision number"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}),
        error_messages={"required": _("The decision number is required.")},
    )
    decided_on = date_field(
        _("Decided on"),
        _("The decision date is required."),
        validators=[plausible_decision_date],
    )
    effective_on = date_field(
        _("Effective on"),
        _("The effective date is required."),
        validators=[plausible_decision_date],
    )
    authority = forms.CharField(
        label=_("Issuing authority"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "UBND quận Ngô Quyền"}),
        error_messages={"required": _("The issuing authority is required.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        decided, effective = data.get("decided_on"), data.get("effective_on")
        if decided and effective and effective < decided:
            self.add_error(
                "effective_on", _("The effective date cannot be before the decision date.")
            )
        return data


class NewUnitForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        error_messages={"required": _("Each new unit needs a name.")},
    )
    code = forms.CharField(label=_("Code"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    sector = sector_field()
    autonomy_group = autonomy_field()
    parent_id = forms.TypedChoiceField(
        label=_("Managing body"), coerce=int, empty_value=None, required=False
    )
    area_id = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        widget=AreaPicker(scoped=True, all_label=_("Not chosen")),
        error_messages={
            "required": _("Choose the area of the new unit."),
            "invalid_choice": _("Choose an area in your scope, valid on the effective date."),
        },
    )
    level = forms.ChoiceField(
        label=_("Management level"),
        choices=ManagementLevel.choices,
        error_messages={"required": _("Choose the management level.")},
    )
    staff_moved = forms.IntegerField(
        label=_("Staff moved"),
        min_value=0,
        max_value=MAX_STAFF_MOVED,
        required=False,
        error_messages={"invalid": _("Write a whole number of people.")},
    )

    def __init__(self, *args, agencies=(), areas=None, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_id"].choices = [("", "—"), *((a.pk, a.name) for a in agencies)]
        if areas is not None:
            self.fields["area_id"].queryset = areas
        self.fields["area_id"].widget = AreaPicker(scoped=True, day=day, all_label=_("Not chosen"))

    def clean_area_id(self):
        area = self.cleaned_data.get("area_id")
        return area.pk if area else None  # the draft keeps ids

    def clean(self):
        data = super().clean()
        if data.get("kind") == UnitKind.SERVICE and not data.get("sector"):
            self.add_error("sector", _("A public service unit needs a sector."))
        if data.get("kind") == UnitKind.AGENCY:
            data["sector"], data["autonomy_group"] = "", None
        return data


class BaseNewUnitFormSet(forms.BaseFormSet):
    """The new units of a decision: every row filled in, and as many rows as the
    kind allows (a posted row count outside that is an error, not a crash)."""

    default_error_messages = {
        "missing_management_form": _("The form was sent incomplete; please try again."),
        "too_many_forms": _("This kind of restructuring creates at most %(num)d new units."),
        "too_few_forms": _("This kind of restructuring needs at least %(num)d new units."),
    }

    def __init__(self, *args, agencies=(), areas=None, day=None, **kwargs):
        self.agencies, self.areas, self.day = list(agencies), areas, day
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"agencies": self.agencies, "areas": self.areas, "day": self.day}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = False
        form.use_required_attribute = False
        return form


def new_unit_formset(low: int, high: int | None):
    """A formset class for a kind that creates between `low` and `high` units."""
    return forms.formset_factory(
        NewUnitForm,
        formset=BaseNewUnitFormSet,
        extra=0,
        min_num=low,
        validate_min=True,
        max_num=high or 50,
        validate_max=True,
        absolute_max=50,
    )


class RenameForm(forms.Form):
    name = forms.CharField(
        label=_("New name"),
        max_length=255,
        error_messages={"required": _("The name is required.")},
    )
    sector = sector_field()
    autonomy_group = autonomy_field()


class ConfirmForm(forms.Form):
    decision_file = forms.FileField(
        label=_("Decision file (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_decision_file(self):
        upload = self.cleaned_data.get("decision_file")
        if upload:
            try:
                decision_file_check(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return upload


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reversal"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the reversal.")},
    )
