"""Forms: the unit edit form and the steps of the guided restructuring form."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from .choices import AutonomyGroup, ManagementLevel, RestructuringKind, Sector, UnitKind
from .filters import DATE_WIDGET
from .models import Unit
from .services import UNIT_EDITABLE_FIELDS

MAX_DECISION_FILE_MB = 20


class UnitEditForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = list(UNIT_EDITABLE_FIELDS)


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of restructuring"),
        choices=RestructuringKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of restructuring.")},
    )


def _date_field(label, required_message) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE_WIDGET,
        error_messages={
            "required": required_message,
            "invalid": _("Write the date as dd/mm/yyyy."),
        },
    )


class DecisionForm(forms.Form):
    number = forms.CharField(
        label=_("Decision number"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}),
        error_messages={"required": _("The decision number is required.")},
    )
    decided_on = _date_field(_("Decided on"), _("The decision date is required."))
    effective_on = _date_field(_("Effective on"), _("The effective date is required."))
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
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    autonomy_group = forms.TypedChoiceField(
        label=_("Autonomy group"),
        choices=[("", "—"), *AutonomyGroup.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    parent_id = forms.TypedChoiceField(
        label=_("Managing body"), coerce=int, empty_value=None, required=False
    )
    area_id = forms.TypedChoiceField(
        label=_("Area"),
        coerce=int,
        empty_value=None,
        error_messages={"required": _("Choose the area of the new unit.")},
    )
    level = forms.ChoiceField(
        label=_("Management level"),
        choices=ManagementLevel.choices,
        error_messages={"required": _("Choose the management level.")},
    )
    staff_moved = forms.IntegerField(label=_("Staff moved"), min_value=0, required=False)

    def __init__(self, *args, agencies=(), areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_id"].choices = [("", "—"), *((a.pk, a.name) for a in agencies)]
        self.fields["area_id"].choices = [("", "—"), *((a.pk, _area_label(a)) for a in areas)]

    def clean(self):
        data = super().clean()
        if data.get("kind") == UnitKind.SERVICE and not data.get("sector"):
            self.add_error("sector", _("A public service unit needs a sector."))
        if data.get("kind") == UnitKind.AGENCY:
            data["sector"], data["autonomy_group"] = "", None
        return data


class BaseNewUnitFormSet(forms.BaseFormSet):
    def __init__(self, *args, agencies=(), areas=(), **kwargs):
        self.agencies, self.areas = list(agencies), list(areas)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"agencies": self.agencies, "areas": self.areas}


NewUnitFormSet = forms.formset_factory(NewUnitForm, formset=BaseNewUnitFormSet, extra=0)


class TransferForm(forms.Form):
    new_parent = forms.TypedChoiceField(
        label=_("New managing body"), coerce=int, empty_value=None, required=False
    )
    new_area = forms.TypedChoiceField(
        label=_("New area"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, agencies=(), areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].choices = [
            ("", _("unchanged")),
            *((a.pk, a.name) for a in agencies),
        ]
        self.fields["new_area"].choices = [
            ("", _("unchanged")),
            *((a.pk, _area_label(a)) for a in areas),
        ]

    def clean(self):
        data = super().clean()
        if not data.get("new_parent") and not data.get("new_area"):
            raise forms.ValidationError(_("A transfer needs its new managing body or area."))
        return data


class RenameForm(forms.Form):
    name = forms.CharField(
        label=_("New name"),
        max_length=255,
        error_messages={"required": _("The name is required.")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    autonomy_group = forms.TypedChoiceField(
        label=_("Autonomy group"),
        choices=[("", "—"), *AutonomyGroup.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ConfirmForm(forms.Form):
    decision_file = forms.FileField(
        label=_("Decision file (PDF, optional)"),
        required=False,
        validators=[FileExtensionValidator(["pdf"], _("Attach the decision as a PDF file."))],
    )

    def clean_decision_file(self):
        upload = self.cleaned_data.get("decision_file")
        if upload and upload.size > MAX_DECISION_FILE_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_DECISION_FILE_MB}
            )
        return upload


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reversal"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the reversal.")},
    )


def _area_label(area) -> str:
    parent = f", {area.parent.name}" if area.parent_id else ""
    return f"{area.name}{parent} ({area.code})"
