"""Plans: progress weighted as the clerk sets, kept by the clerks of the area."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from supervision.models import Plan
from supervision.selectors.plans import plan_list, plan_progress
from supervision.services.plans import TaskRow, plan_save
from units.models import AuditEntry


def _data(area):
    return {
        "number": "128-KH/TU",
        "date": dt.date(2024, 2, 5),
        "issuer": "Tỉnh ủy",
        "title": "Kế hoạch thực hiện Kết luận 62-KL/TW",
        "implements": "Kết luận 62-KL/TW",
        "area": area,
    }


def _task(progress, weight, title="Nhóm"):
    return TaskRow(
        title=title,
        responsible_unit_id=None,
        due_on=None,
        progress=progress,
        status="in_progress",
        weight=weight,
    )


def test_the_progress_is_the_weighted_average_of_the_tasks(clerk, district):
    plan = plan_save(
        actor=clerk, plan_id=None, data=_data(district), tasks=[_task(100, 1), _task(40, 3)]
    )
    assert plan_progress(list(plan.tasks.all())) == 55.0
    assert plan_list().get(pk=plan.pk).progress == pytest.approx(55.0)
    assert AuditEntry.objects.filter(action="plan.create").count() == 1


def test_a_bad_task_saves_nothing(clerk, district):
    with pytest.raises(ValidationError) as refused:
        plan_save(actor=clerk, plan_id=None, data=_data(district), tasks=[_task(120, 1)])
    assert "tasks.0.progress" in refused.value.message_dict
    assert not Plan.objects.exists()


def test_clerks_outside_the_area_may_not_edit(clerk, outsider_clerk, supervisor, district):
    plan = plan_save(actor=clerk, plan_id=None, data=_data(district), tasks=[_task(10, 1)])
    for intruder in (outsider_clerk, supervisor):
        with pytest.raises(PermissionDenied):
            plan_save(actor=intruder, plan_id=plan.pk, data={"title": "x"}, tasks=[])
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch thực hiện Kết luận 62-KL/TW"
    with pytest.raises(ValidationError):
        plan_save(actor=outsider_clerk, plan_id=None, data=_data(district), tasks=[])


def test_the_plan_page_shows_the_progress(client, clerk, official, district):
    plan = plan_save(actor=clerk, plan_id=None, data=_data(district), tasks=[_task(50, 1)])
    client.force_login(official)
    page = client.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    assert "50,0 %" in page or "50.0 %" in page
    assert client.post(reverse("supervision:plan_edit", args=[plan.pk]), {}).status_code == 403
