"""Forms of the recommendation page: answers, dates, judgements, escalations."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.forms.common import date_field

from ..choices import SETTLED, EscalationKind, RecommendationStatus


class ResponseForm(forms.Form):
    date = date_field(_("Date of the answer"), _("Give the answer's date."))
    text = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea({"rows": 4}),
        error_messages={"required": _("Write the answer.")},
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class NewDateForm(forms.Form):
    new_due = date_field(_("New due date"), _("Give the new due date (dd/mm/yyyy)."))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea({"rows": 2}),
        error_messages={"required": _("A due date never moves without a reason.")},
    )


class AssessForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Judgement"),
        choices=[(s.value, s.label) for s in RecommendationStatus if s in SETTLED],
        widget=forms.RadioSelect,
    )


class EscalationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=EscalationKind.choices)
    date = date_field(_("Date"), _("Give the date."))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea({"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
