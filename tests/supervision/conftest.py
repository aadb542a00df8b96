"""A body with a member supervisor, sessions built through the services up to
the state a test needs, recommendations due some days after the reminders'
day, and plans' data."""

import datetime as dt

import pytest

from supervision.choices import SessionStatus
from supervision.models import Recommendation, SupervisoryBody
from supervision.services.plans import TaskRow
from supervision.services.report import FindingRow, RecommendationRow, report_file
from supervision.services.sessions import (
    SessionData,
    session_create,
    session_transition,
    working_session_add,
)
from tests.factories import UserFactory
from units.choices import Role

S = SessionStatus
PATH = [S.NOTIFIED, S.IN_PROGRESS, S.REPORT_FILED, S.CONCLUDED, S.FOLLOW_UP, S.CLOSED]
REMINDERS_ON = dt.date(2024, 6, 1)  # the day the reminder tests run the daily job


@pytest.fixture
def body(district, supervisor):
    body = SupervisoryBody.objects.create(
        name="Đoàn đại biểu Quốc hội thành phố Thử",
        kind="na_delegation",
        level="province",
        area=district.parent,
    )
    body.members.add(supervisor)
    return body


@pytest.fixture
def other_supervisor(db):
    return UserFactory(username="other_supervisor", roles=[Role.SUPERVISOR])


def make_session(body, actor, units, *, status=S.PLANNED, due=None, decided=None):
    """A session of `body` at `units`, moved to `status` through the services; a
    recommendation to the first unit, due `due`, once the report is filed."""
    decided = decided or dt.date(2024, 2, 2)
    session = session_create(
        actor=actor,
        data=SessionData(
            body_id=body.pk,
            decision_number=f"{body.sessions.count() + 1}/KH-TEST",
            decision_date=decided,
            topic="Sắp xếp đơn vị sự nghiệp công lập",
            kind="thematic",
            period_from=2018,
            period_to=2023,
            unit_ids=[unit.pk for unit in units],
        ),
    )
    steps = [] if status == S.PLANNED else PATH[: PATH.index(status) + 1]
    for target in steps:
        if target == S.IN_PROGRESS:
            working_session_add(
                actor=actor,
                session_id=session.pk,
                unit_id=units[0].pk,
                date=decided + dt.timedelta(days=27),
                place="Trụ sở",
            )
        if target == S.REPORT_FILED:
            report_file(
                actor=actor,
                session_id=session.pk,
                header={"report_number": "12/BC", "report_date": decided + dt.timedelta(days=28)},
                findings=[FindingRow(kind="achievement", text="Giảm 06 đầu mối.")],
                recommendations=[
                    RecommendationRow(
                        unit_id=units[0].pk,
                        text="Gửi báo cáo giải trình bổ sung.",
                        due=due or decided + dt.timedelta(days=31),
                    )
                ],
            )
        session_transition(actor=actor, session_id=session.pk, target=target)
    session.refresh_from_db()
    return session


@pytest.fixture
def filed(body, supervisor, unit):
    """A session whose report is filed, with one recommendation due 04/03/2024."""
    return make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))


def session_state(session):
    """What a refused write must leave as it was."""
    session.refresh_from_db()
    recs = list(Recommendation.objects.filter(session=session).values_list("status", "current_due"))
    return (
        session.status,
        session.report_number,
        session.published_at,
        session.working_sessions.count(),
        recs,
    )


@pytest.fixture
def due_in(body, supervisor, unit):
    """A recommendation to `unit` due `days` after REMINDERS_ON."""

    def make(days):
        session = make_session(
            body,
            supervisor,
            [unit],
            status=SessionStatus.REPORT_FILED,
            due=REMINDERS_ON + dt.timedelta(days=days),
            decided=dt.date(2024, 1, 2),
        )
        return session.recommendations.get()

    return make


def plan_data(area):
    return {
        "number": "128-KH/TU",
        "date": dt.date(2024, 2, 5),
        "issuer": "Tỉnh ủy",
        "title": "Kế hoạch thực hiện Kết luận 62-KL/TW",
        "implements": "Kết luận 62-KL/TW",
        "area": area,
    }


def plan_task(progress, weight, title="Nhóm"):
    return TaskRow(
        title=title,
        responsible_unit_id=None,
        due_on=None,
        progress=progress,
        status="in_progress",
        weight=weight,
    )
