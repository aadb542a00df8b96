"""Hostile or mistyped input to supervision (issue 21, points 16 and 17): ids
too large for the database are a form error, not a 500 on SQLite; dates
outside the window decisions use (1945 to ten years ahead) are refused by
every write, with nothing saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from supervision.choices import SessionStatus
from supervision.models import DeadlineChange, Escalation, Response, Session
from supervision.services import recommendations as services
from supervision.services.plans import TaskRow, plan_save
from supervision.services.sessions import SessionData, session_create, working_session_add
from units.models import AuditEntry

from .conftest import make_session, plan_data

S = SessionStatus
HUGE = str(10**30)
YEAR_1 = dt.date(1, 1, 1)
YEAR_9999 = dt.date(9999, 12, 31)


def session_post(body, unit, changes) -> dict:
    data = {
        "body": body.pk,
        "decision_number": "1/KH-TEST",
        "decision_date": "02/02/2024",
        "topic": "Sắp xếp đơn vị sự nghiệp công lập",
        "kind": "thematic",
        "period_from": "2018",
        "period_to": "2023",
        "units": [unit.pk],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "field", ["units", "members", "lead", "body"], ids=["units", "members", "lead", "body"]
)
def test_an_id_too_large_is_a_form_error(client, supervisor, body, unit, field):
    session = make_session(body, supervisor, [unit])
    client.force_login(supervisor)
    before = AuditEntry.objects.count()
    data = session_post(body, unit, {field: [HUGE] if field in ("units", "members") else HUGE})
    for url in (
        reverse("supervision:session_edit", args=[session.pk]),
        reverse("supervision:session_new"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert b'class="error' in response.content
    assert AuditEntry.objects.count() == before


def test_an_id_too_large_in_the_report_and_plan_forms_is_refused(client, supervisor, body, unit):
    session = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    client.force_login(supervisor)
    from tests.supervision.views.report_form import report_form

    for field in ("unit", "id"):
        data = report_form(unit) | {f"recommendations-0-{field}": HUGE}
        response = client.post(reverse("supervision:report_edit", args=[session.pk]), data)
        assert response.status_code == 200
    response = client.post(
        reverse("supervision:working_add", args=[session.pk]), {"unit": HUGE, "date": "01/03/2024"}
    )
    assert response.status_code == 302
    assert not session.findings.exists()


def test_a_session_decided_in_9999_is_refused(supervisor, body, unit):
    data = SessionData(
        body_id=body.pk,
        decision_number="1/KH",
        decision_date=YEAR_9999,
        topic="Sắp xếp",
        kind="thematic",
        period_from=2018,
        period_to=2023,
        unit_ids=[unit.pk],
    )
    with pytest.raises(ValidationError) as refused:
        session_create(actor=supervisor, data=data)
    assert "decision_date" in refused.value.message_dict
    assert not Session.objects.exists()


def test_a_working_session_in_year_1_is_refused(supervisor, body, unit):
    session = make_session(body, supervisor, [unit])
    with pytest.raises(ValidationError):
        working_session_add(
            actor=supervisor, session_id=session.pk, unit_id=unit.pk, date=YEAR_1, place=""
        )
    assert not session.working_sessions.exists()


def test_an_answer_dated_year_1_is_refused(clerk, filed):
    rec = filed.recommendations.get()
    with pytest.raises(ValidationError) as refused:
        services.response_record(actor=clerk, recommendation_id=rec.pk, date=YEAR_1, text="Đã gửi.")
    assert "date" in refused.value.message_dict
    assert not Response.objects.exists()


@pytest.mark.parametrize("day", [YEAR_1, YEAR_9999], ids=["year-1", "year-9999"])
def test_an_escalation_outside_the_window_is_refused(supervisor, filed, day):
    rec = filed.recommendations.get()
    with pytest.raises(ValidationError) as refused:
        services.escalation_record(
            actor=supervisor, recommendation_id=rec.pk, kind="reminder", date=day, note=""
        )
    assert "date" in refused.value.message_dict
    assert not Escalation.objects.exists()


def test_a_due_date_moved_to_9999_is_refused(supervisor, clerk, filed):
    rec = filed.recommendations.get()
    for service, actor in (
        (services.deadline_move, supervisor),
        (services.deadline_propose, clerk),
    ):
        with pytest.raises(ValidationError) as refused:
            service(actor=actor, recommendation_id=rec.pk, new_due=YEAR_9999, reason="Chờ số liệu.")
        assert "new_due" in refused.value.message_dict
    rec.refresh_from_db()
    assert rec.current_due == dt.date(2024, 3, 4)
    assert not DeadlineChange.objects.exists()


def test_the_recommendation_page_shows_the_refusal(client, supervisor, filed):
    rec = filed.recommendations.get()
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:recommendation_act", args=[rec.pk, "move"]),
        {"new_due": "31/12/9999", "reason": "Chờ số liệu."},
    )
    assert response.status_code == 400
    assert "31/12" in response.content.decode()  # the window's end is named
    rec.refresh_from_db()
    assert rec.current_due == dt.date(2024, 3, 4)


def test_a_plan_dated_year_1_is_refused(clerk, district):
    task = TaskRow("Nhóm 1", None, YEAR_9999, 0, "not_started")
    with pytest.raises(ValidationError) as refused:
        plan_save(
            actor=clerk, plan_id=None, data=plan_data(district) | {"date": YEAR_1}, tasks=[task]
        )
    assert "date" in refused.value.message_dict
    assert "tasks.0.due_on" in refused.value.message_dict
