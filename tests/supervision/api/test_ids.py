"""Ids past 64 bits in supervision's API inputs: a 400 naming the field, never
the OverflowError of a lookup on SQLite (issue 21, point 16)."""

from supervision.models import DeadlineChange
from tests.units.api.problems import fields

HUGE = 10**30


def test_a_date_change_of_10_30_is_a_400(client, filed, supervisor):
    rec = filed.recommendations.get()
    client.force_login(supervisor)
    response = client.post(
        f"/api/v1/recommendations/{rec.pk}/decide-date/",
        {"change": HUGE, "accept": True},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert fields(response) == ["change"]
    assert not DeadlineChange.objects.exists()
