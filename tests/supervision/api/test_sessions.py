"""Sessions and their result reports written through the API: the pages'
services, permissions and audit entries; the step deadlines in the session."""

import datetime as dt

import pytest

from supervision.choices import SessionStatus
from supervision.models import Session
from tests.conftest import queries_of
from tests.units.api.problems import fields
from units.models import AuditEntry

from ..conftest import make_session


def send(client, method, url, body):
    return getattr(client, method)(url, body, content_type="application/json")


def session_body(body, unit, /, **changes):
    return {
        "body": body.pk,
        "decision_number": "15/QĐ-ĐĐBQH",
        "decision_date": "2024-02-02",
        "topic": "Sắp xếp đơn vị sự nghiệp công lập 2018–2023",
        "kind": "thematic",
        "period_from": 2018,
        "period_to": 2023,
        "units": [unit.pk],
        **changes,
    }


def test_it_creates_and_edits_a_session_with_its_audit(client, body, supervisor, unit):
    client.force_login(supervisor)
    created = send(client, "post", "/api/v1/sessions/", session_body(body, unit))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "planned" and data["supervised_units"] == [unit.pk]
    assert AuditEntry.objects.filter(action="session.create").count() == 1
    url = f"/api/v1/sessions/{data['id']}/"
    edited = send(client, "patch", url, {"topic": "Chủ đề mới", "period_from": 2019})
    assert edited.status_code == 200, edited.content
    session = Session.objects.get(pk=data["id"])
    assert (session.topic, session.period_from, session.period_to) == ("Chủ đề mới", 2019, 2023)
    assert list(session.supervised_units.all()) == [unit]
    replaced = send(client, "put", url, session_body(body, unit, decision_number="16/QĐ"))
    assert replaced.json()["decision_number"] == "16/QĐ"
    assert AuditEntry.objects.filter(action="session.update").count() == 2


@pytest.mark.parametrize("who", ["clerk", "official", "other_supervisor"])
def test_others_may_not_create_or_edit_sessions(client, request, body, supervisor, unit, who):
    session = make_session(body, supervisor, [unit])
    client.force_login(request.getfixturevalue(who))
    assert send(client, "post", "/api/v1/sessions/", session_body(body, unit)).status_code == 403
    url = f"/api/v1/sessions/{session.pk}/"
    assert send(client, "patch", url, {"topic": "x"}).status_code == 403
    assert Session.objects.count() == 1 and Session.objects.get().topic != "x"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"units": [10**30]}, "units.0"),
        ({"units": [99_999_999]}, "units"),
        ({"members": [10**30]}, "members.0"),
        ({"lead": 10**30}, "lead"),
        ({"body": 10**30}, "body"),
        ({"period_from": 2024, "period_to": 2018}, "period_to"),
        ({"decision_date": "9999-12-31"}, "decision_date"),
        ({"decision_date": "0001-01-01"}, "decision_date"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, body, supervisor, unit, changes, field):
    client.force_login(supervisor)
    response = send(client, "post", "/api/v1/sessions/", session_body(body, unit, **changes))
    assert response.status_code == 400, response.content
    assert field in fields(response), response.json()
    assert not Session.objects.exists()


def test_the_session_shows_its_step_deadlines(client, body, supervisor, unit):
    session = make_session(body, supervisor, [unit], status=SessionStatus.IN_PROGRESS)
    client.force_login(supervisor)
    data = client.get(f"/api/v1/sessions/{session.pk}/").json()
    steps = {row["step"]: row for row in data["deadlines"]}
    assert set(steps) == {"plan_sent", "session_notice", "report_due", "response_due"}
    assert {"label", "due", "days", "law", "state"} <= set(steps["report_due"])
    assert steps["plan_sent"]["state"] == "done"
    assert data["working_sessions"][0]["unit"] == unit.pk


def test_the_list_gives_the_deadlines_in_a_fixed_number_of_queries(client, body, supervisor, unit):
    make_session(body, supervisor, [unit], status=SessionStatus.IN_PROGRESS)
    client.force_login(supervisor)
    one = queries_of(lambda: client.get("/api/v1/sessions/"))
    for _ in range(3):
        make_session(body, supervisor, [unit], status=SessionStatus.IN_PROGRESS)
    four = queries_of(lambda: client.get("/api/v1/sessions/"))
    rows = client.get("/api/v1/sessions/").json()["results"]
    assert len(rows) == 4 and all(len(row["deadlines"]) == 4 for row in rows)
    assert four == one


