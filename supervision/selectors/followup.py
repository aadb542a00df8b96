"""Follow-up of recommendations: the lists (all, overdue, addressed to a
clerk's scope) and the tables that count them by body, addressed province and
year. National tables are cached until supervision data change or the day ends
(overdue depends on the date)."""

import dataclasses
import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import ExtractYear

from units.models import Area, User
from units.scope import scope_q
from units.versions import cached, digest

from ..choices import DeadlineChangeStatus, RecommendationStatus
from ..models import DeadlineChange, Recommendation, Session, SupervisoryBody
from ..versions import supervision_version

R = RecommendationStatus


def recommendation_rows(queryset: QuerySet[Recommendation] | None = None) -> QuerySet:
    """Recommendations with what a list row shows: session, body, addressed unit,
    and the new date the addressee asked for (the expected date), if any."""
    queryset = Recommendation.objects.all() if queryset is None else queryset
    proposed = DeadlineChange.objects.filter(
        recommendation=OuterRef("pk"), status=DeadlineChangeStatus.PROPOSED
    ).values("new_due")[:1]
    return queryset.select_related("session__body", "addressed_unit__area").annotate(
        expected_due=Subquery(proposed)
    )


def overdue_rows(today: dt.date, queryset: QuerySet | None = None) -> QuerySet:
    """Open past their due date, the longest overdue first."""
    queryset = Recommendation.objects.all() if queryset is None else queryset
    return recommendation_rows(queryset.overdue(today)).order_by("current_due", "pk")


def addressed_to(user: User) -> QuerySet[Recommendation]:
    """Recommendations addressed to a unit of the user's scope (all when national)."""
    return Recommendation.objects.filter(scope_q(user, "addressed_unit__"))


@dataclasses.dataclass
class Tally:
    """Counts of recommendations by state, and the implementation rate: settled
    as implemented (partly counts half) among the settled ones."""

    label: str
    total: int = 0
    open: int = 0
    overdue: int = 0
    responded: int = 0
    implemented: int = 0
    partly: int = 0
    not_implemented: int = 0
    key: int | None = None

    @property
    def rate(self) -> float | None:
        settled = self.implemented + self.partly + self.not_implemented
        if not settled:
            return None
        return round(100 * (self.implemented + 0.5 * self.partly) / settled, 1)


def _tally_aggregates(today: dt.date) -> dict:
    return {
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status=R.OPEN)),
        "overdue": Count("pk", filter=Q(status=R.OPEN, current_due__lt=today)),
        "responded": Count("pk", filter=Q(status=R.RESPONDED)),
        "implemented": Count("pk", filter=Q(status=R.IMPLEMENTED)),
        "partly": Count("pk", filter=Q(status=R.PARTLY)),
        "not_implemented": Count("pk", filter=Q(status=R.NOT_IMPLEMENTED)),
    }


def _tallies(rows, names: dict) -> list[Tally]:
    found = []
    for row in rows:
        key = row.pop("key")
        found.append(Tally(label=names.get(key, "—"), key=key, **row))
    return found


def tally_by_body(queryset: QuerySet, today: dt.date) -> list[Tally]:
    rows = (
        queryset.values(key=F("session__body_id"))
        .annotate(**_tally_aggregates(today))
        .order_by("key")
    )
    rows = list(rows)
    names = dict(
        SupervisoryBody.objects.filter(pk__in=[r["key"] for r in rows]).values_list("pk", "name")
    )
    return sorted(_tallies(rows, names), key=lambda t: -t.total)


def province_of_area() -> Case:
    """The province of the addressed unit's area (the area itself, its parent or
    its grandparent)."""
    return Case(
        When(addressed_unit__area__level="province", then=F("addressed_unit__area_id")),
        When(
            addressed_unit__area__parent__level="province",
            then=F("addressed_unit__area__parent_id"),
        ),
        default=F("addressed_unit__area__parent__parent_id"),
        output_field=IntegerField(),
    )


def tally_by_province(queryset: QuerySet, today: dt.date) -> list[Tally]:
    """The implementation rate per addressed province."""
    rows = list(
        queryset.values(key=province_of_area()).annotate(**_tally_aggregates(today)).order_by("key")
    )
    names = dict(Area.objects.filter(pk__in=[r["key"] for r in rows]).values_list("pk", "name"))
    return sorted(_tallies(rows, names), key=lambda t: (t.rate is None, -(t.rate or 0), t.label))


def tally_by_year(queryset: QuerySet, today: dt.date) -> list[Tally]:
    """The recommendations by the year of their session's decision, latest first."""
    rows = list(
        queryset.values(key=ExtractYear("session__decision_date"))
        .annotate(**_tally_aggregates(today))
        .order_by("-key")
    )
    return _tallies(rows, {row["key"]: str(row["key"]) for row in rows})


@dataclasses.dataclass
class SessionCount:
    body: str
    year: int
    sessions: int


def sessions_per_year(sessions: QuerySet[Session]) -> list[SessionCount]:
    rows = (
        sessions.annotate(year=ExtractYear("decision_date"))
        .values("body__name", "year")
        .annotate(sessions=Count("pk"))
        .order_by("-year", "body__name")
    )
    return [SessionCount(r["body__name"], r["year"], r["sessions"]) for r in rows]


def followup_tables(queryset: QuerySet, sessions: QuerySet, today: dt.date) -> dict:
    """The follow-up page's tables for the filtered recommendations, cached for
    the data's version, the day and the query."""
    try:
        sql, params = queryset.query.sql_with_params()
        session_sql, session_params = sessions.query.sql_with_params()
    except EmptyResultSet:  # an invalid filter: .none()
        sql = params = session_sql = session_params = "none"
    key = digest(sql, params, session_sql, session_params)

    def compute():
        by_body = tally_by_body(queryset, today)
        total = Tally(label="")
        for tally in by_body:
            for name in ("total", "open", "overdue", "responded", "implemented", "partly"):
                setattr(total, name, getattr(total, name) + getattr(tally, name))
            total.not_implemented += tally.not_implemented
        return {
            "by_body": by_body,
            "by_province": tally_by_province(queryset, today),
            "by_year": tally_by_year(queryset, today),
            "per_year": sessions_per_year(sessions),
            "total": total,
        }

    return cached(f"followup:{supervision_version()}:{today}:{key}", compute, timeout=600)
