"""Sessions for their list, their page, the report and the public page."""

import datetime as dt

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from units.text import fold

from ..models import Finding, Recommendation, Session, WorkingSession
from ..rules import StepDeadline, step_deadlines


def session_list(queryset: QuerySet | None = None) -> QuerySet[Session]:
    """Sessions with their body, how many recommendations they made and their
    first and last working days (for the step deadlines)."""
    queryset = Session.objects.all() if queryset is None else queryset
    days = WorkingSession.objects.filter(session=OuterRef("pk")).values("date")
    return queryset.select_related("body").annotate(
        recommendation_count=Count("recommendations", distinct=True),
        first_working=Subquery(days.order_by("date")[:1]),
        last_working=Subquery(days.order_by("-date")[:1]),
    )


def session_detail(pk: int, *, published_only: bool = False) -> Session | None:
    """A session with everything its page and its report show."""
    queryset = Session.objects.select_related("body__area", "lead")
    if published_only:
        queryset = queryset.filter(published_at__isnull=False)
    recommendations = Recommendation.objects.select_related("addressed_unit__area").annotate(
        response_count=Count("responses")
    )
    return (
        queryset.prefetch_related(
            Prefetch("supervised_units"),
            Prefetch("members"),
            Prefetch(
                "working_sessions",
                queryset=WorkingSession.objects.select_related("unit"),
            ),
            Prefetch("findings", queryset=Finding.objects.select_related("unit")),
            Prefetch("recommendations", queryset=recommendations),
        )
        .filter(pk=pk)
        .first()
    )


def deadlines_of(session: Session, today: dt.date | None = None) -> list[StepDeadline]:
    dates = [working.date for working in session.working_sessions.all()]
    return step_deadlines(session, dates, today=today)


def findings_by_kind(session: Session) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in session.findings.all():
        grouped.setdefault(finding.kind, []).append(finding)
    return grouped


def published_sessions(query: str = "") -> QuerySet[Session]:
    """What the public page lists: published sessions, the latest first."""
    queryset = session_list(Session.objects.filter(published_at__isnull=False))
    if query.strip():
        folded = fold(query)
        queryset = queryset.filter(
            Q(topic_folded__contains=folded)
            | Q(decision_number__icontains=query.strip())
            | Q(body__name__icontains=query.strip())
        )
    return queryset.order_by("-published_at", "-id")


def latest_published(count: int = 5) -> list[Session]:
    return list(published_sessions()[:count])