def test_a_working_session_then_the_report_filed_through_the_api(client, body, supervisor, unit):
    session = make_session(body, supervisor, [unit], status=SessionStatus.NOTIFIED)
    client.force_login(supervisor)
    base = f"/api/v1/sessions/{session.pk}"
    working = {"unit": unit.pk, "date": "2024-02-29", "place": "Trụ sở"}
    assert send(client, "post", f"{base}/working-sessions/", working).status_code == 201
    moved = send(client, "post", f"{base}/transition/", {"to": "in_progress"})
    assert moved.json()["status"] == "in_progress"
    report = {
        "report_number": "12/BC-ĐĐBQH",
        "report_date": "2024-03-01",
        "conclusions": "Cơ bản hoàn thành.",
        "findings": [{"kind": "achievement", "text": "Giảm 06 đầu mối.", "unit": unit.pk}],
        "recommendations": [
            {"unit": unit.pk, "text": "Gửi báo cáo giải trình.", "due": "2024-03-04"}
        ],
    }
    before = AuditEntry.objects.count()
    filed = send(client, "put", f"{base}/report/", report)
    assert filed.status_code == 200, filed.content
    data = filed.json()
    assert data["conclusions"] == "Cơ bản hoàn thành."
    assert [f["text"] for f in data["findings"]] == ["Giảm 06 đầu mối."]
    rec = data["recommendations"][0]
    assert (rec["text"], rec["original_due"], rec["addressed_unit"]) == (
        "Gửi báo cáo giải trình.",
        "2024-03-04",
        unit.pk,
    )
    assert AuditEntry.objects.count() == before + 1
    # Rewritten with the recommendation's id: the same row, its text changed.
    report["recommendations"][0] |= {"id": rec["id"], "text": "Gửi bổ sung."}
    again = send(client, "put", f"{base}/report/", report).json()
    assert [(r["id"], r["text"]) for r in again["recommendations"]] == [(rec["id"], "Gửi bổ sung.")]


def test_report_errors_name_the_row_and_nothing_is_saved(client, body, supervisor, unit, clerk):
    session = make_session(body, supervisor, [unit], status=SessionStatus.IN_PROGRESS)
    url = f"/api/v1/sessions/{session.pk}/report/"
    report = {
        "report_number": "12/BC",
        "report_date": "2024-03-01",
        "findings": [{"kind": "achievement", "text": " "}],
        "recommendations": [{"unit": 10**30, "text": "x", "due": "2024-03-04"}],
    }
    client.force_login(clerk)
    assert send(client, "put", url, report).status_code == 403
    client.force_login(supervisor)
    response = send(client, "put", url, report)
    assert response.status_code == 400
    assert "recommendations.0.unit" in fields(response), response.json()
    report["recommendations"][0]["unit"] = unit.pk
    response = send(client, "put", url, report)
    assert response.status_code == 400
    assert fields(response) == ["findings.0.text"], response.json()
    session.refresh_from_db()
    assert session.report_number == "" and not session.findings.exists()


def test_publishing_through_the_api(client, body, supervisor, unit):
    session = make_session(body, supervisor, [unit], status=SessionStatus.REPORT_FILED)
    client.force_login(supervisor)
    url = f"/api/v1/sessions/{session.pk}/publish/"
    published = send(client, "post", url, {"publish": True})
    assert published.status_code == 200, published.content
    assert published.json()["published_at"]
    assert AuditEntry.objects.filter(action="session.publish").count() == 1
    assert send(client, "post", url, {"publish": False}).json()["published_at"] is None


def test_a_session_decided_long_ago_keeps_its_deadlines_readable(client, body, supervisor, unit):
    """Regression guard: a date never reaches the representation unbounded."""
    session = make_session(body, supervisor, [unit], decided=dt.date(2016, 5, 2))
    client.force_login(supervisor)
    assert client.get(f"/api/v1/sessions/{session.pk}/").status_code == 200
