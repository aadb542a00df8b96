"""The daily reminders (15, 7 and 3 days before a due date, and the day it
becomes overdue) as in-app notifications, and e-mail when e-mail is set up.
Idempotent: one notice per user, recommendation, kind and due date."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from units.audit import audit_bulk
from units.choices import Role
from units.models import User
from units.scope import area_ids, unit_subtree_ids

from ..choices import NotificationKind, RecommendationStatus
from ..models import Notification, Recommendation
from ..selectors.notices import bell_count, overdue_unseen
from ..versions import bells_changed

K = NotificationKind
REMINDERS_LOCK = 0x5E_4E11  # the advisory lock key of the reminders run
# Each kind covers the days up to the next one, so a day the job did not run is
# caught up the next day; an overdue notice is sent for a week at most, not for
# every recommendation that was ever late.
WINDOWS = {K.DUE_15: (8, 15), K.DUE_7: (4, 7), K.DUE_3: (0, 3), K.OVERDUE: (-7, -1)}


def kind_for(due: dt.date, today: dt.date) -> str | None:
    days = (due - today).days
    for kind, (low, high) in WINDOWS.items():
        if low <= days <= high:
            return kind
    return None


class Clerks:
    """The clerks and the units or areas their scopes cover, read once a run."""

    def __init__(self):
        self.national: list[int] = []
        self.by_area: list[tuple[int, frozenset[int]]] = []
        self.by_unit: list[tuple[int, set[int]]] = []
        clerks = User.objects.filter(groups__name=Role.CLERK, is_active=True).select_related(
            "scope_area"
        )
        for user in clerks.distinct():
            if user.scope_area_id:
                self.by_area.append((user.pk, area_ids(user.scope_area)))
            elif user.scope_unit_id:
                self.by_unit.append((user.pk, unit_subtree_ids(user.scope_unit_id)))
            else:
                self.national.append(user.pk)

    def of(self, unit_id: int, area_id: int) -> set[int]:
        found = set(self.national)
        found |= {pk for pk, areas in self.by_area if area_id in areas}
        found |= {pk for pk, units in self.by_unit if unit_id in units}
        return found


def reminders_send(*, today: dt.date | None = None) -> int:
    """Notify the addressed scope's clerks and the body's supervisors of the open
    recommendations whose due date falls in a window today; returns how many
    notices are new."""
    today = today or timezone.localdate()
    window = Q()
    for low, high in WINDOWS.values():
        window |= Q(
            current_due__gte=today + dt.timedelta(days=low),
            current_due__lte=today + dt.timedelta(days=high),
        )
    due = (
        Recommendation.objects.sent()
        .filter(window, status=RecommendationStatus.OPEN)
        .values_list(
            "pk", "current_due", "addressed_unit_id", "addressed_unit__area_id", "session__body_id"
        )
        .order_by("pk")
    )
    due = list(due)
    if not due:
        return 0
    members = defaultdict(set)
    bodies = {row[4] for row in due}
    supervisors = User.supervisory_bodies.through.objects.filter(
        supervisorybody_id__in=bodies, user__is_active=True, user__groups__name=Role.SUPERVISOR
    )
    for body_id, user_id in supervisors.values_list("supervisorybody_id", "user_id"):
        members[body_id].add(user_id)
    clerks = Clerks()
    wanted = []
    for pk, current_due, unit_id, area_id, body_id in due:
        kind = kind_for(current_due, today)
        for user_id in clerks.of(unit_id, area_id) | members[body_id]:
            wanted.append(
                Notification(user_id=user_id, recommendation_id=pk, kind=kind, due_on=current_due)
            )
    return _create(wanted)


@transaction.atomic
def _create(wanted: list[Notification]) -> int:
    """Insert the notices not yet sent and e-mail the new ones. Runs one at a
    time (a transaction-scoped advisory lock on PostgreSQL; SQLite writes one
    transaction at a time anyway), so two runs at once notify and e-mail once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REMINDERS_LOCK])
    recs = {n.recommendation_id for n in wanted}
    sent = set(
        Notification.objects.filter(recommendation_id__in=recs).values_list(
            "user_id", "recommendation_id", "kind", "due_on"
        )
    )
    new = [n for n in wanted if (n.user_id, n.recommendation_id, n.kind, n.due_on) not in sent]
    # "Mark all as read" records overdue notices outside this lock: one it wrote
    # meanwhile is kept, not an error that would undo every reminder of the run.
    Notification.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    bells_changed({n.user_id for n in new})
    if settings.EMAIL_HOST and new:
        transaction.on_commit(lambda: _mail(new))
    if new:
        audit_bulk(
            actor=None,
            action="supervision.reminders",
            object_type="supervision.notification",
            label=_("Reminders of due recommendations"),
            after={"notifications": len(new)},
        )
    return len(new)


