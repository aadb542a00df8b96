"""Areas, units (with their lineage), restructuring decisions and recompute runs:
read through the same FilterSets and scope rules as the pages."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..filters import IdFilter, UnitFilter, search_q
from ..models import Area, AreaLineage, AuditEntry, RecomputeRun, Unit
from ..scope import visible_units
from ..selectors.activity import activity
from ..selectors.lineage import unit_lineage
from ..services.figures import figures_recompute_all
from .pagination import IdCursorPagination, NewestCursorPagination
from .restructurings import RestructuringSerializer


class PredecessorSerializer(serializers.ModelSerializer):
    area = serializers.IntegerField(source="predecessor_id")

    class Meta:
        model = AreaLineage
        fields = ["area", "effective_on", "decision", "main"]


class SuccessorSerializer(serializers.ModelSerializer):
    area = serializers.IntegerField(source="successor_id")

    class Meta:
        model = AreaLineage
        fields = ["area", "effective_on", "decision", "main"]


class AreaSerializer(serializers.ModelSerializer):
    """An area with its period of validity and its lineage: the areas it came
    from and those it went into (the 2025 mergers)."""

    predecessors = PredecessorSerializer(source="predecessor_links", many=True, read_only=True)
    successors = SuccessorSerializer(source="successor_links", many=True, read_only=True)

    class Meta:
        model = Area
        fields = [
            "id",
            "code",
            "name",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "predecessors",
            "successors",
        ]


class AreaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Name or code, accents optional")
    level = django_filters.ChoiceFilter(choices=Area._meta.get_field("level").choices)
    parent = IdFilter(queryset=Area.objects.all())

    class Meta:
        model = Area
        fields = ["q", "level", "parent"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value))


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """The official areas through time (valid from/to), searchable without accents."""

    queryset = Area.objects.prefetch_related("predecessor_links", "successor_links").order_by(
        "level", "code", "id"
    )
    serializer_class = AreaSerializer
    filterset_class = AreaFilter


class UnitSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    parent_name = serializers.CharField(
        source="parent.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "level",
            "sector",
            "autonomy_group",
            "area",
            "area_name",
            "parent",
            "parent_name",
            "established_on",
            "closed_on",
            "closed_by",
        ]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units with the pages' filters (area subtree through time, kind, level,
    sector, autonomy group, status, active_on, accent-free q), in the reader's
    scope; a cursor keeps deep pages fast."""

    queryset = Unit.objects.none()  # for the schema; get_queryset applies the scope
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    pagination_class = IdCursorPagination

    def get_queryset(self):
        return visible_units(self.request.user, Unit.objects.select_related("area", "parent"))

    @extend_schema(responses=RestructuringSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def lineage(self, request, pk=None):
        """The decisions that made and changed the unit and its predecessors."""
        events = unit_lineage(self.get_object())
        return Response(RestructuringSerializer(events, many=True).data)


class RecomputeRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecomputeRun
        fields = [
            "id",
            "trigger",
            "status",
            "scopes",
            "years",
            "rows",
            "progress",
            "started_at",
            "finished_at",
            "error",
        ]


class RecomputeRunViewSet(viewsets.ReadOnlyModelViewSet):
    """The figures' recompute jobs, newest first; an admin may ask for a full
    recompute (202: it runs in the worker)."""

    queryset = RecomputeRun.objects.order_by("-started_at", "-id")
    serializer_class = RecomputeRunSerializer

    @extend_schema(request=None, responses={202: None})
    def create(self, request):
        figures_recompute_all(actor=request.user)  # refuses anyone but an admin
        return Response(status=status.HTTP_202_ACCEPTED)


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "request_id",
        ]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The activity log as the activity page shows it to the reader (admins all,
    others their scope's and their own), newest first, by cursor; ?user=,
    ?object=, ?object_type=, ?request=."""

    queryset = AuditEntry.objects.none()
    serializer_class = AuditEntrySerializer
    pagination_class = NewestCursorPagination
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR)
            for name in ("user", "object", "object_type", "request")
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return activity(user=self.request.user, params=self.request.query_params)
