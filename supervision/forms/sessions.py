"""The session form (from its decision), working sessions and transitions."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.forms.common import date_field
from units.models import Unit, User
from units.text import parse_id

from ..choices import SessionKind
from ..models import SupervisoryBody
from ..permissions import bodies_of, pickable_units
from ..services.sessions import SessionData
from .fields import IdChoiceField, IdMultipleChoiceField

YEAR_ERRORS = {"invalid": _("Write a year such as 2023."), "required": _("Give the year.")}


class UnitChoices(forms.CheckboxSelectMultiple):
    """The chosen units as ticked boxes; the type-ahead adds more boxes beside
    them (templates/supervision/_unit_picker.html)."""

    template_name = "supervision/widgets/unit_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [pk for pk in map(parse_id, value or []) if pk]
        found = Unit.objects.select_related("area").in_bulk(ids)
        context["widget"]["chosen"] = [found[i] for i in ids if i in found]
        return context


class SessionForm(forms.Form):
    body = IdChoiceField(label=_("Body"), queryset=SupervisoryBody.objects.none())
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = date_field(_("Decision date"), _("Give the decision's date."))
    topic = forms.CharField(label=_("Topic"), max_length=500, widget=forms.Textarea({"rows": 2}))
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    period_from = forms.IntegerField(
        label=_("Period from"), min_value=1975, max_value=2100, error_messages=YEAR_ERRORS
    )
    period_to = forms.IntegerField(
        label=_("Period to"), min_value=1975, max_value=2100, error_messages=YEAR_ERRORS
    )
    units = IdMultipleChoiceField(
        label=_("Supervised units"),
        queryset=Unit.objects.all(),
        widget=UnitChoices,
        required=False,
    )
    lead = IdChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False)
    members = IdMultipleChoiceField(
        label=_("Team members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The units of the user's scope, and those the session already has.
        kept = Q(pk__in=session.supervised_units.values("pk")) if session else Q(pk__in=[])
        self.fields["units"].queryset = Unit.objects.filter(
            Q(pk__in=pickable_units(user, Unit.objects.all()).values("pk")) | kept
        )
        bodies = bodies_of(user)
        self.fields["body"].queryset = bodies
        people = User.objects.filter(supervisory_bodies__in=bodies).distinct().order_by("username")
        self.fields["lead"].queryset = people
        self.fields["members"].queryset = people

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("The period cannot end before it starts."))
        return data

    def session_data(self) -> SessionData:
        data = self.cleaned_data
        return SessionData(
            body_id=data["body"].pk,
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            topic=data["topic"],
            kind=data["kind"],
            period_from=data["period_from"],
            period_to=data["period_to"],
            unit_ids=[unit.pk for unit in data["units"]],
            lead_id=data["lead"].pk if data["lead"] else None,
            member_ids=[user.pk for user in data["members"]],
        )


def session_initial(session) -> dict:
    return {
        "body": session.body_id,
        "decision_number": session.decision_number,
        "decision_date": session.decision_date,
        "topic": session.topic,
        "kind": session.kind,
        "period_from": session.period_from,
        "period_to": session.period_to,
        "units": [unit.pk for unit in session.supervised_units.all()],
        "lead": session.lead_id,
        "members": [user.pk for user in session.members.all()],
    }


class WorkingSessionForm(forms.Form):
    unit = IdChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("Choose one of the supervised units.")},
    )
    date = date_field(_("Date"), _("Give the date."))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = session.supervised_units.all()
