"""Restructuring decisions in the API: read them, apply one (or only plan it
with ?dry_run=1) through the same service and rules as the guided form, and
reverse one with a reason. A unit another decision closed first is a 409."""

from django.db import transaction
from django.db.models import Count, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ..choices import RestructuringKind
from ..filters import RestructuringFilter
from ..models import Restructuring, RestructuringLink
from ..scope import may_restructure, visible_restructurings
from ..services.restructuring_rules import (
    Decision,
    NewUnit,
    can_restructure,
    restructuring_plan,
)
from ..services.restructurings import restructuring_apply, restructuring_reverse
from .fields import id_field


class LinkSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = RestructuringLink
        fields = ["unit", "unit_name", "role", "staff_moved"]


DECISION_FIELDS = (
    "id",
    "kind",
    "decision_number",
    "decided_on",
    "effective_on",
    "authority",
    "note",
    "new_parent",
    "new_area",
    "created_at",
    "reversed_at",
)


class RestructuringSerializer(serializers.ModelSerializer):
    links = LinkSerializer(many=True, read_only=True)

    class Meta:
        model = Restructuring
        fields = [*DECISION_FIELDS, "links"]


class RestructuringRowSerializer(serializers.ModelSerializer):
    """A decision in a list: its links counted, not listed (GET one for them)."""

    link_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Restructuring
        fields = [*DECISION_FIELDS, "link_count"]


class DecisionInput(serializers.Serializer):
    number = serializers.CharField(max_length=80)
    decided_on = serializers.DateField()
    effective_on = serializers.DateField()
    authority = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NewUnitInput(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    kind = serializers.CharField(required=False, allow_blank=True, default="")
    sector = serializers.CharField(required=False, allow_blank=True, default="")
    autonomy_group = serializers.IntegerField(required=False, allow_null=True, default=None)
    parent_id = id_field(required=False, allow_null=True, default=None)
    area_id = id_field(required=False, allow_null=True, default=None)
    level = serializers.CharField(required=False, allow_blank=True, default="")
    staff_moved = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0
    )


class RestructuringInput(serializers.Serializer):
    """One decision as the guided form records it."""

    kind = serializers.ChoiceField(choices=RestructuringKind.choices)
    decision = DecisionInput()
    source_ids = serializers.ListField(child=id_field(), required=False, default=list)
    target_id = id_field(required=False, allow_null=True, default=None)
    new_units = NewUnitInput(many=True, required=False, default=list)
    new_parent_id = id_field(required=False, allow_null=True, default=None)
    new_area_id = id_field(required=False, allow_null=True, default=None)
    new_name = serializers.CharField(required=False, allow_blank=True, default="")

    def plan_kwargs(self) -> dict:
        data = self.validated_data
        kwargs = {
            "kind": data["kind"],
            "decision": Decision(**data["decision"]),
            "source_ids": data["source_ids"],
            "target_id": data["target_id"],
            "new_units": [NewUnit(**unit) for unit in data["new_units"]],
            "new_parent_id": data["new_parent_id"],
            "new_area_id": data["new_area_id"],
        }
        if data["new_name"]:
            kwargs["rename"] = {"name": data["new_name"]}
        return kwargs


