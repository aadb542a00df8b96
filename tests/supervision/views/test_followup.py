"""The follow-up pages: the overdue list and the tables by state, each at a
fixed number of queries and warmed after a change; drafts left out; the bell."""

import datetime as dt

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from supervision.choices import SessionStatus
from supervision.models import Notification, Recommendation
from supervision.services.notifications import reminders_send
from tests.conftest import queries_of
from tests.factories import ServiceUnitFactory
from tests.supervision.conftest import REMINDERS_ON, make_session

S = SessionStatus
TODAY = REMINDERS_ON


def test_the_overdue_list_sorts_by_days_overdue(client, official, body, supervisor, district):
    late = ServiceUnitFactory(name="Đơn vị trễ lâu", area=district)
    recent = ServiceUnitFactory(name="Đơn vị trễ ít", area=district)
    make_session(body, supervisor, [recent], status=S.REPORT_FILED, due=dt.date(2024, 5, 1))
    make_session(body, supervisor, [late], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    client.force_login(official)
    response = client.get(reverse("supervision:overdue"))
    rows = list(response.context["page"])
    assert [r.addressed_unit.name for r in rows] == ["Đơn vị trễ lâu", "Đơn vị trễ ít"]
    assert rows[0].days_overdue_on == (timezone.localdate() - dt.date(2024, 3, 4)).days
    csv = b"".join(
        client.get(reverse("supervision:export_csv", args=["overdue"])).streaming_content
    )
    assert "Đơn vị trễ lâu".encode() in csv and b"04/03/2024" in csv
    late = str((timezone.localdate() - dt.date(2024, 3, 4)).days).encode()
    assert "Chưa thực hiện".encode() in csv and late in csv


def test_list_pages_cost_a_fixed_number_of_queries(client, official, body, supervisor, district):
    client.force_login(official)
    pages = ["followup", "followup_summary", "overdue", "session_list"]

    def visit():
        cache.clear()  # uncached: versions move on commit, tests roll back
        for name in pages:
            assert client.get(reverse(name.join(["supervision:", ""]))).status_code == 200

    for _ in range(2):
        unit = ServiceUnitFactory(area=district)
        make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    few = queries_of(visit)
    for _ in range(4):
        unit = ServiceUnitFactory(area=district)
        make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    assert queries_of(visit) == few


def test_the_follow_up_tables_count_by_state(client, official, body, supervisor, clerk, district):
    units = [ServiceUnitFactory(area=district) for _ in range(3)]
    for unit in units:
        make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    first = Recommendation.objects.order_by("pk").first()
    first.status, first.settled_on = "implemented", dt.date(2024, 3, 5)
    first.save()
    client.force_login(official)
    tables = client.get(reverse("supervision:followup_summary")).context["tables"]
    assert (tables["total"].total, tables["total"].overdue, tables["total"].implemented) == (
        3,
        2,
        1,
    )
    assert tables["by_body"][0].label == body.name
    assert tables["by_province"][0].rate == 100.0
    assert tables["per_year"][0].sessions == 3
    assert [(t.label, t.total, t.implemented) for t in tables["by_year"]] == [("2024", 3, 1)]


def test_a_change_warms_the_national_tables(
    client, official, body, supervisor, unit, eager_tasks, django_capture_on_commit_callbacks
):
    """GIVEN a supervision change that commits WHEN a national reader opens the
    follow-up tables THEN they come from the cache the warm-up task filled."""
    client.force_login(official)
    url = reverse("supervision:followup_summary")
    client.get(url)  # the session and user are loaded once
    with django_capture_on_commit_callbacks(execute=True):
        make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    warm = queries_of(lambda: client.get(url))
    assert client.get(url).context["tables"]["total"].total == 1
    cache.clear()
    assert queries_of(lambda: client.get(url)) > warm + 2  # computed: the tallies' queries


def test_drafts_of_a_running_session_are_nobodys_business_yet(
    client, official, body, supervisor, unit, clerk
):
    session = make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    session.status = S.IN_PROGRESS
    session.save()
    assert reminders_send(today=dt.date(2024, 3, 5)) == 0
    client.force_login(official)
    assert not list(client.get(reverse("supervision:overdue")).context["page"])
    summary = client.get(reverse("supervision:followup_summary"))
    assert summary.context["tables"]["total"].total == 0


def test_the_bell_shows_the_unread_count_and_clears(client, due_in, clerk):
    due_in(-1)
    reminders_send(today=TODAY)
    client.force_login(clerk)
    bell = client.get(reverse("supervision:bell")).content.decode()
    assert 'data-unread="1"' in bell
    client.post(reverse("supervision:notifications_read"))
    cache.clear()  # the bell's count is forgotten on commit; tests roll back
    assert (
        'data-unread="1"' not in client.get(reverse("supervision:notifications")).content.decode()
    )
    assert Notification.objects.get(user=clerk).read_at is not None
