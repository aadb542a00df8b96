"""The words of supervision (DESIGN §2–§3): bodies, sessions and their states,
findings, recommendations and what happens to them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("People's Council (HĐND)")
    COUNCIL_COMMITTEE = "council_committee", _("Committee of the People's Council")
    NA_DELEGATION = "na_delegation", _("National Assembly delegation")
    FRONT = "front", _("Fatherland Front")


class BodyLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class SessionKind(models.TextChoices):
    THEMATIC = "thematic", _("Thematic supervision")
    REGULAR = "regular", _("Regular supervision")
    EXPLANATION = "explanation", _("Explanation session")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    NOTIFIED = "notified", _("Notified")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORT_FILED = "report_filed", _("Report filed")
    CONCLUDED = "concluded", _("Concluded")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", pgettext_lazy("session status", "Closed")


# Recommendations are sent with the report: from then on the addressee may act
# on them, reminders go out and the lists count them; before, they are drafts.
ACTIONABLE = (SessionStatus.REPORT_FILED, SessionStatus.CONCLUDED, SessionStatus.FOLLOW_UP)
SENT = (*ACTIONABLE, SessionStatus.CLOSED)


class FindingKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("Achievement")
    SHORTCOMING = "shortcoming", _("Shortcoming")
    CAUSE = "cause", _("Cause")
    RESPONSIBILITY = "responsibility", _("Responsibility")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("recommendation status", "Open")
    RESPONDED = "responded", _("Responded")
    IMPLEMENTED = "implemented", _("Implemented")
    PARTLY = "partly", _("Partly implemented")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")


# A recommendation in one of these states still waits for the addressee or the
# supervisors; the others are settled.
PENDING = (RecommendationStatus.OPEN, RecommendationStatus.RESPONDED)
SETTLED = (
    RecommendationStatus.IMPLEMENTED,
    RecommendationStatus.PARTLY,
    RecommendationStatus.NOT_IMPLEMENTED,
)


class DeadlineChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class EscalationKind(models.TextChoices):
    """The ladder supervisors climb when a recommendation is not acted on."""

    REMINDER = "reminder", _("Reminder")
    FURTHER_REMINDER = "further_reminder", _("Further reminder")
    REFERRAL = "referral", _("Referral to the competent authority")
    EXPLANATION_SESSION = "explanation_session", _("Explanation session")
    QUESTIONING = "questioning", _("Questioning")
    RESUPERVISION = "resupervision", _("Re-supervision")
    COUNCIL_REPORT = "council_report", _("Report to the council")


class LegalStep(models.TextChoices):
    """Steps of a session whose deadline the law sets (LegalRule gives the days)."""

    PLAN_SENT = "plan_sent", _("Plan and report outline sent to the supervised bodies")
    SESSION_NOTICE = "session_notice", _("Working sessions announced")
    REPORT_DUE = "report_due", _("Result report filed")
    RESPONSE_DUE = "response_due", _("Answer to a recommendation")


class NotificationKind(models.TextChoices):
    DUE_15 = "due_15", _("Due in 15 days")
    DUE_7 = "due_7", _("Due in 7 days")
    DUE_3 = "due_3", _("Due in 3 days")
    OVERDUE = "overdue", _("Overdue")
    RESPONDED = "responded", _("Answered")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
