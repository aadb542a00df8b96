"""Restructurings through the API: the same service and messages as the guided
form, a dry run that writes nothing, 403 out of scope, 409 when another decision
closed the unit first, reversal with a reason."""

import datetime as dt

import pytest

from tests.factories import ServiceUnitFactory
from tests.units.api.problems import fields, problem
from units.models import AuditEntry, Restructuring, Unit
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply


def consolidation(a, b, **decision):
    """The body of a consolidation of `a` and `b`; `decision` overrides the
    decision's fields (shared by the API's test modules)."""
    return {
        "kind": "consolidate",
        "decision": {
            "number": "15/QĐ-UBND",
            "decided_on": "2024-06-01",
            "effective_on": "2024-07-01",
            "authority": "UBND quận",
        }
        | decision,
        "source_ids": [a.pk, b.pk],
        "new_units": [{"name": "Trường Mầm non Hợp Nhất"}],
    }


@pytest.fixture
def pair(district):
    return [ServiceUnitFactory(area=district, name=n) for n in ("Trường A", "Trường B")]


def test_a_dry_run_plans_without_writing_then_the_post_applies(client, clerk, pair, eager_tasks):
    client.force_login(clerk)
    body = consolidation(*pair)
    plan = client.post("/api/v1/restructurings/?dry_run=1", body, content_type="application/json")
    assert plan.status_code == 200, plan.content
    data = plan.json()
    assert sorted(u["name"] for u in data["ceasing"]) == ["Trường A", "Trường B"]
    assert [u["name"] for u in data["created"]] == ["Trường Mầm non Hợp Nhất"]
    assert {row["change"] for row in data["count_change"]} == {-1}
    assert not Restructuring.objects.exists() and not AuditEntry.objects.exists()
    applied = client.post("/api/v1/restructurings/", body, content_type="application/json")
    assert applied.status_code == 201, applied.content
    assert applied.json()["decision_number"] == "15/QĐ-UBND"
    assert Unit.objects.get(pk=pair[0].pk).closed_on == dt.date(2024, 7, 1)
    assert AuditEntry.objects.filter(action="restructuring.apply").count() == 1


@pytest.mark.parametrize("who", ["official", "supervisor", "outsider_clerk"])
def test_others_get_403_and_nothing_changes(client, request, pair, who):
    client.force_login(request.getfixturevalue(who))
    for url in ("/api/v1/restructurings/", "/api/v1/restructurings/?dry_run=1"):
        response = client.post(url, consolidation(*pair), content_type="application/json")
        assert response.status_code == 403, (who, url)
    assert not Restructuring.objects.exists()
    assert all(u.closed_on is None for u in Unit.objects.all())


def test_validation_errors_name_the_field_in_vietnamese(client, clerk, pair):
    client.force_login(clerk)
    body = consolidation(*pair)
    body["source_ids"] = [pair[0].pk]
    body["decision"]["effective_on"] = "not a date"
    response = client.post("/api/v1/restructurings/", body, content_type="application/json")
    assert response.status_code == 400
    assert "decision.effective_on" in fields(response)
    body["decision"]["effective_on"] = "2024-07-01"
    refused = client.post("/api/v1/restructurings/", body, content_type="application/json")
    assert refused.status_code == 400
    assert not Restructuring.objects.exists()


def test_a_lost_race_is_a_409(client, clerk, pair, district):
    other = ServiceUnitFactory(area=district, name="Trường C")
    restructuring_apply(
        actor=clerk,
        kind="merge",
        decision=Decision(
            number="1/QĐ",
            decided_on=dt.date(2024, 5, 1),
            effective_on=dt.date(2024, 6, 1),
            authority="UBND quận",
        ),
        source_ids=[pair[0].pk],
        target_id=other.pk,
    )
    client.force_login(clerk)
    response = client.post(
        "/api/v1/restructurings/", consolidation(*pair), content_type="application/json"
    )
    assert response.status_code == 409
    assert "1/QĐ" in problem(response)["detail"]
    assert Restructuring.objects.count() == 1


def test_a_decision_is_reversed_with_a_reason(client, clerk, pair, eager_tasks):
    client.force_login(clerk)
    applied = client.post(
        "/api/v1/restructurings/", consolidation(*pair), content_type="application/json"
    ).json()
    url = f"/api/v1/restructurings/{applied['id']}/reverse/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    response = client.post(url, {"reason": "Nhập nhầm"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Unit.objects.get(pk=pair[0].pk).closed_on is None


@pytest.mark.parametrize(
    "field", ["source_ids", "target_id", "new_parent_id", "new_area_id", "parent_id", "area_id"]
)
def test_an_id_past_64_bits_is_a_400_not_a_500(client, clerk, pair, field):
    """The staffing bulk upsert overflowed its query on such an id (the fuzzer's
    find); every id the decision names is bounded the same way."""
    client.force_login(clerk)
    body = consolidation(*pair)
    huge = 10**21
    if field == "source_ids":
        body[field] = [pair[0].pk, huge]
    elif field in ("parent_id", "area_id"):
        body["new_units"][0][field] = huge
    else:
        body[field] = huge
    for url in ("/api/v1/restructurings/?dry_run=1", "/api/v1/restructurings/"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (field, response.content)
    assert not Restructuring.objects.exists()
