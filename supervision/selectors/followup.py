"""Follow-up of recommendations: the lists (all, overdue, addressed to a
clerk's scope) and the tables that count them by body, addressed province and
year. National tables are cached until supervision data change or the day ends
(overdue depends on the date)."""

import dataclasses
import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import ExtractYear

from units.models import Area, Unit, User
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


COUNTS = ("total", "open", "overdue", "responded", "implemented", "partly", "not_implemented")


def _add(into: Tally, row: dict) -> None:
    for name in COUNTS:
        setattr(into, name, getattr(into, name) + row[name])


def tally_by_body_and_year(queryset: QuerySet, today: dt.date) -> tuple[list, list, Tally]:
    """By body, by session year, and the total, from one pass grouped by both
    (a few thousand rows summed here, not three scans of the recommendations)."""
    rows = list(
        queryset.order_by()
        .values(body=F("session__body_id"), year=ExtractYear("session__decision_date"))
        .annotate(**_tally_aggregates(today))
    )
    names = dict(
        SupervisoryBody.objects.filter(pk__in={r["body"] for r in rows}).values_list("pk", "name")
    )
    bodies: dict[int, Tally] = {}
    years: dict[int, Tally] = {}
    total = Tally(label="")
    for row in rows:
        body = bodies.setdefault(
            row["body"], Tally(label=names.get(row["body"], "—"), key=row["body"])
        )
        year = years.setdefault(row["year"], Tally(label=str(row["year"]), key=row["year"]))
        for tally in (body, year, total):
            _add(tally, row)
    by_body = sorted(bodies.values(), key=lambda t: -t.total)
    by_year = sorted(years.values(), key=lambda t: -t.key)
    return by_body, by_year, total


def tally_by_province(queryset: QuerySet, today: dt.date) -> list[Tally]:
    """The implementation rate per addressed province: counted per addressed
    unit first (a few thousand rows), then summed by the unit's province, so
    that the 130,000 units are not joined to 50,000 recommendations."""
    aggregates = _tally_aggregates(today)
    per_unit = queryset.order_by().values("addressed_unit_id").annotate(**aggregates)
    try:
        sql, params = per_unit.query.sql_with_params()
    except EmptyResultSet:
        return []
    sums = ", ".join(f'SUM(r."{name}")' for name in aggregates)
    unit, area = Unit._meta.db_table, Area._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT CASE WHEN a.level = 'province' THEN a.id
                            WHEN p.level = 'province' THEN p.id ELSE p.parent_id END AS key,
                       {sums}
                FROM ({sql}) r JOIN {unit} u ON u.id = r.addressed_unit_id
                JOIN {area} a ON a.id = u.area_id LEFT JOIN {area} p ON p.id = a.parent_id
                GROUP BY 1 ORDER BY 1""",
            params,
        )
        rows = [
            {"key": key, **{name: int(v) for name, v in zip(aggregates, values, strict=True)}}
            for key, *values in cursor.fetchall()
        ]
    names = dict(Area.objects.filter(pk__in=[r["key"] for r in rows]).values_list("pk", "name"))
    return sorted(_tallies(rows, names), key=lambda t: (t.rate is None, -(t.rate or 0), t.label))


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


def sessions_of(queryset: QuerySet[Recommendation]) -> QuerySet[Session]:
    return Session.objects.filter(pk__in=queryset.values("session_id"))


def national_followup_tables(today: dt.date) -> dict:
    """The tables a national reader sees with no filter (what the warm-up
    task computes after each change, off the request path)."""
    queryset = Recommendation.objects.all().sent()
    return followup_tables(queryset, sessions_of(queryset), today)


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
        by_body, by_year, total = tally_by_body_and_year(queryset, today)
        return {
            "by_body": by_body,
            "by_province": tally_by_province(queryset, today),
            "by_year": by_year,
            "per_year": sessions_per_year(sessions),
            "total": total,
        }

    return cached(f"followup:{supervision_version()}:{today}:{key}", compute, timeout=600)
