"""Which plans a reader sees (issue 21, point 15): plans follow the reader's
scope as sessions do. Everyone signed in reads every plan but an official with
a scope, who reads the plans of an area of that scope (for an agency scope, its
area) and those with a task for a unit inside it."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from units.models import User
from units.scope import area_ids, reads_own_scope_only, scope_q

from .models import Plan, PlanTask


def visible_plans(user: User, queryset: QuerySet[Plan]) -> QuerySet[Plan]:
    if not reads_own_scope_only(user) or not (user.scope_area_id or user.scope_unit_id):
        return queryset
    tasks_in_scope = PlanTask.objects.filter(plan=OuterRef("pk")).filter(
        scope_q(user, "responsible_unit__")
    )
    if user.scope_area_id:
        of_area = Q(area_id__in=area_ids(user.scope_area))
    else:
        of_area = Q(area_id=user.scope_unit.area_id)
    return queryset.filter(of_area | Exists(tasks_in_scope))


def may_read_plan(user: User, plan: Plan) -> bool:
    if not user.is_authenticated:
        return False
    return visible_plans(user, Plan.objects.filter(pk=plan.pk)).exists()
