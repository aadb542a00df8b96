"""/api/v1/units/: units through the pages' filters and scope, with the
decisions that made them (their lineage)."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ..filters import STATUS_ALL, STATUS_CLOSED, UnitFilter
from ..models import AgencySuccession, Unit
from ..scope import visible_units
from ..selectors.lineage import unit_lineage
from ..selectors.units import unit_for_page
from ..text import parse_id
from .fields import AnswerSerializer
from .pagination import OrderedCursorPagination
from .restructurings import RestructuringSerializer


class AgencySuccessionSerializer(serializers.ModelSerializer):
    """A body taken over from (`predecessors`) or taking over (`successors`)."""

    decision = serializers.CharField(source="restructuring.decision_number", read_only=True)
    kind = serializers.CharField(source="restructuring.kind", read_only=True)

    class Meta:
        model = AgencySuccession
        fields = ["agency", "name", "effective_on", "decision", "restructuring", "kind"]


class AgencyPredecessorSerializer(AgencySuccessionSerializer):
    agency = serializers.IntegerField(source="predecessor_id", read_only=True)
    name = serializers.CharField(source="predecessor.name", read_only=True)


class AgencySuccessorSerializer(AgencySuccessionSerializer):
    agency = serializers.IntegerField(source="successor_id", read_only=True)
    name = serializers.CharField(source="successor.name", read_only=True)


class UnitSerializer(AnswerSerializer):
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


class UnitDetailSerializer(UnitSerializer):
    """A unit; for a managing body, its lineage too: the bodies it took over from
    and those that took over from it, with the decision and its date (a
    province's People's Committee took over from dozens of district bodies, so
    the list leaves them out)."""

    predecessors = AgencyPredecessorSerializer(
        source="predecessor_links", many=True, read_only=True
    )
    successors = AgencySuccessorSerializer(source="successor_links", many=True, read_only=True)

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "predecessors", "successors"]


# Before issue 21 a closed unit's detail needed ?status=all; clients that still
# send it are answered as without it (declared, so that it is not a surprise).
STATUS_IGNORED = OpenApiParameter(
    "status",
    str,
    enum=[STATUS_CLOSED, STATUS_ALL],
    deprecated=True,
    description="Ignored: a unit's detail answers whatever its status (it once "
    "needed `status=all` for a closed unit).",
)


@extend_schema_view(retrieve=extend_schema(parameters=[STATUS_IGNORED]))
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units with the pages' filters (area subtree through time, kind, level,
    sector, autonomy group, status, active_on, accent-free q), in the reader's
    scope, sorted by `o` (the id breaking ties); a cursor keeps deep pages fast."""

    queryset = Unit.objects.none()  # for the schema; get_queryset applies the scope
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    pagination_class = OrderedCursorPagination

    def get_serializer_class(self):
        return UnitDetailSerializer if self.action == "retrieve" else UnitSerializer

    def get_queryset(self):
        units = Unit.objects.select_related("area", "parent")
        if self.action == "retrieve":
            successions = AgencySuccession.objects.select_related(
                "predecessor", "successor", "restructuring"
            ).order_by("effective_on", "id")
            units = units.prefetch_related(
                Prefetch("predecessor_links", queryset=successions),
                Prefetch("successor_links", queryset=successions),
            )
        return visible_units(self.request.user, units)

    def get_object(self):
        """A unit by id whatever its status (the list's filters, which show the
        active units unless asked, are for lists): the one its page shows, to
        the readers its page shows it to."""
        pk = parse_id(self.kwargs["pk"])
        found = unit_for_page(user=self.request.user, pk=pk) if pk else None
        if found is None:
            raise NotFound
        self.check_object_permissions(self.request, found)
        return found if self.action != "retrieve" else self.get_queryset().get(pk=found.pk)

    @extend_schema(responses=RestructuringSerializer(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def lineage(self, request, pk=None):
        """The decisions that made and changed the unit and its predecessors."""
        events = unit_lineage(self.get_object())
        return Response(RestructuringSerializer(events, many=True).data)
