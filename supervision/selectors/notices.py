"""What rings the bell: the notices stored for a user (the daily job's
reminders, answers to their recommendations) and the overdue recommendations
they follow, derived from the date (overdue is a fact of the day, not of a job
having run): one count query each, whatever the number of recommendations."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from units.choices import Role
from units.models import User
from units.scope import scope_q

from ..choices import NotificationKind
from ..models import Notification, Recommendation


def followed(user: User) -> QuerySet[Recommendation]:
    """The recommendations whose reminders the user gets, as the daily job
    sends them: a clerk's those addressed to the scope (all when national), a
    supervisor's those of the bodies they belong to."""
    if not user.is_authenticated or not user.is_active:
        return Recommendation.objects.none()
    roles = user.roles
    wanted = []
    if Role.CLERK in roles:
        if not (user.scope_area_id or user.scope_unit_id):
            return Recommendation.objects.all()
        wanted.append(scope_q(user, "addressed_unit__"))
    if Role.SUPERVISOR in roles:
        wanted.append(Q(session__body__in=user.supervisory_bodies.values("pk")))
    if not wanted:
        return Recommendation.objects.none()
    either = wanted[0]
    for more in wanted[1:]:
        either |= more
    return Recommendation.objects.filter(either)


def overdue_unseen(user: User, today: dt.date) -> QuerySet[Recommendation]:
    """Overdue recommendations the user follows with no overdue notice for the
    current due date (read or not): a stored unread notice is counted as one,
    a read one means seen; a moved due date rings again."""
    noticed = Notification.objects.filter(
        user=user,
        recommendation=OuterRef("pk"),
        kind=NotificationKind.OVERDUE,
        due_on=OuterRef("current_due"),
    )
    return followed(user).overdue(today).filter(~Exists(noticed))


def bell_count(user: User, today: dt.date) -> int:
    """Unread notices and unseen overdue recommendations."""
    stored = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return stored + overdue_unseen(user, today).count()