class RestructuringPlanUnitSerializer(serializers.Serializer):
    """A unit the decision touches, as it stands."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    area = serializers.IntegerField(source="area_id")


class RestructuringPlanNewUnitSerializer(serializers.Serializer):
    """A unit the decision would create (no id yet)."""

    name = serializers.CharField()
    area = serializers.IntegerField(source="area_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)


class RestructuringPlanCountChangeSerializer(serializers.Serializer):
    """How the count of service units of an area (and of each area above it)
    would change."""

    area = serializers.IntegerField(source="area.pk")
    code = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    change = serializers.IntegerField()


class RestructuringPlanSerializer(serializers.Serializer):
    """What a decision would do, written nowhere (?dry_run=1): the units that
    cease, those created, the target that takes over, the count change per area."""

    kind = serializers.ChoiceField(choices=RestructuringKind.choices)
    ceasing = RestructuringPlanUnitSerializer(many=True)
    created = RestructuringPlanNewUnitSerializer(many=True)
    target = RestructuringPlanUnitSerializer(allow_null=True)
    count_change = RestructuringPlanCountChangeSerializer(many=True)


def plan_data(plan) -> dict:
    """What a restructuring would do, for a dry run."""
    return RestructuringPlanSerializer(
        {
            "kind": plan.kind,
            "ceasing": plan.ceasing,
            "created": [unit for unit in plan.results if unit.pk is None],
            "target": plan.target,
            "count_change": [{"area": area, "change": change} for area, change in plan.deltas()],
        }
    ).data


class DryRunInput(serializers.Serializer):
    """?dry_run=1 (true, yes, on…): plan only. A value that is not a yes or a
    no is a 400, never taken for a no (which writes)."""

    dry_run = serializers.BooleanField(required=False, default=False)


class ReverseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _check_may_write(user) -> None:
    if not may_restructure(user):
        raise PermissionDenied


class RestructuringViewSet(viewsets.ReadOnlyModelViewSet):
    """Recorded decisions (one row per part of a decision), with the units they
    touch and each one's role."""

    queryset = Restructuring.objects.none()
    serializer_class = RestructuringSerializer
    filterset_class = RestructuringFilter
    # The service names the decision's fields as the model does; the API's
    # input nests them under "decision".
    error_paths = {
        "decision_number": "decision.number",
        "decided_on": "decision.decided_on",
        "effective_on": "decision.effective_on",
        "authority": "decision.authority",
        "note": "decision.note",
    }

    def get_queryset(self):
        queryset = Restructuring.objects.all()
        if self.action != "list":  # a bulk decision has thousands of links
            links = RestructuringLink.objects.select_related("unit")
            queryset = queryset.prefetch_related(Prefetch("links", queryset=links))
        else:
            queryset = queryset.annotate(link_count=Count("links"))
        return visible_restructurings(self.request.user, queryset).order_by("-effective_on", "-id")

    def get_serializer_class(self):
        return RestructuringRowSerializer if self.action == "list" else RestructuringSerializer

    def filter_queryset(self, queryset):
        """`o` sorts; the id breaks its ties, so that no row moves between pages."""
        queryset = super().filter_queryset(queryset)
        ordering = [field for field in queryset.query.order_by if field not in ("id", "-id")]
        return queryset.order_by(*ordering, "-id")

    @extend_schema(
        request=RestructuringInput,
        parameters=[
            OpenApiParameter(
                "dry_run", OpenApiTypes.BOOL, description="Plan only: nothing is written"
            )
        ],
        responses={201: RestructuringSerializer, 200: RestructuringPlanSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Apply a decision (201), or with ?dry_run=1 return what it would do
        (units that cease, units created, count change per area) without writing."""
        _check_may_write(request.user)
        # A plain dict: from a QueryDict, an empty ?dry_run= would read as a no.
        flags = DryRunInput(data=request.query_params.dict())
        flags.is_valid(raise_exception=True)
        incoming = RestructuringInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        plan_kwargs = incoming.plan_kwargs()
        if flags.validated_data["dry_run"]:
            plan = restructuring_plan(**plan_kwargs)
            if not can_restructure(request.user, plan):
                raise PermissionDenied
            return Response(plan_data(plan))
        # The answer is read in the write's transaction: a connection lost
        # after the commit would answer 503 for a decision that was recorded,
        # and the client's retry would be refused (issue 22, point 5).
        with transaction.atomic():
            restructuring = restructuring_apply(actor=request.user, **plan_kwargs)
            saved = self.get_queryset().get(pk=restructuring.pk)
            data = RestructuringSerializer(saved).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReverseInput, responses=RestructuringSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Annul a decision that nothing later depends on, with the reason."""
        _check_may_write(request.user)
        restructuring = self.get_object()
        incoming = ReverseInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():  # the answer read before the commit, as in `create`
            restructuring_reverse(
                restructuring_id=restructuring.pk,
                actor=request.user,
                reason=incoming.validated_data["reason"],
            )
            data = RestructuringSerializer(self.get_queryset().get(pk=restructuring.pk)).data
        return Response(data)
