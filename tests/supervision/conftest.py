"""A body with a member supervisor, and sessions built through the services up
to the state a test needs."""

import datetime as dt

import pytest

from supervision.choices import SessionStatus
from supervision.models import SupervisoryBody
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
