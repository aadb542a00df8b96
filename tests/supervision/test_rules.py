"""The legal rules behind a session's deadlines: which law applies on a date,
a body kind's own rule, the deadlines they give a session."""

import datetime as dt

from supervision.choices import LegalStep, SessionStatus
from supervision.rules import applicable_rule, step_deadlines
from tests.supervision.conftest import make_session

S = SessionStatus


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
