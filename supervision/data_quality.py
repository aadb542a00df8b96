"""Supervision's data-quality checks (issue 23 point 4), added to the registry
of units.selectors.data_quality (found through the app registry: units never
imports supervision): recommendations overdue by more than 30 days, and
sessions past a legal step deadline, both set-based and in the reader's scope."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from units.models import Unit, User
from units.scope import area_ids, scope_q
from units.selectors.data_quality import Check, Column, register

from .choices import SENT, BodyKind, LegalStep, SessionStatus
from .models import LegalRule, Recommendation, Session, WorkingSession
from .rules import applicable_rule

# Overdue by more than this many days: past a reminder's reach, worth fixing.
OVERDUE_DAYS = 30

RECOMMENDATION_COLUMNS = (
    Column(_("Session"), "session__decision_number"),
    Column(_("Addressed to"), "addressed_unit__name"),
    Column(_("Recommendation"), "text"),
    Column(_("Original due date"), "original_due"),
    Column(_("Current due date"), "current_due"),
)


def recommendations_overdue(user: User, today: dt.date) -> QuerySet:
    """Open recommendations (sent with a report) whose current due date passed
    more than 30 days ago, addressed to a unit of the scope."""
    limit = today - dt.timedelta(days=OVERDUE_DAYS)
    return (
        Recommendation.objects.overdue(limit)
        .filter(scope_q(user, "addressed_unit__"))
        .order_by("current_due", "pk")
        .values_list("pk", *(c.field for c in RECOMMENDATION_COLUMNS))
    )


SESSION_COLUMNS = (
    Column(_("Decision number"), "decision_number"),
    Column(_("Body"), "body__name"),
    Column(_("Topic"), "topic"),
    Column(_("Decision date"), "decision_date"),
    Column(_("Status"), "status", SessionStatus),
)

# Each step the portal can tell was missed: the session's date it counts from
# ("decision_date", or the first or last working day), +1 after it or -1 before
# it, and the statuses in which the step is still not done.
STEPS = {
    LegalStep.PLAN_SENT: ("decision_date", 1, (SessionStatus.PLANNED,)),
    LegalStep.SESSION_NOTICE: ("first_working", -1, (SessionStatus.PLANNED,)),
    LegalStep.REPORT_DUE: (
        "last_working",
        1,
        tuple(s for s in SessionStatus.values if s not in SENT),
    ),
}


def _periods(step: str, rules: list[LegalRule]) -> list[tuple[dt.date, dt.date | None]]:
    """Decision-date periods within which the rules of `step` do not change."""
    starts = set()
    for rule in rules:
        if rule.step == step:
            starts.add(rule.valid_from)
            if rule.valid_to:
                starts.add(rule.valid_to + dt.timedelta(days=1))
    starts = sorted(starts)
    if not starts:  # no rule for the step (a database without the legal rules)
        return []
    ends = [day - dt.timedelta(days=1) for day in starts[1:]] + [None]
    return list(zip(starts, ends, strict=True))


def missed_q(today: dt.date, rules: list[LegalRule]) -> Q:
    """Sessions that missed a step (rules.step_state's "missed"): the rule in
    force on each decision date, for each kind of body, as constant date
    bounds: one OR of a few terms, not a loop over sessions."""
    missed = Q(pk__in=[])
    for step, (anchor, sign, undone) in STEPS.items():
        for start, end in _periods(step, rules):
            by_days: dict[int, list[str]] = {}
            for kind in BodyKind.values:
                rule = applicable_rule(step, kind, start, rules)
                if rule is not None:
                    by_days.setdefault(rule.days, []).append(kind)
            for days, kinds in by_days.items():
                # anchor + sign × days < today ⇔ anchor < today − sign × days
                bound = today - dt.timedelta(days=sign * days)
                term = Q(body__kind__in=kinds, decision_date__gte=start, status__in=undone)
                term &= Q(**{f"{anchor}__lt": bound})
                if end is not None:
                    term &= Q(decision_date__lte=end)
                missed |= term
    return missed


def _session_scope(user: User) -> Q:
    """Sessions of a body of the scope's area or at a unit of the scope."""
    if not (user.scope_area_id or user.scope_unit_id):
        return Q()
    at_units = Session.supervised_units.through.objects.filter(
        session=OuterRef("pk"), unit__in=Unit.objects.filter(scope_q(user))
    )
    if user.scope_area_id:
        return Q(Exists(at_units)) | Q(body__area_id__in=area_ids(user.scope_area))
    return Q(Exists(at_units))


def sessions_past_deadline(user: User, today: dt.date) -> QuerySet:
    """Sessions that let a legal step's deadline pass without doing it (the
    plan not sent, the working sessions not announced, the report not filed)."""
    days = WorkingSession.objects.filter(session=OuterRef("pk")).values("date")
    rules = list(LegalRule.objects.all())
    return (
        Session.objects.annotate(
            first_working=Subquery(days.order_by("date")[:1]),
            last_working=Subquery(days.order_by("-date")[:1]),
        )
        .filter(_session_scope(user))
        .filter(missed_q(today, rules))
        .order_by("decision_date", "pk")
        .values_list("pk", *(c.field for c in SESSION_COLUMNS))
    )


register(
    Check(
        id="recommendations-overdue",
        title=_("Recommendations overdue by more than 30 days"),
        fix=_(
            "Record the addressee's answer, or a new due date with its reason, or "
            "escalate the recommendation (reminder, referral, explanation session)."
        ),
        rows=recommendations_overdue,
        columns=RECOMMENDATION_COLUMNS,
        link="supervision:recommendation_detail",
        order=80,
    ),
    Check(
        id="sessions-past-deadline",
        title=_("Supervision sessions past a legal step deadline"),
        fix=_(
            "Open the session: move it to the state it has reached (notified, report "
            "filed) with its dates, or record why the step is late."
        ),
        rows=sessions_past_deadline,
        columns=SESSION_COLUMNS,
        link="supervision:session_detail",
        order=90,
    ),
)
