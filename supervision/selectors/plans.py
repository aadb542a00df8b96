"""Plans with their progress: the tasks' progress averaged with their weights."""

from django.db.models import F, FloatField, QuerySet, Sum
from django.db.models.functions import Cast

from units.models import Area, Unit
from units.scope import area_ids

from ..models import Plan, PlanTask


def plan_list() -> QuerySet[Plan]:
    weighted = Sum(F("tasks__progress") * F("tasks__weight"))
    return (
        Plan.objects.select_related("area")
        .annotate(weights=Sum("tasks__weight"), weighted=weighted)
        .annotate(progress=Cast(F("weighted"), FloatField()) / F("weights"))
    )


def plan_progress(tasks: list[PlanTask]) -> float | None:
    total = sum(task.weight for task in tasks)
    if not total:
        return None
    return round(sum(task.progress * task.weight for task in tasks) / total, 1)


def responsible_choices(area: Area | None) -> QuerySet[Unit]:
    """Agencies that may be responsible for a task: those of the plan's area
    (none until the area is chosen: the whole country's would be thousands)."""
    if area is None:
        return Unit.objects.none()
    agencies = Unit.objects.agencies().filter(area_id__in=area_ids(area))
    return agencies.select_related("area").order_by("name_folded")
