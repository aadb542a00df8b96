"""Staffing and reduction figures in the API. Staffing: a filtered list, and a
bulk upsert through the grid's service — all rows or none, errors per row.
Figures: the snapshot by scope, year and sector, with an ETag and
Last-Modified tied to the snapshot's version (304 when unchanged)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from ..choices import Sector, StaffingCategory
from ..models import RecomputeRun, ReductionFigure, StaffingFigure, Unit
from ..models.staffing import FIRST_YEAR, LAST_YEAR
from ..scope import visible_units
from ..services.staffing import StaffingRow, may_enter_staffing, staffing_save
from ..text import parse_id
from ..versions import digest
from .fields import AnswerSerializer, id_field

SECTORS = {*Sector.values, "", ReductionFigure.ALL}


class StaffingFigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffingFigure
        fields = [
            "id",
            "unit",
            "year",
            "category",
            "assigned",
            "actual",
            "streamlined",
            "decision_number",
            "actual_on",
        ]


class StaffingRowInput(serializers.Serializer):
    unit = id_field()
    category = serializers.ChoiceField(choices=StaffingCategory.choices)
    assigned = serializers.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    actual = serializers.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    streamlined = serializers.IntegerField(min_value=0, required=False, default=0)
    decision_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    actual_on = serializers.DateField(required=False, allow_null=True, default=None)


class StaffingBulkInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    rows = StaffingRowInput(many=True, allow_empty=False, max_length=20_000)


class StaffingViewSet(viewsets.ReadOnlyModelViewSet):
    """Staffing figures of the units the reader sees, by year, unit and category."""

    queryset = StaffingFigure.objects.none()
    serializer_class = StaffingFigureSerializer
    filterset_fields = ["year", "unit", "category"]

    def get_queryset(self):
        units = visible_units(self.request.user, Unit.objects.all())
        return StaffingFigure.objects.filter(unit__in=units).order_by("year", "unit_id", "id")

    @extend_schema(
        request=StaffingBulkInput,
        responses=inline_serializer(
            "StaffingBulkResult",
            {
                "created": serializers.IntegerField(),
                "changed": serializers.IntegerField(),
                "unchanged": serializers.IntegerField(),
            },
        ),
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Create or change many figures of one year in one request: all or
        nothing; each error names its row and field (`rows.3.assigned`)."""
        if not may_enter_staffing(request.user):
            raise PermissionDenied
        incoming = StaffingBulkInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        rows = [
            StaffingRow(
                unit_id=row["unit"],
                category=row["category"],
                assigned=row["assigned"],
                actual=row["actual"],
                streamlined=row["streamlined"],
                decision_number=row["decision_number"],
                actual_on=row["actual_on"],
            )
            for row in data["rows"]
        ]
        # Filed in the audit log under the token that sent it (or the user).
        about = request.auth if request.auth is not None else request.user
        try:
            result = staffing_save(actor=request.user, year=data["year"], rows=rows, about=about)
        except DjangoValidationError as error:
            raise ValidationError(_per_row(error)) from None
        return Response(result, status=status.HTTP_200_OK)


def _per_row(error) -> dict:
    """The service's "3.assigned" keys as {"rows": {"3": {"assigned": [...]}}}."""
    rows: dict = {}
    other: dict = {}
    for key, messages in error.message_dict.items():
        index, _dot, field = key.partition(".")
        if index.isdigit():
            rows.setdefault(index, {})[field or "non_field_errors"] = messages
        else:
            other[key] = messages
    return {"rows": rows, **other} if rows else other


class ReductionFigureSerializer(AnswerSerializer):
    class Meta:
        model = ReductionFigure
        fields = [
            "scope",
            "agency",
            "year",
            "sector",
            "units",
            "autonomous",
            "staff_assigned",
            "staff_actual",
            "staff_vacancy",
        ]


# Conditional requests: the validators sent back, and those the answer carries
# (on a 304 too). No Last-Modified before the first recompute has finished.
CONDITIONAL = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The ETag of a previous answer: 304 while the snapshot is unchanged",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The Last-Modified of a previous answer (an HTTP date): 304 "
        "unless a recompute finished since (If-None-Match takes precedence)",
    ),
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description="The snapshot's version for this query",
    ),
    OpenApiParameter(
        "Last-Modified",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="When the last recompute finished (an HTTP date)",
    ),
]


class FigureViewSet(viewsets.GenericViewSet):
    """The reduction snapshot: ?scope=<area id> or ?agency=<agency id> (neither:
    the nation), ?year=, ?sector= ("*" for all sectors). Conditional requests
    are answered 304 while the snapshot is unchanged."""

    queryset = ReductionFigure.objects.none()
    serializer_class = ReductionFigureSerializer
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", OpenApiTypes.INT, description="An area's id"),
            OpenApiParameter("agency", OpenApiTypes.INT, description="An agency's id"),
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter(
                "sector", OpenApiTypes.STR, description="A sector's code, or `*` for all"
            ),
            *CONDITIONAL,
        ],
        responses={
            200: ReductionFigureSerializer(many=True),
            304: OpenApiResponse(description="Not modified since the ETag or date sent"),
        },
    )
    def list(self, request):
        params = request.query_params
        queryset = ReductionFigure.objects.order_by("year", "sector")
        scope, agency = parse_id(params.get("scope", "")), parse_id(params.get("agency", ""))
        for name, value in (("scope", scope), ("agency", agency)):
            if params.get(name) and value is None:
                raise ValidationError({name: [_("Give the id of an area or an agency.")]})
        if scope is None and agency is None:
            queryset = queryset.filter(nation=True)  # flagged: the planner counts them right
        else:
            queryset = queryset.filter(scope_id=scope, agency_id=agency)
        if params.get("year"):
            year = parse_id(params["year"])
            if year is None:
                raise ValidationError({"year": [_("Give a year such as 2023.")]})
            queryset = queryset.filter(year=year)
        if params.get("sector"):
            if params["sector"] not in SECTORS:
                raise ValidationError({"sector": [_("Give a sector's code, or * for all.")]})
            queryset = queryset.filter(sector=params["sector"])
        # The snapshot changes only with a finished run: its id and time, and
        # the query, make the ETag (whatever the cache holds).
        run = (
            RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE, finished_at__isnull=False)
            .order_by("-finished_at", "-id")
            .values_list("id", "finished_at")
            .first()
        )
        etag = quote_etag(digest(run, sorted(params.lists())))
        headers = {"ETag": etag, "Vary": "Accept-Language, Cookie, Authorization"}
        if run:
            headers["Last-Modified"] = http_date(run[1].timestamp())
        unchanged = get_conditional_response(
            request._request, etag=etag, last_modified=run[1].timestamp() if run else None
        )
        if unchanged is not None and unchanged.status_code == 304:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        for name, value in headers.items():
            response[name] = value
        return response
