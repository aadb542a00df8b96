"""The bell through the API: a user's own notices, listed and marked read."""

import datetime as dt

from supervision.models import Notification
from supervision.services.notifications import unread_count

from ..conftest import REMINDERS_ON


def test_it_lists_and_marks_read_the_users_own_notices(client, due_in, clerk, supervisor):
    rec = due_in(3)
    mine = Notification.objects.create(
        user=clerk, recommendation=rec, kind="due_3", due_on=rec.current_due
    )
    theirs = Notification.objects.create(
        user=supervisor, recommendation=rec, kind="due_3", due_on=rec.current_due
    )
    client.force_login(clerk)
    rows = client.get("/api/v1/notifications/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["recommendation"] == rec.pk and rows[0]["read_at"] is None
    assert rows[0]["due_on"] == (REMINDERS_ON + dt.timedelta(days=3)).isoformat()
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    marked = client.post(
        "/api/v1/notifications/read/",
        {"ids": [mine.pk, theirs.pk]},
        content_type="application/json",
    )
    assert marked.status_code == 200, marked.content
    # "unread": what the bell shows after (overdue recommendations included).
    assert marked.json() == {"marked": 1, "unread": unread_count(clerk)}
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0


def test_marking_all_read_and_bad_ids(client, due_in, clerk):
    rec = due_in(3)
    Notification.objects.create(
        user=clerk, recommendation=rec, kind="due_3", due_on=rec.current_due
    )
    client.force_login(clerk)
    url = "/api/v1/notifications/read/"
    assert client.post(url, {"ids": [10**30]}, content_type="application/json").status_code == 400
    assert client.post(url, {}, content_type="application/json").json() == {
        "marked": 1,
        "unread": 0,
    }
    assert client.get("/api/v1/notifications/").status_code == 200
    client.logout()
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


def test_the_overdue_recommendations_not_yet_seen_are_listed_until_all_are_read(
    client, due_in, clerk
):
    """Overdue is a fact of the date (issue 21, point 4): listed with no job run."""
    rec = due_in(-3)
    client.force_login(clerk)
    rows = client.get("/api/v1/notifications/overdue/").json()["results"]
    assert [row["recommendation"] for row in rows] == [rec.pk]
    assert rows[0]["days_overdue"] > 0
    client.post("/api/v1/notifications/read/", {}, content_type="application/json")
    assert client.get("/api/v1/notifications/overdue/").json()["results"] == []
