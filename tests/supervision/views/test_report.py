"""The report form: saved all or nothing, rows added without saving and at no
query each, and a filed report's due dates not moved through the form."""

import datetime as dt

from django.urls import reverse

from supervision.choices import SessionStatus
from supervision.models import Session
from tests.conftest import queries_of
from tests.supervision.conftest import make_session
from tests.supervision.views.report_form import report_form
from units.models import AuditEntry

S = SessionStatus


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


def test_a_filed_reports_due_dates_move_only_with_a_reason(client, supervisor, filed, unit):
    rec = filed.recommendations.get()
    client.force_login(supervisor)
    data = report_form(unit, id=rec.pk, text=rec.text, due="01/01/2030")
    response = client.post(reverse("supervision:report_edit", args=[filed.pk]), data)
    assert response.status_code == 200
    rec.refresh_from_db()
    assert (rec.original_due, rec.current_due) == (dt.date(2024, 3, 4), dt.date(2024, 3, 4))


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
