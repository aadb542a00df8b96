"""The pages: only the body's supervisors edit its sessions, only clerks in
scope answer, everyone else gets 403 and nothing changes; each write is
audited once; lists cost a fixed number of queries."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from supervision.choices import SessionStatus
from supervision.models import Recommendation, Session
from tests.conftest import queries_of
from tests.factories import ServiceUnitFactory
from units.models import AuditEntry

from .conftest import make_session

S = SessionStatus


def _state(session):
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
def filed(body, supervisor, unit):
    return make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))


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
    before, audited = _state(filed), AuditEntry.objects.count()
    for name, data in session_writes(filed, unit):
        response = client.post(reverse(name, args=[filed.pk]), data)
        assert response.status_code == 403, name
    assert _state(filed) == before
    assert AuditEntry.objects.count() == audited


def test_a_supervisors_transition_is_audited_once(client, supervisor, filed):
    client.force_login(supervisor)
    audited = AuditEntry.objects.count()
    response = client.post(
        reverse("supervision:session_transition", args=[filed.pk]), {"to": "concluded"}
    )
    assert response.status_code == 302
    assert _state(filed)[0] == "concluded"
    assert AuditEntry.objects.count() == audited + 1


def test_an_invalid_transition_is_refused_with_a_message(client, supervisor, filed):
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:session_transition", args=[filed.pk]), {"to": "closed"}, follow=True
    )
    assert "không thể chuyển sang" in response.content.decode()
    assert _state(filed)[0] == "report_filed"


def test_anonymous_users_are_sent_to_log_in(client, filed):
    response = client.post(reverse("supervision:session_transition", args=[filed.pk]), {"to": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _rec_writes():
    return [
        ("respond", {"date": "05/03/2024", "text": "Đã gửi"}),
        ("propose", {"new_due": "01/04/2024", "reason": "Chờ số liệu"}),
    ]


@pytest.mark.parametrize("who", ["outsider_clerk", "official", "other_supervisor"])
def test_only_clerks_in_scope_answer(client, request, filed, who):
    rec = filed.recommendations.get()
    client.force_login(request.getfixturevalue(who))
    audited, before = AuditEntry.objects.count(), _state(filed)
    for action, data in _rec_writes():
        response = client.post(
            reverse("supervision:recommendation_act", args=[rec.pk, action]), data
        )
        assert response.status_code == 403, action
    assert _state(filed) == before
    rec.refresh_from_db()
    assert rec.status == "open" and not rec.deadline_changes.exists()
    assert AuditEntry.objects.count() == audited


def test_the_clerks_answer_with_an_attachment_is_audited_once(
    client, clerk, filed, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    rec = filed.recommendations.get()
    client.force_login(clerk)
    audited = AuditEntry.objects.count()
    attachment = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", "application/pdf")
    response = client.post(
        reverse("supervision:recommendation_act", args=[rec.pk, "respond"]),
        {
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "text": "Đã gửi",
            "attachment": attachment,
        },
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "responded"
    assert AuditEntry.objects.count() == audited + 1
    answer = rec.responses.get()
    download = client.get(reverse("supervision:response_file", args=[rec.pk, answer.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_a_date_without_a_reason_is_refused_in_words(client, clerk, filed):
    rec = filed.recommendations.get()
    client.force_login(clerk)
    response = client.post(
        reverse("supervision:recommendation_act", args=[rec.pk, "propose"]),
        {"new_due": "01/04/2024", "reason": ""},
    )
    assert response.status_code == 400
    assert "Không được thay đổi thời hạn mà không nêu lý do." in response.content.decode()
    assert not rec.deadline_changes.exists()


def test_the_report_is_saved_all_or_nothing(client, supervisor, body, unit):
    session = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    client.force_login(supervisor)
    data = {
        "report_number": "12/BC",
        "report_date": "01/03/2024",
        "findings-TOTAL_FORMS": "2",
        "findings-INITIAL_FORMS": "0",
        "findings-0-kind": "achievement",
        "findings-0-text": "Giảm 06 đầu mối",
        "findings-1-kind": "shortcoming",
        "findings-1-text": "",
        "recommendations-TOTAL_FORMS": "1",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-0-unit": unit.pk,
        "recommendations-0-text": "Gửi báo cáo bổ sung",
        "recommendations-0-due": "",
    }
    url = reverse("supervision:report_edit", args=[session.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.report_number == "" and not session.findings.exists()
    assert not session.recommendations.exists()
    data["recommendations-0-due"] = "04/03/2024"
    audited = AuditEntry.objects.count()
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.report_number == "12/BC"
    assert session.findings.count() == 1  # the blank row is ignored
    assert session.recommendations.get().current_due == dt.date(2024, 3, 4)
    assert AuditEntry.objects.count() == audited + 1


def test_the_add_rows_button_saves_nothing(client, supervisor, body, unit):
    session = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:report_edit", args=[session.pk]),
        {
            "add_rows": "1",
            "findings-TOTAL_FORMS": "1",
            "findings-INITIAL_FORMS": "0",
            "recommendations-TOTAL_FORMS": "1",
            "recommendations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["findings"].total_form_count() == 3
    assert not Session.objects.get(pk=session.pk).report_number


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


def test_the_overdue_list_sorts_by_days_overdue(client, official, body, supervisor, district):
    late = ServiceUnitFactory(name="Đơn vị trễ lâu", area=district)
    recent = ServiceUnitFactory(name="Đơn vị trễ ít", area=district)
    make_session(body, supervisor, [recent], status=S.REPORT_FILED, due=dt.date(2024, 5, 1))
    make_session(body, supervisor, [late], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    client.force_login(official)
    response = client.get(reverse("supervision:overdue"))
    rows = list(response.context["page"])
    assert [r.addressed_unit.name for r in rows] == ["Đơn vị trễ lâu", "Đơn vị trễ ít"]
    assert rows[0].days_overdue_on == (timezone.localdate() - dt.date(2024, 3, 4)).days
    csv = b"".join(
        client.get(reverse("supervision:export_csv", args=["overdue"])).streaming_content
    )
    assert "Đơn vị trễ lâu".encode() in csv and b"04/03/2024" in csv
    late = str((timezone.localdate() - dt.date(2024, 3, 4)).days).encode()
    assert "Chưa thực hiện".encode() in csv and late in csv


def test_list_pages_cost_a_fixed_number_of_queries(client, official, body, supervisor, district):
    client.force_login(official)
    pages = ["followup", "followup_summary", "overdue", "session_list"]

    def visit():
        cache.clear()  # uncached: versions move on commit, tests roll back
        for name in pages:
            assert client.get(reverse(name.join(["supervision:", ""]))).status_code == 200

    for _ in range(2):
        unit = ServiceUnitFactory(area=district)
        make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    few = queries_of(visit)
    for _ in range(4):
        unit = ServiceUnitFactory(area=district)
        make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    assert queries_of(visit) == few


def test_the_follow_up_tables_count_by_state(client, official, body, supervisor, clerk, district):
    units = [ServiceUnitFactory(area=district) for _ in range(3)]
    for unit in units:
        make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    first = Recommendation.objects.order_by("pk").first()
    first.status, first.settled_on = "implemented", dt.date(2024, 3, 5)
    first.save()
    client.force_login(official)
    tables = client.get(reverse("supervision:followup_summary")).context["tables"]
    assert (tables["total"].total, tables["total"].overdue, tables["total"].implemented) == (
        3,
        2,
        1,
    )
    assert tables["by_body"][0].label == body.name
    assert tables["by_province"][0].rate == 100.0
    assert tables["per_year"][0].sessions == 3
    assert [(t.label, t.total, t.implemented) for t in tables["by_year"]] == [("2024", 3, 1)]


def test_the_public_page_shows_published_sessions_only(client, supervisor, filed, body, unit):
    hidden = make_session(body, supervisor, [unit], status=S.REPORT_FILED)
    client.force_login(supervisor)
    client.post(reverse("supervision:session_publish", args=[filed.pk]), {"publish": "1"})
    client.logout()
    listing = client.get(reverse("supervision:public")).content.decode()
    assert filed.decision_number in listing and hidden.decision_number not in listing
    assert client.get(reverse("supervision:public_session", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("supervision:report_docx", args=[hidden.pk])).status_code == 404
    page = client.get(reverse("supervision:public_session", args=[filed.pk])).content.decode()
    assert "Gửi báo cáo giải trình bổ sung." in page
    assert filed.topic in client.get(reverse("landing")).content.decode()


def test_a_change_warms_the_national_tables(
    client, official, body, supervisor, unit, eager_tasks, django_capture_on_commit_callbacks
):
    """GIVEN a supervision change that commits WHEN a national reader opens the
    follow-up tables THEN they come from the cache the warm-up task filled."""
    client.force_login(official)
    url = reverse("supervision:followup_summary")
    client.get(url)  # the session and user are loaded once
    with django_capture_on_commit_callbacks(execute=True):
        make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    warm = queries_of(lambda: client.get(url))
    assert client.get(url).context["tables"]["total"].total == 1
    cache.clear()
    assert queries_of(lambda: client.get(url)) > warm + 2  # computed: the tallies' queries


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
    report = {
        "report_number": "12/BC",
        "report_date": "01/03/2024",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-kind": "achievement",
        "findings-0-text": "Giảm 06 đầu mối.",
        "recommendations-TOTAL_FORMS": "1",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-0-unit": unit.pk,
        "recommendations-0-text": "Gửi báo cáo bổ sung.",
        "recommendations-0-due": "04/03/2024",
    }
    post(supervisor, "supervision:report_edit", [session.pk], report)
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
