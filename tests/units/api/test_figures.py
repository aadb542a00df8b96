"""Staffing and figures through the API: the bulk upsert is all or nothing with
errors per row; figures answer 304 while the snapshot has not changed; only an
admin triggers a full recompute."""

import pytest

from tests.factories import AgencyFactory, ServiceUnitFactory
from tests.units.api.problems import fields
from units.models import AuditEntry, StaffingFigure
from units.services.recompute import recompute
from units.services.tokens import token_create


def bulk(client, body, **headers):
    return client.post("/api/v1/staffing/bulk/", body, content_type="application/json", **headers)


def test_the_bulk_upsert_is_all_or_nothing_with_errors_per_row(client, clerk, district):
    school = ServiceUnitFactory(area=district)
    agency = AgencyFactory(area=district)
    token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    rows = [
        {"unit": school.pk, "category": "budget_employee", "assigned": 30, "actual": 28},
        {"unit": agency.pk, "category": "budget_employee", "assigned": 5},  # wrong category
    ]
    auth = {"HTTP_AUTHORIZATION": f"Token {text}"}
    refused = bulk(client, {"year": 2024, "rows": rows}, **auth)
    assert refused.status_code == 400, refused.content
    assert set(fields(refused)) == {"rows.1.category"}, refused.json()
    assert not StaffingFigure.objects.exists()
    rows[1]["category"] = "civil_servant"
    saved = bulk(client, {"year": 2024, "rows": rows}, **auth)
    assert saved.status_code == 200, saved.content
    assert saved.json() == {"created": 2, "changed": 0, "unchanged": 0}
    entry = AuditEntry.objects.get(action="staffing.save")
    assert entry.object_type == "units.apitoken" and entry.object_repr.startswith("Phần mềm")
    listed = client.get("/api/v1/staffing/", {"year": 2024}, **auth).json()["results"]
    assert sorted(r["assigned"] for r in listed) == [5, 30]


@pytest.mark.parametrize("who", ["official", "supervisor", "outsider_clerk"])
def test_others_may_not_upsert(client, request, district, who):
    school = ServiceUnitFactory(area=district)
    client.force_login(request.getfixturevalue(who))
    rows = [{"unit": school.pk, "category": "budget_employee", "assigned": 30}]
    assert bulk(client, {"year": 2024, "rows": rows}).status_code == 403
    assert not StaffingFigure.objects.exists()


def test_hostile_bodies_are_a_400(client, clerk):
    client.force_login(clerk)
    for body in ({}, {"year": "x", "rows": "y"}, {"year": 2024, "rows": [{"unit": -1}]}):
        assert bulk(client, body).status_code == 400
    # The fuzzer's: an id past 64 bits overflowed the unit query (a 500).
    huge = {"year": 2024, "rows": [{"unit": 10**21, "category": "civil_servant"}]}
    refused = bulk(client, huge)
    assert refused.status_code == 400 and fields(refused) == ["rows.0.unit"]


def test_figures_answer_304_until_the_snapshot_changes(client, official, district, unit):
    recompute(trigger="manual", everything=True)
    client.force_login(official)
    first = client.get("/api/v1/figures/", {"scope": district.pk})
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert any(row["units"] >= 1 for row in first.json()["results"])
    again = client.get("/api/v1/figures/", {"scope": district.pk}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    recompute(trigger="manual", everything=True)  # a new snapshot
    changed = client.get(
        "/api/v1/figures/", {"scope": district.pk}, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert client.get("/api/v1/figures/", {"scope": "abc"}).status_code == 400
    assert client.get("/api/v1/figures/", {"sector": "x\x00"}).status_code == 400
    weak = client.get("/api/v1/figures/", {"scope": district.pk}, HTTP_IF_NONE_MATCH="*")
    assert weak.status_code == 304


def test_only_an_admin_triggers_a_full_recompute(client, official, clerk, admin_user):
    for user in (official, clerk):
        client.force_login(user)
        assert client.post("/api/v1/recompute-runs/").status_code == 403
    client.force_login(admin_user)
    assert client.post("/api/v1/recompute-runs/").status_code == 202
    assert AuditEntry.objects.filter(action="figures.recompute_all").count() == 1
