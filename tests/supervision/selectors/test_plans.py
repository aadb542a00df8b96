"""A plan's progress is the average of its tasks weighted as the clerk sets."""

import pytest

from supervision.selectors.plans import plan_list, plan_progress
from supervision.services.plans import plan_save
from tests.supervision.conftest import plan_data, plan_task
from units.models import AuditEntry


def test_the_progress_is_the_weighted_average_of_the_tasks(clerk, district):
    plan = plan_save(
        actor=clerk,
        plan_id=None,
        data=plan_data(district),
        tasks=[plan_task(100, 1), plan_task(40, 3)],
    )
    assert plan_progress(list(plan.tasks.all())) == 55.0
    assert plan_list().get(pk=plan.pk).progress == pytest.approx(55.0)
    assert AuditEntry.objects.filter(action="plan.create").count() == 1
