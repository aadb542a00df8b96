from celery import shared_task

from .services.notifications import reminders_send


@shared_task(ignore_result=True)
def reminders() -> None:
    """Daily: remind of recommendations due in 15, 7 or 3 days or just overdue;
    safe to run twice (one notice per user, recommendation, kind and date)."""
    reminders_send()
