"""/api/v1/units/: units through the pages' filters and scope, with the
decisions that made them (their lineage)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..filters import UnitFilter
from ..models import Unit
from ..scope import visible_units
from ..selectors.lineage import unit_lineage
from .pagination import IdCursorPagination
from .restructurings import RestructuringSerializer


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
