"""The session pages: only the body's supervisors edit its sessions, everyone
else gets 403 and nothing changes; each write of the pages is audited once;
hostile input is refused, not crashed; an official outside the scope reads
nothing of it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from supervision.choices import SessionStatus
from supervision.models import Session
from supervision.services import recommendations as services
from tests.factories import UserFactory
from tests.files import PDF
from tests.supervision.conftest import make_session, session_state
from tests.supervision.views.report_form import report_form
from units.choices import Role
from units.models import AuditEntry

S = SessionStatus


def session_writes(session, unit):
    return [
        ("supervision:session_transition", {"to": "concluded"}),
        ("supervision:session_publish", {"publish": "1"}),
        ("supervision:report_edit", {"report_number": "x"}),
        ("supervision:session_edit", {"topic": "x"}),
        ("supervision:working_add", {"unit": unit.pk, "date": "01/03/2024"}),
    ]


@pytest.mark.parametrize("who", ["other_supervisor", "clerk", "official", "outsider_clerk"])
def test_only_the_bodys_supervisors_edit_its_sessions(client, request, filed, unit, who):
    client.force_login(request.getfixturevalue(who))
    before, audited = session_state(filed), AuditEntry.objects.count()
    for name, data in session_writes(filed, unit):
        response = client.post(reverse(name, args=[filed.pk]), data)
        assert response.status_code == 403, name
    assert session_state(filed) == before
    assert AuditEntry.objects.count() == audited


def test_a_supervisors_transition_is_audited_once(client, supervisor, filed):
    client.force_login(supervisor)
    audited = AuditEntry.objects.count()
    response = client.post(
        reverse("supervision:session_transition", args=[filed.pk]), {"to": "concluded"}
    )
    assert response.status_code == 302
    assert session_state(filed)[0] == "concluded"
    assert AuditEntry.objects.count() == audited + 1


def test_an_invalid_transition_is_refused_with_a_message(client, supervisor, filed):
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:session_transition", args=[filed.pk]), {"to": "closed"}, follow=True
    )
    assert "không thể chuyển sang" in response.content.decode()
    assert session_state(filed)[0] == "report_filed"


def test_anonymous_users_are_sent_to_log_in(client, filed):
    response = client.post(reverse("supervision:session_transition", args=[filed.pk]), {"to": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_session_is_created_from_its_decision(client, supervisor, body, unit):
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:session_new"),
        {
            "body": body.pk,
            "decision_number": "05/KH-ĐĐBQH",
            "decision_date": "02/02/2024",
            "topic": "Sắp xếp đơn vị sự nghiệp",
            "kind": "thematic",
            "period_from": "2018",
            "period_to": "2023",
            "units": [unit.pk],
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert list(session.supervised_units.all()) == [unit]
    assert AuditEntry.objects.filter(action="session.create").count() == 1


def test_the_unit_type_ahead_finds_units_without_accents(client, supervisor, unit):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:unit_pick"), {"q": "may chai"})
    assert unit.name in response.content.decode()


def test_every_write_of_the_pages_is_audited_once(client, supervisor, clerk, body, unit):
    """Each form of the session and recommendation pages, posted by the user
    allowed to, writes exactly one audit entry."""
    session = make_session(body, supervisor, [unit], status=S.PLANNED)
    today = timezone.localdate().strftime("%d/%m/%Y")

    def post(user, name, args, data):
        client.force_login(user)
        before = AuditEntry.objects.count()
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == 302, (name, data)
        assert AuditEntry.objects.count() == before + 1, (name, data)

    post(
        supervisor, "supervision:working_add", [session.pk], {"unit": unit.pk, "date": "29/02/2024"}
    )
    for target in ("notified", "in_progress"):
        post(supervisor, "supervision:session_transition", [session.pk], {"to": target})
    post(supervisor, "supervision:report_edit", [session.pk], report_form(unit))
    post(supervisor, "supervision:session_transition", [session.pk], {"to": "report_filed"})
    post(supervisor, "supervision:session_publish", [session.pk], {"publish": "1"})
    rec = session.recommendations.get()
    act = "supervision:recommendation_act"
    post(clerk, act, [rec.pk, "respond"], {"date": today, "text": "Đã gửi"})
    post(clerk, act, [rec.pk, "propose"], {"new_due": "01/04/2024", "reason": "Chờ số liệu"})
    change = rec.deadline_changes.get()
    post(supervisor, "supervision:deadline_decide", [rec.pk, change.pk], {"accept": "1"})
    post(supervisor, act, [rec.pk, "move"], {"new_due": "15/04/2024", "reason": "Gia hạn"})
    post(supervisor, act, [rec.pk, "escalate"], {"kind": "reminder", "date": today, "note": ""})
    post(supervisor, act, [rec.pk, "assess"], {"outcome": "implemented"})
    rec.refresh_from_db()
    assert (rec.status, rec.original_due, rec.current_due) == (
        "implemented",
        dt.date(2024, 3, 4),
        dt.date(2024, 4, 15),
    )


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
        attachment=SimpleUploadedFile("a.pdf", PDF),
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
    assert b"".join(download.streaming_content) == PDF
