"""A scope's figures over a window, as the dashboard reads them: the headline
(base, now, change, percent), the waterfall with the decisions behind each bar
(a link to the restructurings that make it), the targets with progress, and
where the pace leads against them (foresight)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..choices import Sector
from ..models import Area, ReductionFigure, Unit
from ..selectors.dashboards import dashboard
from ..selectors.foresight import scope_foresight
from ..text import parse_id
from .fields import percent_field


class SummaryHead(serializers.Serializer):
    """The headline: counts as integers, percentages as exact decimal strings."""

    units_base = serializers.IntegerField()
    units_now = serializers.IntegerField()
    units_reduced = serializers.IntegerField()
    units_percent = percent_field(allow_null=True)
    staff_base = serializers.IntegerField()
    staff_now = serializers.IntegerField()
    staff_percent = percent_field(allow_null=True)
    staff_actual = serializers.IntegerField()
    staff_vacancy = serializers.IntegerField()
    autonomous_share = percent_field(allow_null=True)


class SummaryTarget(serializers.Serializer):
    """A target with its progress: the percentages as exact decimal strings."""

    metric = serializers.CharField(source="target.metric")
    base_year = serializers.IntegerField(source="target.base_year")
    target_year = serializers.IntegerField(source="target.target_year")
    percent = percent_field(source="target.percent")
    achieved = percent_field(allow_null=True)
    progress = percent_field(allow_null=True)
    gap = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField()
    missing = serializers.CharField()


class SummaryBar(serializers.Serializer):
    """A bar of the waterfall: the base, a kind of change, what the registry
    changed without a decision, now; `running` is the count after it."""

    label = serializers.CharField(help_text="In the request's language")
    value = serializers.IntegerField()
    running = serializers.IntegerField()
    kind = serializers.CharField(
        allow_blank=True,
        help_text="A restructuring's kind, `succession` (units handed to a successor "
        "body), or empty for the base, the unrecorded changes and now",
    )
    decisions = serializers.CharField(
        allow_null=True, help_text="The restructurings behind the bar (a relative URL), or null"
    )


def _decimal(**kwargs) -> serializers.DecimalField:
    """A rounded decimal as an exact string ("-3.20"), never a float."""
    return percent_field(**kwargs)


class ForesightPace(serializers.Serializer):
    """The yearly change over the last `years` years (negative: a reduction)."""

    years = serializers.IntegerField(help_text="N: the yearly changes the pace is read over")
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    per_year = _decimal(help_text="The mean yearly change, rounded half-up to 2 decimals")
    slowest = serializers.IntegerField(help_text="The largest single year's change")
    fastest = serializers.IntegerField(help_text="The smallest single year's change")


class ForesightProjection(serializers.Serializer):
    """A reduction target seen from the last year with a figure (`year`)."""

    base_value = serializers.IntegerField()
    goal = serializers.IntegerField(help_text="The value the target asks for")
    year = serializers.IntegerField()
    value = serializers.IntegerField()
    gap = serializers.IntegerField(help_text="Still to go from `value` to `goal`")
    pace = ForesightPace(allow_null=True, help_text="Null with a single year of figures")
    remaining_years = serializers.IntegerField()
    projected = serializers.IntegerField(
        allow_null=True, help_text="At the target year at the pace; null once it has passed"
    )
    projected_low = serializers.IntegerField(allow_null=True, help_text="At the fastest year's")
    projected_high = serializers.IntegerField(allow_null=True, help_text="At the slowest year's")
    at_target = serializers.IntegerField(
        allow_null=True, help_text="The target year's figure, once it has passed"
    )
    met_in = serializers.IntegerField(
        allow_null=True, help_text="The year the goal is (or was) met; null: not within the horizon"
    )
    needed_per_year = serializers.IntegerField(
        allow_null=True, help_text="The gap over the remaining years, rounded up; null: overdue"
    )


class ForesightTarget(serializers.Serializer):
    metric = serializers.CharField(source="target.metric")
    base_year = serializers.IntegerField(source="target.base_year")
    target_year = serializers.IntegerField(source="target.target_year")
    percent = percent_field(source="target.percent")
    missing = serializers.CharField(source="progress.missing")
    projection = ForesightProjection(allow_null=True)


class SummaryForesight(serializers.Serializer):
    """Where the pace leads against the unit and staff targets (issue 23)."""

    year = serializers.IntegerField(help_text="The figures are read up to this year")
    window = serializers.IntegerField(help_text="The most years the pace is read over")
    horizon = serializers.IntegerField(help_text="Years ahead a target may still be met")
    method = serializers.CharField(help_text="In the request's language")
    targets = ForesightTarget(many=True, source="rows")


class FigureSummary(serializers.Serializer):
    head = SummaryHead()
    waterfall = SummaryBar(many=True)
    targets = SummaryTarget(many=True)
    foresight = SummaryForesight()


def _int(params, name: str, default=None):
    if name not in params:
        return default
    value = parse_id(params[name])
    if value is None:
        raise ValidationError({name: [_("Give a whole number.")]})
    return value


def _link(url: str, kind: str, where: dict, window: dict) -> str | None:
    """The restructurings behind a bar (none for the base, the total, and the
    changes recorded without a decision)."""
    return f"{url}?{urlencode({'kind': kind, **where, **window})}" if kind else None


class FigureSummaryView(APIView):
    """?scope=<area id> or ?agency=<agency id> (neither: the nation),
    ?year= (this year), ?base_year= (2015), ?sector= ("*")."""

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.INT)
            for name in ("scope", "agency", "year", "base_year")
        ]
        + [
            OpenApiParameter(
                "sector", OpenApiTypes.STR, description="A sector's code, or `*` for all"
            )
        ],
        responses=FigureSummary,
    )
    def get(self, request):
        params = request.query_params
        year = _int(params, "year", timezone.localdate().year)
        base_year = _int(params, "base_year", 2015)
        if not 2000 <= base_year <= year <= 2100:
            raise ValidationError({"year": [_("The base year comes before the year, 2000–2100.")]})
        scope_id, agency_id = _int(params, "scope"), _int(params, "agency")
        area = Area.objects.filter(pk=scope_id).first() if scope_id else None
        if agency_id:
            area = Unit.objects.agencies().filter(pk=agency_id).first()
        if (scope_id or agency_id) and area is None:
            raise ValidationError({"scope": [_("No such area or agency.")]})
        sector = params.get("sector", ReductionFigure.ALL)
        if sector not in {*Sector.values, "", ReductionFigure.ALL}:
            raise ValidationError({"sector": [_("Give a sector's code, or * for all.")]})
        data = dashboard(area=area, year=year, base_year=base_year, sector=sector)
        decisions = reverse("restructuring-list")
        where = {"agency": agency_id} if agency_id else ({"area": scope_id} if scope_id else {})
        window = {"effective_from": f"{base_year + 1}-01-01", "effective_to": f"{year}-12-31"}
        summary = {
            "head": data["head"],
            "waterfall": [
                {
                    "label": bar.label,
                    "value": bar.value,
                    "running": bar.running,
                    "kind": bar.kind,
                    "decisions": _link(decisions, bar.decisions_kind, where, window),
                }
                for bar in data["waterfall"]
            ],
            "targets": data["targets"],
            "foresight": scope_foresight(data, year=year),
        }
        return Response(FigureSummary(summary).data)
