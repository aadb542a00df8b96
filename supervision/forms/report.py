"""The report page: its header, findings and recommendations as rows that can
be added to (a button adds blank rows; blank rows are ignored)."""

from collections.abc import Iterator

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms.common import DATE_WIDGET, date_field
from units.models import Unit
from units.text import parse_id

from ..choices import FindingKind
from ..services.report import FindingRow, RecommendationRow
from .fields import IdChoiceField, id_field

EXTRA_ROWS = 2
MAX_ROWS = 500  # rows a page may hold (a tampered count is capped)


class ReportHeaderForm(forms.Form):
    report_number = forms.CharField(label=_("Report number"), max_length=100, required=False)
    report_date = date_field(_("Report date"), required=False)
    report_place = forms.CharField(label=_("Place of issue"), max_length=100, required=False)
    general_info = forms.CharField(
        label=_("General information"), widget=forms.Textarea({"rows": 3}), required=False
    )
    situation = forms.CharField(
        label=_("Current situation"), widget=forms.Textarea({"rows": 4}), required=False
    )
    conclusions = forms.CharField(
        label=_("Conclusions"), widget=forms.Textarea({"rows": 3}), required=False
    )


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea({"rows": 2}), required=False)
    unit = IdChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)


class RecommendationForm(forms.Form):
    id = id_field(widget=forms.HiddenInput, required=False)
    unit = IdChoiceField(label=_("Addressed to"), queryset=Unit.objects.none(), required=False)
    text = forms.CharField(
        label=_("Recommendation"), widget=forms.Textarea({"rows": 2}), required=False
    )
    due = forms.DateField(
        label=_("Due date"),
        widget=DATE_WIDGET,
        required=False,
        error_messages={"invalid": _("Write the date as dd/mm/yyyy.")},
    )
    priority = forms.BooleanField(label=_("Priority"), required=False)


FindingFormSet = forms.formset_factory(
    FindingForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)
RecommendationFormSet = forms.formset_factory(
    RecommendationForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)


def report_forms(session, data=None, *, extra: int = EXTRA_ROWS):
    """The header form and both row sets, bound to `data` (POST) or to the saved
    report; `extra` blank rows for new findings and recommendations."""
    units = session.supervised_units.all()
    if data is None:
        header = ReportHeaderForm(
            initial={name: getattr(session, name) for name in ReportHeaderForm.base_fields}
        )
        findings = FindingFormSet(
            prefix="findings",
            initial=[
                {"kind": f.kind, "text": f.text, "unit": f.unit_id} for f in session.findings.all()
            ]
            + [{}] * extra,
        )
        recs = RecommendationFormSet(
            prefix="recommendations",
            initial=[
                {
                    "id": r.pk,
                    "unit": r.addressed_unit_id,
                    "text": r.text,
                    "due": r.original_due,
                    "priority": r.priority,
                }
                for r in session.recommendations.all()
            ]
            + [{}] * extra,
        )
    else:
        header = ReportHeaderForm(data)
        findings = FindingFormSet(data, prefix="findings")
        recs = RecommendationFormSet(data, prefix="recommendations")
    share_choices([*findings.forms, *recs.forms], "unit", units)
    return header, findings, recs


def is_blank(form) -> bool:
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    return not (data.get("text") or "").strip() and not data.get("id")


def _written(formset) -> Iterator[tuple[int, dict, int | None]]:
    """(form index, cleaned data, unit id) of each row written; blank rows dropped."""
    for i, form in enumerate(formset.forms):
        if not is_blank(form):
            unit = form.cleaned_data.get("unit")
            yield i, form.cleaned_data, unit and unit.pk


def finding_rows(formset) -> list[tuple[int, FindingRow]]:
    """(form index, row) of the findings written; blank rows dropped."""
    return [
        (i, FindingRow(kind=data["kind"], text=data["text"], unit_id=unit_id))
        for i, data, unit_id in _written(formset)
    ]


def recommendation_rows(formset) -> list[tuple[int, RecommendationRow]]:
    """(form index, row) of the recommendations written; blank rows dropped."""
    return [
        (
            i,
            RecommendationRow(
                unit_id=unit_id,
                text=data.get("text") or "",
                due=data.get("due"),
                priority=bool(data.get("priority")),
                pk=data.get("id"),
            ),
        )
        for i, data, unit_id in _written(formset)
    ]


def with_extra_rows(data, prefixes=("findings", "recommendations"), extra=EXTRA_ROWS):
    """The posted data with more blank rows (the "add rows" button)."""
    data = data.copy()
    for prefix in prefixes:
        key = f"{prefix}-TOTAL_FORMS"
        data[key] = str(min((parse_id(data.get(key)) or 0) + extra, MAX_ROWS))
    return data


def share_choices(forms_, field: str, queryset) -> None:
    """One query for a select repeated on every row: the options are read once,
    each row keeps the queryset to check what is posted."""
    options = [("", "---------"), *((unit.pk, str(unit)) for unit in queryset)]
    for form in forms_:
        form.fields[field].queryset = queryset
        form.fields[field].widget.choices = options
