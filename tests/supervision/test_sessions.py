"""The session state machine, its guards and the legal rules behind its deadlines."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.choices import LegalStep, SessionStatus
from supervision.models import Session
from supervision.rules import applicable_rule, step_deadlines
from supervision.services.sessions import TRANSITIONS, session_transition
from units.models import AuditEntry

from .conftest import make_session

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


def test_the_applicable_legal_rule_switches_on_1_march_2026(db):
    for step in LegalStep.values:
        before = applicable_rule(step, "council", dt.date(2026, 2, 28))
        after = applicable_rule(step, "council", dt.date(2026, 3, 1))
        assert before.law == "87/2015/QH13", step
        assert after.law == "121/2025/QH15", step
    assert applicable_rule("plan_sent", "na_delegation", dt.date(2016, 6, 30)) is None


def test_a_body_kinds_own_rule_wins_over_the_general_one(db):
    assert applicable_rule("plan_sent", "na_delegation", dt.date(2024, 2, 2)).days == 20
    assert applicable_rule("plan_sent", "council", dt.date(2024, 2, 2)).days == 15


def test_step_deadlines_follow_the_decision_and_the_working_sessions(body, supervisor, unit):
    session = make_session(body, supervisor, [unit], status=S.REPORT_FILED)
    dates = [dt.date(2024, 2, 29), dt.date(2024, 3, 2)]
    found = {d.step: d for d in step_deadlines(session, dates)}
    assert found["plan_sent"].due == dt.date(2024, 2, 22)  # 02/02 + 20 days (NA team)
    assert found["session_notice"].due == dt.date(2024, 2, 19)  # 10 days before 29/02
    assert found["session_notice"].before
    assert found["report_due"].due == dt.date(2024, 3, 17)  # 02/03 + 15 days
    assert found["response_due"].due == session.report_date + dt.timedelta(days=15)
