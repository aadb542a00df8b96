"""What a session asks of a body, and what follows: answers, moved deadlines
(never without a reason), escalations, and the reminders the daily job sends."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit
from units.models.registry import plausible_decision_date

from ..choices import (
    PENDING,
    SENT,
    DeadlineChangeStatus,
    EscalationKind,
    NotificationKind,
    RecommendationStatus,
)
from .sessions import Session


class RecommendationQuerySet(models.QuerySet):
    def sent(self):
        """Sent with the session's report (the drafts of a running session left out)."""
        return self.filter(session__status__in=SENT)

    def pending(self):
        return self.sent().filter(status__in=PENDING)

    def overdue(self, today: dt.date):
        """Sent, open, past the current due date: derived from the date, never stored."""
        return self.sent().filter(status=RecommendationStatus.OPEN, current_due__lt=today)


class Recommendation(models.Model):
    """A recommendation of a session to one addressed unit, with its original and
    current due dates (both always shown), a priority flag and its state.
    Overdue is derived: open past the current due date."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="recommendations")
    addressed_unit = models.ForeignKey(
        Unit, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("recommendation"))
    original_due = models.DateField(_("original due date"), validators=[plausible_decision_date])
    current_due = models.DateField(_("current due date"), validators=[plausible_decision_date])
    priority = models.BooleanField(_("priority"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["session", "position", "id"]
        indexes = [
            models.Index(fields=["status", "current_due"], name="rec_status_due"),
            models.Index(fields=["addressed_unit", "status"], name="rec_unit_status"),
            # The lists' order: a page of 50 without sorting 50,000 rows.
            models.Index(fields=["current_due", "id"], name="rec_due_id"),
        ]

    def __str__(self):
        return self.text[:80]

    def days_overdue(self, today: dt.date) -> int:
        """Days past the current due date while open; 0 otherwise."""
        if self.status != RecommendationStatus.OPEN or self.current_due >= today:
            return 0
        return (today - self.current_due).days

    def is_overdue(self, today: dt.date) -> bool:
        return self.days_overdue(today) > 0

    @property
    def was_moved(self) -> bool:
        return self.current_due != self.original_due


class DeadlineChange(models.Model):
    """A due date moved, or asked to move, and why: proposed by the addressee and
    decided by the supervisors, or set by the supervisors themselves."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="deadline_changes"
    )
    old_due = models.DateField(_("old due date"))
    new_due = models.DateField(_("new due date"), validators=[plausible_decision_date])
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=DeadlineChangeStatus.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="deadlinechange_reason",
                violation_error_message=_("A due date never moves without a reason."),
            ),
            models.UniqueConstraint(
                fields=["recommendation"],
                condition=Q(status="proposed"),
                name="deadlinechange_one_proposal",
                violation_error_message=_("A new date is already waiting for a decision."),
            ),
        ]

    def __str__(self):
        return f"{self.old_due} → {self.new_due}"


def response_path(instance, filename: str) -> str:
    return f"responses/{instance.recommendation_id}/{filename}"


class Response(models.Model):
    """The addressee's written answer (báo cáo giải trình), with an attachment."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="responses"
    )
    date = models.DateField(_("date"), validators=[plausible_decision_date])
    text = models.TextField(_("text"))
    attachment = models.FileField(_("attachment"), upload_to=response_path, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date} · {self.text[:60]}"


class Escalation(models.Model):
    """One step up the ladder for a recommendation not acted on."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="escalations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EscalationKind.choices)
    date = models.DateField(_("date"), validators=[plausible_decision_date])
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date} · {self.get_kind_display()}"


class Notification(models.Model):
    """An in-app notice (the bell): one per user, recommendation, kind and due
    date, so that the daily job can run twice and notify once, and a moved due
    date reminds again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    due_on = models.DateField(_("due date"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "recommendation", "kind", "due_on"], name="notification_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.user_id} · {self.kind} · {self.recommendation_id}"
