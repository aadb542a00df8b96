"""The bell without the daily job (issue 21, point 4): overdue is a fact of the
date, so the bell and the notifications page count the overdue
recommendations a clerk or supervisor follows without any job having run, in
a fixed number of queries; read once, they ring again only when the due date
moves. An answer by the clerk notifies the session's supervisors."""

import datetime as dt
import re

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from supervision.models import Notification
from supervision.services import recommendations as services
from supervision.services.notifications import unread_count
from tests.conftest import queries_of

from ..conftest import make_session


def bell_of(client) -> int:
    cache.clear()  # the bell's count is forgotten on commit; tests roll back
    found = re.search(
        r'data-unread="(\d+)"', client.get(reverse("supervision:bell")).content.decode()
    )
    return int(found.group(1)) if found else 0


def test_an_overdue_recommendation_rings_the_bell_without_the_daily_job(
    client, filed, clerk, supervisor, outsider_clerk
):
    """Due 04/03/2024, never answered: overdue today, and no job ran."""
    assert not Notification.objects.exists()
    for user, rings in ((clerk, 1), (supervisor, 1), (outsider_clerk, 0)):
        client.force_login(user)
        assert bell_of(client) == rings, user
    client.force_login(clerk)
    page = client.get(reverse("supervision:notifications")).content.decode()
    rec = filed.recommendations.get()
    assert f'href="/recommendations/{rec.pk}/"' in page
    assert 'class="badge overdue"' in page


def test_read_once_it_rings_again_only_when_the_due_date_moves(client, filed, clerk, supervisor):
    client.force_login(clerk)
    client.post(reverse("supervision:notifications_read"))
    assert bell_of(client) == 0
    assert Notification.objects.get(user=clerk).read_at is not None
    rec = filed.recommendations.get()
    services.deadline_move(
        actor=supervisor, recommendation_id=rec.pk, new_due=dt.date(2024, 3, 20), reason="Lùi hạn."
    )
    assert bell_of(client) == 1


def test_the_bell_costs_the_same_for_one_or_many_overdue(client, body, supervisor, unit, clerk):
    make_session(body, supervisor, [unit], status="report_filed", due=dt.date(2024, 3, 4))
    client.force_login(clerk)
    bell_of(client)  # the session's first request may renew it
    one = queries_of(lambda: bell_of(client))
    for _ in range(5):
        make_session(body, supervisor, [unit], status="report_filed", due=dt.date(2024, 3, 4))
    assert queries_of(lambda: bell_of(client)) == one
    assert bell_of(client) == 6
    assert unread_count(clerk) == 6


def test_an_answer_notifies_the_sessions_supervisors(client, filed, clerk, supervisor):
    rec = filed.recommendations.get()
    services.response_record(
        actor=clerk, recommendation_id=rec.pk, date=timezone.localdate(), text="Đã gửi báo cáo."
    )
    notice = Notification.objects.get(user=supervisor)
    assert notice.kind == "responded" and notice.read_at is None
    assert not Notification.objects.filter(user=clerk).exists()
    client.force_login(supervisor)
    assert bell_of(client) == 1  # the answer; no longer overdue
    page = client.get(reverse("supervision:notifications")).content.decode()
    assert f'href="/recommendations/{rec.pk}/"' in page


def test_a_new_scope_rings_at_once(client, filed, clerk, outsider_clerk):
    """The bell's count was kept under the date and the data only: a clerk moved
    to another scope heard the old scope's bell for up to an hour."""
    client.force_login(outsider_clerk)

    def ring() -> str:  # the cache is not cleared in between
        return client.get(reverse("supervision:bell")).content.decode()

    assert 'data-unread="1"' not in ring()
    outsider_clerk.scope_area = clerk.scope_area
    outsider_clerk.save()
    assert 'data-unread="1"' in ring()
