"""The lists' filters are declared on the lists and read there only: a row
by its id answers whatever the query string says (the schema declares no
filter on it), in the reader's scope as before."""

import pytest

from tests.factories import ServiceUnitFactory, UserFactory
from tests.units.api.problems import fields
from tests.units.api.test_restructurings import consolidation, pair  # noqa: F401 (fixture)
from units.choices import Role


@pytest.fixture
def decision_id(client, clerk, pair, eager_tasks):  # noqa: F811
    client.force_login(clerk)
    applied = client.post(
        "/api/v1/restructurings/", consolidation(*pair), content_type="application/json"
    )
    assert applied.status_code == 201, applied.content
    return applied.json()["id"]


def test_the_schema_declares_filters_on_lists_only(client):
    spec = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listed = {p["name"] for p in spec["paths"]["/api/v1/restructurings/"]["get"]["parameters"]}
    detail = spec["paths"]["/api/v1/restructurings/{id}/"]["get"]["parameters"]
    assert {"kind", "number", "o"} <= listed
    assert [p["name"] for p in detail] == ["id"]


@pytest.mark.parametrize("query", [{"kind": "merge"}, {"kind": "no-such-kind"}, {"area": "x"}])
def test_a_row_by_its_id_ignores_the_lists_filters(client, decision_id, query):
    url = f"/api/v1/restructurings/{decision_id}/"
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    assert response.json() == client.get(url).json()
    assert client.get("/api/v1/restructurings/", {"kind": "merge"}).json()["results"] == []


def test_an_action_on_a_row_ignores_them_too(client, decision_id):
    url = f"/api/v1/restructurings/{decision_id}/reverse/?kind=merge"
    response = client.post(url, {"reason": "Nhập nhầm"}, content_type="application/json")
    assert response.status_code == 200, response.content


def test_the_scope_still_hides_a_row(client, other_district, decision_id):
    official = UserFactory(roles=[Role.OFFICIAL], scope_area=other_district)
    client.force_login(official)
    assert client.get(f"/api/v1/restructurings/{decision_id}/").status_code == 404


def test_an_audit_entry_by_its_id_ignores_the_lists_filters(client, clerk, decision_id):
    entries = client.get("/api/v1/audit/").json()["results"]
    assert entries
    url = f"/api/v1/audit/{entries[0]['id']}/"
    assert client.get(url, {"user": "nobody-at-all", "request": "x"}).status_code == 200
    listed = client.get("/api/v1/audit/", {"user": "nobody-at-all"}).json()["results"]
    assert listed == []


def test_an_unknown_audit_object_type_is_a_400_not_ignored(client, clerk, decision_id):
    assert client.get("/api/v1/audit/", {"object_type": "units.restructuring"}).status_code == 200
    response = client.get("/api/v1/audit/", {"object_type": "units.unitt"})
    assert response.status_code == 400
    assert fields(response) == ["object_type"]


def test_restructurings_ties_of_o_are_broken_by_the_id(client, clerk, district, eager_tasks):
    client.force_login(clerk)
    ids = []
    for n in range(3):
        two = [ServiceUnitFactory(area=district, name=f"Trường {n}{x}") for x in "AB"]
        body = consolidation(*two, number=f"{n + 1}/QĐ-UBND")
        created = client.post("/api/v1/restructurings/", body, content_type="application/json")
        assert created.status_code == 201, created.content
        ids.append(created.json()["id"])
    pages = [
        client.get("/api/v1/restructurings/", {"o": "kind", "page_size": 1, "page": p})
        for p in (1, 2, 3)
    ]
    assert [page.json()["results"][0]["id"] for page in pages] == sorted(ids, reverse=True)
