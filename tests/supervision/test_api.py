"""Supervision through the API: the same services, permissions and audit as
the pages."""

import datetime as dt

from django.utils import timezone

from supervision.choices import SessionStatus
from units.models import AuditEntry

from .conftest import make_session


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_follow_up_of_a_recommendation_through_the_api(
    client, body, supervisor, clerk, outsider_clerk, unit
):
    session = make_session(
        body, supervisor, [unit], status=SessionStatus.REPORT_FILED, due=dt.date(2024, 3, 4)
    )
    rec = session.recommendations.get()
    base = f"/api/v1/recommendations/{rec.pk}"
    answer = {"date": timezone.localdate().isoformat(), "text": "Đã gửi báo cáo"}
    client.force_login(outsider_clerk)
    assert post(client, f"{base}/respond/", answer).status_code == 403
    client.force_login(clerk)
    before = AuditEntry.objects.count()
    assert post(client, f"{base}/respond/", answer).json()["status"] == "responded"
    assert (
        post(client, f"{base}/propose-date/", {"new_due": "2024-04-01", "reason": ""}).status_code
        == 400
    )
    proposed = post(client, f"{base}/propose-date/", {"new_due": "2024-04-01", "reason": "Chờ"})
    change = proposed.json()["deadline_changes"][0]
    assert change["status"] == "proposed"
    assert post(client, f"{base}/assess/", {"outcome": "implemented"}).status_code == 403
    client.force_login(supervisor)
    changes = rec.deadline_changes.values_list("pk", flat=True)
    decided = post(client, f"{base}/decide-date/", {"change": changes[0], "accept": True})
    assert decided.json()["current_due"] == "2024-04-01"
    assert decided.json()["original_due"] == "2024-03-04"
    assert (
        post(client, f"{base}/assess/", {"outcome": "implemented"}).json()["status"]
        == "implemented"
    )
    assert AuditEntry.objects.count() == before + 4
    sessions = f"/api/v1/sessions/{session.pk}/transition/"
    assert post(client, sessions, {"to": "closed"}).status_code == 400  # not the next step
    assert post(client, sessions, {"to": "concluded"}).json()["status"] == "concluded"
    client.force_login(clerk)
    assert post(client, sessions, {"to": "follow_up"}).status_code == 403
