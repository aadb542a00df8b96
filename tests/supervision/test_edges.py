"""Edges found in review: reads limited to an official's scope, hostile input
that must not crash, dates that must not move through the back door, drafts
that are not yet anyone's business, and rows that cost no query each."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from supervision.choices import SessionStatus
from supervision.models import LegalRule, Notification
from supervision.services import recommendations as services
from supervision.services.notifications import reminders_send
from supervision.services.sessions import SessionData, session_update
from tests.conftest import queries_of
from tests.factories import UserFactory
from units.choices import Role

from .conftest import make_session

S = SessionStatus


@pytest.fixture
def filed(body, supervisor, unit):
    return make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))


def test_an_official_outside_the_scope_reads_nothing_of_it(
    client, filed, clerk, other_district, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    rec = filed.recommendations.get()
    answer = services.response_record(
        actor=clerk,
        recommendation_id=rec.pk,
        date=timezone.localdate(),
        text="Đã gửi",
        attachment=SimpleUploadedFile("a.pdf", b"%PDF secret"),
    ).pk
    outsider = UserFactory(roles=[Role.OFFICIAL], scope_area=other_district)
    client.force_login(outsider)
    for url in (
        reverse("supervision:recommendation_detail", args=[rec.pk]),
        reverse("supervision:session_detail", args=[filed.pk]),
        reverse("supervision:report_docx", args=[filed.pk]),
        reverse("supervision:response_file", args=[rec.pk, answer]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        filed.decision_number
        not in client.get(reverse("supervision:session_list")).content.decode()
    )
    insider = UserFactory(roles=[Role.OFFICIAL], scope_area=filed.supervised_units.get().area)
    client.force_login(insider)
    download = client.get(reverse("supervision:response_file", args=[rec.pk, answer]))
    assert b"".join(download.streaming_content) == b"%PDF secret"


def test_hostile_input_is_refused_not_crashed(client, supervisor, filed, body, unit):
    client.force_login(supervisor)
    assert client.post(reverse("supervision:notifications_read"), {"id": "²"}).status_code == 302
    bad_units = client.post(
        reverse("supervision:session_new"), {"body": body.pk, "units": ["²", "abc"]}
    )
    assert bad_units.status_code == 200
    running = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    rows = client.post(
        reverse("supervision:report_edit", args=[running.pk]),
        {"add_rows": "1", "findings-TOTAL_FORMS": "abc", "recommendations-TOTAL_FORMS": "9999999"},
    )
    assert rows.status_code == 200


def test_a_filed_reports_due_dates_move_only_with_a_reason(client, supervisor, filed, unit):
    rec = filed.recommendations.get()
    client.force_login(supervisor)
    data = {
        "report_number": "12/BC",
        "report_date": "01/03/2024",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-kind": "achievement",
        "findings-0-text": "Giảm 06 đầu mối.",
        "recommendations-TOTAL_FORMS": "1",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-0-id": rec.pk,
        "recommendations-0-unit": unit.pk,
        "recommendations-0-text": rec.text,
        "recommendations-0-due": "01/01/2030",
    }
    response = client.post(reverse("supervision:report_edit", args=[filed.pk]), data)
    assert response.status_code == 200
    rec.refresh_from_db()
    assert (rec.original_due, rec.current_due) == (dt.date(2024, 3, 4), dt.date(2024, 3, 4))


def test_a_settled_recommendation_keeps_its_date(filed, clerk, supervisor):
    rec = filed.recommendations.get()
    change = services.deadline_propose(
        actor=clerk, recommendation_id=rec.pk, new_due=dt.date(2031, 1, 1), reason="Chờ"
    )
    services.recommendation_assess(
        actor=supervisor, recommendation_id=rec.pk, outcome="implemented"
    )
    change.refresh_from_db()
    assert change.status == "rejected"  # the waiting proposal goes with the judgement
    with pytest.raises(ValidationError):
        services.deadline_decide(actor=supervisor, change_id=change.pk, accept=True)
    rec.refresh_from_db()
    assert rec.current_due == dt.date(2024, 3, 4)


def test_drafts_of_a_running_session_are_nobodys_business_yet(
    client, official, body, supervisor, unit, clerk
):
    session = make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    session.status = S.IN_PROGRESS
    session.save()
    assert reminders_send(today=dt.date(2024, 3, 5)) == 0
    client.force_login(official)
    assert not list(client.get(reverse("supervision:overdue")).context["page"])
    summary = client.get(reverse("supervision:followup_summary"))
    assert summary.context["tables"]["total"].total == 0


def test_report_rows_cost_no_query_each(client, supervisor, body, unit):
    session = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    client.force_login(supervisor)
    url = reverse("supervision:report_edit", args=[session.pk])

    def rows(n):
        return {
            "add_rows": "1",
            "findings-TOTAL_FORMS": str(n),
            "findings-INITIAL_FORMS": "0",
            "recommendations-TOTAL_FORMS": str(n),
            "recommendations-INITIAL_FORMS": "0",
        }

    few = queries_of(lambda: client.post(url, rows(1)))
    assert queries_of(lambda: client.post(url, rows(20))) == few


def test_a_unit_in_use_stays_on_the_session(body, supervisor, unit, district):
    from tests.factories import ServiceUnitFactory

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


def test_two_rules_for_one_step_never_overlap(db):
    rule = LegalRule(
        law="x",
        law_title="x",
        valid_from=dt.date(2026, 6, 1),
        step="response_due",
        body_kind="",
        days=5,
    )
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule.body_kind = "front"
    rule.full_clean()  # a rule of its own for one kind of body is fine


def test_former_supervisors_are_not_reminded(filed, supervisor, body):
    supervisor.is_active = False
    supervisor.save()
    reminders_send(today=dt.date(2024, 3, 1))
    assert not Notification.objects.filter(user=supervisor).exists()
