"""What a client sends to write a session: its decision (as the session form),
its result report (as the report page), a working session, publishing, the
next state. Ids and dates are bounded like every input of the API."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from units.api.fields import id_field, id_list_field, record_date_field
from units.models import Unit, User

from ..choices import FindingKind, SessionKind, SessionStatus
from ..forms.report import MAX_ROWS
from ..models import SupervisoryBody
from ..permissions import bodies_of
from ..services.report import FindingRow, RecommendationRow
from ..services.sessions import SessionData

YEAR = {"min_value": 1975, "max_value": 2100}


class SessionInput(serializers.Serializer):
    """A session as its decision orders it; `units` are the supervised units,
    `lead` and `members` people of a body the writer supervises."""

    body = id_field()
    decision_number = serializers.CharField(max_length=100)
    decision_date = record_date_field()
    topic = serializers.CharField(max_length=500)
    kind = serializers.ChoiceField(choices=SessionKind.choices, default=SessionKind.THEMATIC)
    period_from = serializers.IntegerField(**YEAR)
    period_to = serializers.IntegerField(**YEAR)
    units = id_list_field(required=False, default=list)
    lead = id_field(required=False, allow_null=True, default=None)
    members = id_list_field(required=False, default=list)

    def validate_body(self, value):
        if not SupervisoryBody.objects.filter(pk=value).exists():
            raise serializers.ValidationError(_("No such supervisory body."))
        return value

    def validate_units(self, value):
        found = set(Unit.objects.filter(pk__in=value).values_list("pk", flat=True))
        if set(value) - found:
            raise serializers.ValidationError(
                _("No such unit: %(ids)s.") % {"ids": _ids(value, found)}
            )
        return list(dict.fromkeys(value))

    def _people(self, value: list[int]) -> list[int]:
        actor = self.context["request"].user
        people = User.objects.filter(supervisory_bodies__in=bodies_of(actor), pk__in=value)
        found = set(people.values_list("pk", flat=True))
        if set(value) - found:
            raise serializers.ValidationError(
                _("Choose members of a body you supervise: %(ids)s.") % {"ids": _ids(value, found)}
            )
        return list(dict.fromkeys(value))

    def validate_lead(self, value):
        return None if value is None else self._people([value])[0]

    def validate_members(self, value):
        return self._people(value)

    def validate(self, data):
        if data["period_from"] > data["period_to"]:
            raise serializers.ValidationError(
                {"period_to": [_("The period cannot end before it starts.")]}
            )
        return data

    def session_data(self) -> SessionData:
        data = self.validated_data
        return SessionData(
            body_id=data["body"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            topic=data["topic"],
            kind=data["kind"],
            period_from=data["period_from"],
            period_to=data["period_to"],
            unit_ids=data["units"],
            lead_id=data["lead"],
            member_ids=data["members"],
        )


def _ids(sent: list[int], found: set[int]) -> str:
    return ", ".join(str(pk) for pk in dict.fromkeys(sent) if pk not in found)


class FindingInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FindingKind.choices)
    text = serializers.CharField(max_length=20_000, allow_blank=True, trim_whitespace=False)
    unit = id_field(required=False, allow_null=True, default=None)


class ReportRecommendationInput(serializers.Serializer):
    """A recommendation of the report: `id` to rewrite a saved one (left out: a
    new one); saved ones not listed are removed, if nothing answered them."""

    id = id_field(required=False, allow_null=True, default=None)
    unit = id_field(allow_null=True)
    text = serializers.CharField(max_length=20_000, allow_blank=True, trim_whitespace=False)
    due = record_date_field(allow_null=True)
    priority = serializers.BooleanField(required=False, default=False)


class ReportInput(serializers.Serializer):
    """The whole report as the report page saves it: the header, the findings
    (replaced) and the recommendations; all or nothing."""

    report_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    report_date = record_date_field(required=False, allow_null=True)
    report_place = serializers.CharField(max_length=100, required=False, allow_blank=True)
    general_info = serializers.CharField(max_length=100_000, required=False, allow_blank=True)
    situation = serializers.CharField(max_length=100_000, required=False, allow_blank=True)
    conclusions = serializers.CharField(max_length=100_000, required=False, allow_blank=True)
    findings = FindingInput(many=True, required=False, default=list, max_length=MAX_ROWS)
    recommendations = ReportRecommendationInput(
        many=True, required=False, default=list, max_length=MAX_ROWS
    )

    def rows(self) -> dict:
        """report_file's keyword arguments but the actor and the session."""
        data = self.validated_data
        header_names = (
            "report_number",
            "report_date",
            "report_place",
            "general_info",
            "situation",
            "conclusions",
        )
        return {
            "header": {name: data.get(name) for name in header_names},
            "findings": [
                FindingRow(kind=row["kind"], text=row["text"], unit_id=row["unit"])
                for row in data["findings"]
            ],
            "recommendations": [
                RecommendationRow(
                    unit_id=row["unit"],
                    text=row["text"],
                    due=row["due"],
                    priority=row["priority"],
                    pk=row["id"],
                )
                for row in data["recommendations"]
            ],
        }


class WorkingSessionInput(serializers.Serializer):
    unit = id_field()
    date = record_date_field()
    place = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class PublishInput(serializers.Serializer):
    publish = serializers.BooleanField()


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=SessionStatus.choices)