def _mail(new: list[Notification]) -> None:
    """One e-mail per user listing their new notices, in Vietnamese."""
    by_user = defaultdict(list)
    for notice in new:
        by_user[notice.user_id].append(notice)
    users = User.objects.in_bulk(list(by_user))
    recs = Recommendation.objects.select_related("addressed_unit").in_bulk(
        [n.recommendation_id for n in new]
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user_id, notices in by_user.items():
            user = users.get(user_id)
            if user is None or not user.email:
                continue
            lines = [
                f"- {K(n.kind).label}: {recs[n.recommendation_id].addressed_unit} — "
                f"{recs[n.recommendation_id].text[:200]} ({n.due_on:%d/%m/%Y})"
                for n in notices
            ]
            subject = _("ReformWatch: %(count)s recommendations to follow up") % {
                "count": len(notices)
            }
            messages.append((subject, "\n".join(lines), None, [user.email]))
    send_mass_mail(messages, fail_silently=False)


def unread_count(user: User, today: dt.date | None = None) -> int:
    """What the bell shows: unread notices and the overdue recommendations the
    user follows not yet seen (derived from the date, no job needed)."""
    return bell_count(user, today or timezone.localdate())


@transaction.atomic
def notifications_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the user's notices read (all of them when no ids are given: the
    overdue recommendations not yet seen too, as read overdue notices, so that
    they ring again only when their due date moves). Not audited: it changes
    nothing but the reader's own bell."""
    now = timezone.now()
    queryset = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    count = queryset.update(read_at=now)
    if ids is None:
        seen = overdue_unseen(actor, timezone.localdate()).values_list("pk", "current_due")
        Notification.objects.bulk_create(
            [
                Notification(
                    user=actor, recommendation_id=pk, kind=K.OVERDUE, due_on=due, read_at=now
                )
                for pk, due in seen
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
    bells_changed([actor.pk])
    return count


def answer_notify(rec: Recommendation, actor: User) -> None:
    """Tell the session's supervisors that the addressee answered: its team
    (lead and members) or, without one, the body's supervisors; the answering
    user is not told. A second answer rings again (the notice is unread anew)."""
    session = rec.session
    team = {pk for pk in [session.lead_id, *session.members.values_list("pk", flat=True)] if pk}
    users = User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR)
    whom = Q(pk__in=team) if team else Q(supervisory_bodies=session.body_id)
    users = users.filter(whom)
    user_ids = set(users.exclude(pk=actor.pk).values_list("pk", flat=True))
    if not user_ids:
        return
    kind, now = K.RESPONDED, timezone.now()
    again = Notification.objects.filter(
        user_id__in=user_ids, recommendation=rec, kind=kind, due_on=rec.current_due
    )
    known = set(again.values_list("user_id", flat=True))
    again.update(read_at=None, created_at=now)
    Notification.objects.bulk_create(
        Notification(user_id=pk, recommendation=rec, kind=kind, due_on=rec.current_due)
        for pk in user_ids - known
    )
    bells_changed(user_ids)
