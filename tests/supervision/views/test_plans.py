"""The plan's page shows its progress; others than its clerks cannot edit it."""

from django.urls import reverse

from supervision.services.plans import plan_save
from tests.supervision.conftest import plan_data, plan_task


def test_the_plan_page_shows_the_progress(client, clerk, official, district):
    plan = plan_save(actor=clerk, plan_id=None, data=plan_data(district), tasks=[plan_task(50, 1)])
    client.force_login(official)
    page = client.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    assert "50,0 %" in page or "50.0 %" in page
    assert client.post(reverse("supervision:plan_edit", args=[plan.pk]), {}).status_code == 403
