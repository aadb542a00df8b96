"""The session state machine and its guards: invalid steps refused with a
message, each step audited once, only the body's supervisors move a session,
and the units in use kept."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.choices import SessionStatus
from supervision.models import Session
from supervision.services.sessions import (
    TRANSITIONS,
    SessionData,
    session_transition,
    session_update,
)
from tests.factories import ServiceUnitFactory
from tests.supervision.conftest import make_session
from units.models import AuditEntry

S = SessionStatus


@pytest.mark.parametrize(
    "current,target",
    [
        (current, target)
        for current, target in itertools.product(S.values, [*S.values, "nonsense"])
        if target not in TRANSITIONS.get(current, ())
    ],
)
def test_it_refuses_every_invalid_transition_with_a_message(
    body, supervisor, unit, current, target
):
    session = make_session(body, supervisor, [unit])
    Session.objects.filter(pk=session.pk).update(status=current)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        session_transition(actor=supervisor, session_id=session.pk, target=target)
    assert "không thể chuyển sang" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.status == current
    assert AuditEntry.objects.count() == before


def test_it_walks_the_whole_lifecycle_each_step_audited_once(body, supervisor, unit):
    session = make_session(body, supervisor, [unit], status=S.FOLLOW_UP)
    assert session.status == S.FOLLOW_UP
    transitions = AuditEntry.objects.filter(action="session.transition", object_id=str(session.pk))
    assert [entry.after["status"] for entry in transitions.order_by("id")] == [
        "notified",
        "in_progress",
        "report_filed",
        "concluded",
        "follow_up",
    ]


@pytest.mark.parametrize(
    "status,target,words",
    [
        (S.PLANNED, S.NOTIFIED, "đối tượng chịu giám sát"),
        (S.NOTIFIED, S.IN_PROGRESS, "buổi làm việc"),
        (S.IN_PROGRESS, S.REPORT_FILED, "lập báo cáo"),
        (S.FOLLOW_UP, S.CLOSED, "Còn kiến nghị"),
    ],
)
def test_it_refuses_a_step_whose_content_is_missing(body, supervisor, unit, status, target, words):
    units = [] if target == S.NOTIFIED else [unit]
    session = make_session(body, supervisor, units or [unit], status=status)
    if target == S.NOTIFIED:
        session.supervised_units.clear()
    if target == S.REPORT_FILED:
        session.findings.all().delete()
    with pytest.raises(ValidationError) as refused:
        session_transition(actor=supervisor, session_id=session.pk, target=target)
    assert words in refused.value.messages[0]
    session.refresh_from_db()
    assert session.status == status


def test_only_the_bodys_supervisors_move_a_session(body, supervisor, unit, other_supervisor, clerk):
    session = make_session(body, supervisor, [unit])
    for intruder in (other_supervisor, clerk):
        with pytest.raises(PermissionDenied):
            session_transition(actor=intruder, session_id=session.pk, target=S.NOTIFIED)
    session.refresh_from_db()
    assert session.status == S.PLANNED


def test_a_unit_in_use_stays_on_the_session(body, supervisor, unit, district):
    session = make_session(body, supervisor, [unit], status=S.REPORT_FILED)
    other = ServiceUnitFactory(area=district)
    data = SessionData(
        body_id=body.pk,
        decision_number=session.decision_number,
        decision_date=session.decision_date,
        topic=session.topic,
        kind=session.kind,
        period_from=2018,
        period_to=2023,
        unit_ids=[other.pk],
    )
    with pytest.raises(ValidationError) as refused:
        session_update(actor=supervisor, session_id=session.pk, data=data)
    assert "units" in refused.value.message_dict
    assert list(session.supervised_units.all()) == [unit]
