"""Plans are kept by the clerks of the area, and a bad task saves nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.models import Plan
from supervision.services.plans import plan_save
from tests.supervision.conftest import plan_data, plan_task


def test_a_bad_task_saves_nothing(clerk, district):
    with pytest.raises(ValidationError) as refused:
        plan_save(actor=clerk, plan_id=None, data=plan_data(district), tasks=[plan_task(120, 1)])
    assert "tasks.0.progress" in refused.value.message_dict
    assert not Plan.objects.exists()


def test_clerks_outside_the_area_may_not_edit(clerk, outsider_clerk, supervisor, district):
    plan = plan_save(actor=clerk, plan_id=None, data=plan_data(district), tasks=[plan_task(10, 1)])
    for intruder in (outsider_clerk, supervisor):
        with pytest.raises(PermissionDenied):
            plan_save(actor=intruder, plan_id=plan.pk, data={"title": "x"}, tasks=[])
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch thực hiện Kết luận 62-KL/TW"
    with pytest.raises(ValidationError):
        plan_save(actor=outsider_clerk, plan_id=None, data=plan_data(district), tasks=[])
