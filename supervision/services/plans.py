"""Plans and their tasks: saved as the clerk edits them, all or nothing, audited."""

import dataclasses
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from units.audit import audit_record, snapshot
from units.models import User

from ..models import Plan, PlanTask
from ..permissions import may_create_plan, may_edit_plan
from ..versions import supervision_changed

PLAN_FIELDS = ("number", "date", "issuer", "title", "implements", "area")
TASK_FIELDS = ("title", "responsible_unit", "due_on", "progress", "status", "weight")


@dataclasses.dataclass
class TaskRow:
    title: str
    responsible_unit_id: int | None
    due_on: dt.date | None
    progress: int
    status: str
    weight: int = 1


def _snapshot(plan: Plan) -> dict:
    data = snapshot(plan, PLAN_FIELDS)
    data["tasks"] = [snapshot(task, TASK_FIELDS) for task in plan.tasks.all()]
    return data


@transaction.atomic
def plan_save(*, actor: User, plan_id: int | None, data: dict, tasks: list[TaskRow]) -> Plan:
    """Create or update a plan with its tasks (replaced as listed). Errors are
    keyed by field or by task row ("tasks.2.progress")."""
    if plan_id is None:
        if not may_create_plan(actor):
            raise PermissionDenied
        plan, before = Plan(created_by=actor), None
    else:
        plan = Plan.objects.select_for_update().get(pk=plan_id)
        if not may_edit_plan(actor, plan):
            raise PermissionDenied
        before = _snapshot(plan)
    for name, value in data.items():
        setattr(plan, name, value)
    errors = {}
    if not may_edit_plan(actor, plan):  # the area chosen lies outside the scope
        errors["area"] = [_("This area lies outside your scope.")]
    try:
        plan.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    built = []
    for i, row in enumerate(tasks):
        task = PlanTask(
            title=row.title.strip(),
            responsible_unit_id=row.responsible_unit_id,
            due_on=row.due_on,
            progress=row.progress,
            status=row.status,
            weight=row.weight,
            position=i,
        )
        try:
            task.full_clean(exclude=["plan"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                errors[f"tasks.{i}.{field}"] = problems
        built.append(task)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # the same number saved meanwhile
        raise ValidationError(
            {"number": [_("This area already has a plan with this number.")]}
        ) from None
    plan.tasks.all().delete()
    for task in built:
        task.plan = plan
    PlanTask.objects.bulk_create(built)
    action = "plan.create" if before is None else "plan.update"
    audit_record(actor=actor, action=action, obj=plan, before=before, after=_snapshot(plan))
    supervision_changed()
    return plan
