"""The daily job's reminders 15, 7 and 3 days ahead and on the day a
recommendation becomes overdue, to the addressed scope's clerks and the body's
active supervisors; running it twice notifies once; e-mail when configured."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from supervision.models import Notification
from supervision.services.notifications import kind_for, reminders_send
from tests.supervision.conftest import REMINDERS_ON
from units.models import AuditEntry

TODAY = REMINDERS_ON


@pytest.mark.parametrize(
    "days,kind",
    [
        (16, None),
        (15, "due_15"),
        (8, "due_15"),
        (7, "due_7"),
        (4, "due_7"),
        (3, "due_3"),
        (0, "due_3"),
        (-1, "overdue"),
        (-7, "overdue"),
        (-8, None),
    ],
)
def test_the_reminder_windows(days, kind):
    assert kind_for(TODAY + dt.timedelta(days=days), TODAY) == kind


def test_it_notifies_the_scopes_clerks_and_the_bodys_supervisors_once(
    due_in, clerk, outsider_clerk, supervisor, other_supervisor
):
    rec = due_in(7)
    assert reminders_send(today=TODAY) == 2
    assert reminders_send(today=TODAY) == 0  # the same day again: nothing new
    notices = Notification.objects.filter(recommendation=rec)
    assert sorted(notices.values_list("user__username", flat=True)) == ["clerk", "supervisor"]
    assert set(notices.values_list("kind", flat=True)) == {"due_7"}
    assert AuditEntry.objects.filter(action="supervision.reminders").count() == 1


def test_each_window_notifies_once_as_the_date_comes(due_in, clerk):
    rec = due_in(15)
    for day in range(0, 17):
        reminders_send(today=TODAY + dt.timedelta(days=day))
        reminders_send(today=TODAY + dt.timedelta(days=day))
    kinds = sorted(Notification.objects.filter(user=clerk).values_list("kind", flat=True))
    assert kinds == ["due_15", "due_3", "due_7", "overdue"]
    assert Notification.objects.get(user=clerk, kind="overdue").due_on == rec.current_due


def test_settled_and_far_recommendations_are_left_alone(due_in, clerk):
    rec = due_in(3)
    rec.status = "implemented"
    rec.save()
    due_in(40)
    assert reminders_send(today=TODAY) == 0


def test_a_moved_due_date_reminds_again(due_in, clerk):
    rec = due_in(3)
    reminders_send(today=TODAY)
    rec.current_due = TODAY + dt.timedelta(days=10)
    rec.save()
    reminders_send(today=TODAY)
    assert Notification.objects.filter(user=clerk).count() == 2


def test_e_mail_goes_out_when_configured(
    due_in, clerk, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.test"
    clerk.email = "clerk@example.test"
    clerk.save()
    due_in(3)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=TODAY)
    assert [m.to for m in mail.outbox] == [["clerk@example.test"]]
    assert "Gửi báo cáo giải trình bổ sung." in mail.outbox[0].body


def test_no_e_mail_without_configuration(due_in, clerk, django_capture_on_commit_callbacks):
    clerk.email = "clerk@example.test"
    clerk.save()
    due_in(3)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=TODAY)
    assert mail.outbox == []


def test_former_supervisors_are_not_reminded(filed, supervisor, body):
    supervisor.is_active = False
    supervisor.save()
    reminders_send(today=dt.date(2024, 3, 1))
    assert not Notification.objects.filter(user=supervisor).exists()


SENT_KEY = ("user_id", "recommendation_id", "kind", "due_on")


def test_a_notice_marked_read_meanwhile_does_not_undo_the_run(due_in, clerk, supervisor):
    """'Mark all as read' writes the overdue notices it marks outside the
    reminders' lock: one written between the run's read and its insert made
    the insert fail and every reminder of the run was rolled back."""
    rec = due_in(7)
    real_filter = Notification.objects.filter

    def meanwhile(*args, **kwargs):
        """What was sent, read by the run; then the clerk marks it read."""
        sent = list(real_filter(*args, **kwargs).values_list(*SENT_KEY))
        Notification.objects.create(
            user=clerk,
            recommendation=rec,
            kind="due_7",
            due_on=rec.current_due,
            read_at=timezone.now(),
        )
        return mock.Mock(values_list=lambda *_fields: sent)

    with mock.patch.object(Notification.objects, "filter", side_effect=meanwhile):
        reminders_send(today=TODAY)
    notices = Notification.objects.filter(recommendation=rec)
    assert sorted(notices.values_list("user__username", flat=True)) == ["clerk", "supervisor"]
