"""Supervision in the API (/api/v1/sessions/, recommendations/, plans/,
notifications/): the pages' reads and writes through the pages' services, with
their permissions and audit entries."""

from .notifications import NotificationViewSet
from .plans import PlanViewSet
from .recommendations import RecommendationViewSet
from .sessions import SessionViewSet

__all__ = ["NotificationViewSet", "PlanViewSet", "RecommendationViewSet", "SessionViewSet"]
