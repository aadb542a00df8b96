from celery import shared_task
from django.utils import timezone

from .selectors.followup import national_followup_tables
from .services.notifications import reminders_send


@shared_task(ignore_result=True)
def reminders() -> None:
    """Daily: remind of recommendations due in 15, 7 or 3 days or just overdue;
    safe to run twice (one notice per user, recommendation, kind and date)."""
    reminders_send()


@shared_task(ignore_result=True)
def followup_warm() -> None:
    """After a supervision change commits: compute the national follow-up tables
    into the cache, so that readers do not wait for them (~150 ms at national
    scale). Safe to run twice: it only fills a cache entry."""
    national_followup_tables(timezone.localdate())
