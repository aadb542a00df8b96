"""Plans through the API: created and edited by the clerks of their area through
the page's service (audited), read in the reader's scope, progress as an exact
decimal."""

import pytest

from supervision.models import Plan
from supervision.services.plans import plan_save
from tests.factories import AgencyFactory, UserFactory
from tests.units.api.problems import fields
from units.choices import Role
from units.models import AuditEntry

from ..conftest import plan_data


def send(client, method, url, body):
    return getattr(client, method)(url, body, content_type="application/json")


def plan_body(area, /, **changes):
    return {
        "number": "128-KH/TU",
        "date": "2024-02-05",
        "issuer": "Tỉnh ủy",
        "title": "Kế hoạch thực hiện Kết luận 62-KL/TW",
        "implements": "Kết luận 62-KL/TW",
        "area": area.pk,
        "tasks": [
            {"title": "Rà soát", "progress": 40, "status": "in_progress", "weight": 1},
            {"title": "Sắp xếp", "progress": 40, "status": "in_progress", "weight": 3},
        ],
        **changes,
    }


@pytest.fixture
def scoped_official(district):
    return UserFactory(username="scoped_official", roles=[Role.OFFICIAL], scope_area=district)


def test_it_creates_and_edits_a_plan_with_its_audit(client, clerk, district):
    client.force_login(clerk)
    created = send(client, "post", "/api/v1/plans/", plan_body(district))
    assert created.status_code == 201, created.content
    data = created.json()
    assert [t["title"] for t in data["tasks"]] == ["Rà soát", "Sắp xếp"]
    assert data["progress"] == "40.00"
    agency = AgencyFactory(area=district)
    tasks = [{"title": "Một", "progress": 100, "status": "done", "responsible_unit": agency.pk}]
    url = f"/api/v1/plans/{data['id']}/"
    edited = send(client, "put", url, plan_body(district, title="Mới", tasks=tasks))
    assert edited.status_code == 200, edited.content
    assert edited.json()["progress"] == "100.00"
    assert edited.json()["tasks"][0]["responsible_unit"] == agency.pk
    patched = send(client, "patch", url, {"issuer": "UBND"})
    assert patched.status_code == 200, patched.content
    plan = Plan.objects.get()
    assert (plan.title, plan.issuer, plan.tasks.count()) == ("Mới", "UBND", 1)
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["plan.create", "plan.update", "plan.update"]


@pytest.mark.parametrize("who", ["outsider_clerk", "supervisor", "official"])
def test_others_may_not_write_plans(client, request, clerk, district, who):
    plan = plan_save(actor=clerk, plan_id=None, data=plan_data(district), tasks=[])
    client.force_login(request.getfixturevalue(who))
    expected = 400 if who == "outsider_clerk" else 403  # a clerk: the area lies outside
    assert send(client, "post", "/api/v1/plans/", plan_body(district)).status_code == expected
    response = send(client, "patch", f"/api/v1/plans/{plan.pk}/", {"title": "x"})
    assert response.status_code == 403
    assert Plan.objects.count() == 1 and Plan.objects.get().title != "x"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"area": 10**30}, "area"),
        ({"date": "9999-12-31"}, "date"),
        ({"tasks": [{"title": "x", "progress": 120, "status": "done"}]}, "tasks.0.progress"),
        (
            {"tasks": [{"title": "x", "status": "done", "responsible_unit": 10**30}]},
            "tasks.0.responsible_unit",
        ),
    ],
)
def test_bad_input_is_a_400(client, clerk, district, changes, field):
    client.force_login(clerk)
    response = send(client, "post", "/api/v1/plans/", plan_body(district, **changes))
    assert response.status_code == 400, response.content
    assert field in fields(response), response.json()
    assert not Plan.objects.exists()


def test_a_responsible_unit_outside_the_plans_area_is_refused(
    client, clerk, district, other_district
):
    client.force_login(clerk)
    elsewhere = AgencyFactory(area=other_district)
    tasks = [{"title": "x", "status": "done", "responsible_unit": elsewhere.pk}]
    response = send(client, "post", "/api/v1/plans/", plan_body(district, tasks=tasks))
    assert response.status_code == 400
    assert fields(response) == ["tasks.0.responsible_unit"], response.json()


def test_plans_follow_the_readers_scope(
    client, clerk, outsider_clerk, district, other_district, scoped_official
):
    """Issue 21, point 15: a district official reads the plans of its scope only."""
    mine = plan_save(actor=clerk, plan_id=None, data=plan_data(district), tasks=[])
    other = plan_save(actor=outsider_clerk, plan_id=None, data=plan_data(other_district), tasks=[])
    client.force_login(scoped_official)
    listed = [row["id"] for row in client.get("/api/v1/plans/").json()["results"]]
    assert listed == [mine.pk]
    assert client.get(f"/api/v1/plans/{other.pk}/").status_code == 404
    client.force_login(outsider_clerk)  # clerks read every plan, as the pages do
    listed = {row["id"] for row in client.get("/api/v1/plans/").json()["results"]}
    assert listed == {mine.pk, other.pk}
