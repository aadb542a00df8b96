"""Supervision models by domain: bodies, sessions and their reports; the
recommendations and what follows them; plans; notifications."""

from .plans import Plan, PlanTask
from .recommendations import (
    DeadlineChange,
    Escalation,
    Notification,
    Recommendation,
    RecommendationQuerySet,
    Response,
)
from .sessions import Finding, LegalRule, Session, SupervisoryBody, WorkingSession

__all__ = [
    "DeadlineChange",
    "Escalation",
    "Finding",
    "LegalRule",
    "Notification",
    "Plan",
    "PlanTask",
    "Recommendation",
    "RecommendationQuerySet",
    "Response",
    "Session",
    "SupervisoryBody",
    "WorkingSession",
]
