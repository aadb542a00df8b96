"""The tasks, called as functions: the daily reminders run the job for today."""

from django.utils import timezone

from supervision.models import Notification
from supervision.tasks import reminders
from tests.supervision.conftest import REMINDERS_ON

TODAY = REMINDERS_ON


def test_the_task_runs_the_job_for_today(due_in, clerk):
    due_in((timezone.localdate() - TODAY).days + 3)
    reminders()
    assert Notification.objects.filter(user=clerk, kind="due_3").exists()
