"""Plans in the API: read in the reader's scope (issue 21, point 15), their
progress as an exact decimal; created and edited with their tasks through the
plan page's service (the clerks of the plan's area, audited)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response as ApiResponse

from units.api.fields import id_field, record_date_field
from units.models import Area

from ..choices import TaskStatus
from ..forms.report import MAX_ROWS
from ..models import Plan, PlanTask
from ..permissions import may_create_plan, may_edit_plan
from ..plan_scope import visible_plans
from ..selectors.plans import responsible_choices
from ..services.plans import TaskRow, plan_save


class PlanTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTask
        fields = ["title", "responsible_unit", "due_on", "progress", "status", "weight"]


def exact_progress(tasks: list[PlanTask]) -> Decimal | None:
    """The tasks' progress averaged with their weights, half-up to 2 decimals."""
    total = sum(task.weight for task in tasks)
    if not total:
        return None
    weighted = Decimal(sum(task.progress * task.weight for task in tasks))
    return (weighted / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


class ProgressField(serializers.DecimalField):
    """The plan's progress in % as an exact decimal string ("40.00"); null
    without tasks."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=5,
            decimal_places=2,
            coerce_to_string=True,
            read_only=True,
            allow_null=True,
            source="tasks",
            **kwargs,
        )

    def to_representation(self, tasks):
        value = exact_progress(list(tasks.all()))
        return None if value is None else super().to_representation(value)


class PlanSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    progress = ProgressField()
    tasks = PlanTaskSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "number",
            "date",
            "issuer",
            "title",
            "implements",
            "area",
            "area_name",
            "progress",
            "tasks",
        ]


class TaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    responsible_unit = id_field(required=False, allow_null=True, default=None)
    due_on = record_date_field(required=False, allow_null=True, default=None)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False, default=1)


class PlanInput(serializers.Serializer):
    """A plan as the plan form saves it: its tasks replaced as listed; a task's
    responsible unit is an agency of the plan's area."""

    number = serializers.CharField(max_length=100)
    date = record_date_field()
    issuer = serializers.CharField(max_length=255)
    title = serializers.CharField(max_length=500)
    implements = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    area = id_field()
    tasks = TaskInput(many=True, required=False, default=list, max_length=MAX_ROWS)

    def validate_area(self, value):
        area = Area.objects.filter(pk=value).first()
        if area is None:
            raise serializers.ValidationError(_("No such area."))
        return area

    def validate(self, data):
        wanted = {row["responsible_unit"] for row in data["tasks"]} - {None}
        allowed = set(
            responsible_choices(data["area"]).filter(pk__in=wanted).values_list("pk", flat=True)
        )
        errors = {
            f"tasks.{i}.responsible_unit": [_("Choose an agency of the plan's area.")]
            for i, row in enumerate(data["tasks"])
            if row["responsible_unit"] is not None and row["responsible_unit"] not in allowed
        }
        if errors:
            raise serializers.ValidationError(errors)
        return data

    def save_kwargs(self) -> dict:
        data = self.validated_data
        fields = ("number", "date", "issuer", "title", "implements", "area")
        return {
            "data": {name: data[name] for name in fields},
            "tasks": [
                TaskRow(
                    title=row["title"],
                    responsible_unit_id=row["responsible_unit"],
                    due_on=row["due_on"],
                    progress=row["progress"],
                    status=row["status"],
                    weight=row["weight"],
                )
                for row in data["tasks"]
            ],
        }


def plan_values(plan: Plan) -> dict:
    """The plan as PlanInput reads it: what a PATCH leaves as it was."""
    return {
        "number": plan.number,
        "date": plan.date,
        "issuer": plan.issuer,
        "title": plan.title,
        "implements": plan.implements,
        "area": plan.area_id,
        "tasks": [
            {
                "title": task.title,
                "responsible_unit": task.responsible_unit_id,
                "due_on": task.due_on,
                "progress": task.progress,
                "status": task.status,
                "weight": task.weight,
            }
            for task in plan.tasks.all()
        ],
    }


class PlanViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Plans the reader may see, with their tasks; clerks keep those of their
    area (admins all)."""

    queryset = Plan.objects.none()  # for the schema; get_queryset applies the scope
    serializer_class = PlanSerializer

    def get_queryset(self):
        plans = Plan.objects.select_related("area").prefetch_related("tasks")
        return visible_plans(self.request.user, plans).order_by("-date", "-id")

    def _answer(self, plan_id: int, code=status.HTTP_200_OK) -> ApiResponse:
        plan = Plan.objects.select_related("area").prefetch_related("tasks").get(pk=plan_id)
        return ApiResponse(PlanSerializer(plan).data, status=code)

    @extend_schema(request=PlanInput, responses={201: PlanSerializer})
    def create(self, request, *args, **kwargs):
        """A new plan with its tasks, for an area of your scope."""
        if not may_create_plan(request.user):
            raise PermissionDenied
        incoming = PlanInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        plan = plan_save(actor=request.user, plan_id=None, **incoming.save_kwargs())
        return self._answer(plan.pk, status.HTTP_201_CREATED)

    @extend_schema(request=PlanInput(partial=True), responses=PlanSerializer)
    def partial_update(self, request, *args, **kwargs):
        """The fields sent; the others stay as they are."""
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=PlanInput, responses=PlanSerializer)
    def update(self, request, *args, **kwargs):
        """The plan and its tasks (PUT: all of it, the tasks replaced as listed;
        PATCH: the fields sent, `tasks` replaced only when sent)."""
        plan = self.get_object()
        if not may_edit_plan(request.user, plan):
            raise PermissionDenied
        data = request.data
        if kwargs.get("partial") and isinstance(data, dict):
            data = {**plan_values(plan), **data}
        incoming = PlanInput(data=data)
        incoming.is_valid(raise_exception=True)
        plan_save(actor=request.user, plan_id=plan.pk, **incoming.save_kwargs())
        return self._answer(plan.pk)
