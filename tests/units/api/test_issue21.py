"""Issue 21's API points: a closed unit's detail by id, ids past 64 bits
everywhere a client sends one, percentages as exact decimals."""

import datetime as dt

import pytest

from tests.factories import AgencyFactory, ServiceUnitFactory, UserFactory
from tests.units.api.test_restructurings import consolidation
from units.choices import Role
from units.models import Restructuring, StaffingFigure

HUGE = 10**30


def test_a_closed_units_detail_answers_without_status_all(
    client, official, district, other_district
):
    closed = ServiceUnitFactory(area=district, closed_on=dt.date(2020, 1, 1))
    client.force_login(official)
    response = client.get(f"/api/v1/units/{closed.pk}/")
    assert response.status_code == 200, response.content
    assert response.json()["closed_on"] == "2020-01-01"
    assert client.get(f"/api/v1/units/{closed.pk}/lineage/").status_code == 200
    # The list still shows the active units unless asked.
    assert client.get("/api/v1/units/").json()["results"] == []
    # An official of another scope does not see it, as on the unit's page.
    client.force_login(UserFactory(roles=[Role.OFFICIAL], scope_area=other_district))
    assert client.get(f"/api/v1/units/{closed.pk}/").status_code == 404


@pytest.mark.parametrize("field", ["new_parent_id", "new_area_id", "parent_id", "area_id"])
def test_a_dry_run_with_an_id_of_10_30_is_a_400(client, clerk, district, field):
    a, b = (ServiceUnitFactory(area=district) for _ in range(2))
    body = consolidation(a, b)
    if field in ("parent_id", "area_id"):
        body["new_units"][0][field] = HUGE
    else:
        body[field] = HUGE
    client.force_login(clerk)
    response = client.post(
        "/api/v1/restructurings/?dry_run=1", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert not Restructuring.objects.exists()


def test_the_staffing_bulk_with_a_unit_of_10_30_is_a_400(client, clerk):
    client.force_login(clerk)
    body = {"year": 2024, "rows": [{"unit": HUGE, "category": "civil_servant", "assigned": 1}]}
    response = client.post("/api/v1/staffing/bulk/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert not StaffingFigure.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/units/{HUGE}/",
        f"/api/v1/units/?parent={HUGE}",
        f"/api/v1/units/?area={HUGE}",
        f"/api/v1/staffing/?unit={HUGE}",
        f"/api/v1/sessions/{HUGE}/",
        f"/api/v1/sessions/?body={HUGE}",
        f"/api/v1/recommendations/{HUGE}/",
        f"/api/v1/recommendations/?body={HUGE}&area={HUGE}",
        f"/api/v1/plans/{HUGE}/",
        f"/api/v1/restructurings/{HUGE}/",
        f"/api/v1/restructurings/?area={HUGE}&agency={HUGE}",
        f"/api/v1/areas/{HUGE}/",
        f"/api/v1/areas/?parent={HUGE}",
        f"/api/v1/audit/?user={HUGE}",
        f"/api/v1/figures/?scope={HUGE}",
        f"/api/v1/figures/summary/?scope={HUGE}",
        f"/api/v1/notifications/{HUGE}/",
    ],
)
def test_reads_with_an_id_of_10_30_are_never_a_500(client, admin_user, url):
    client.force_login(admin_user)
    assert client.get(url).status_code in (200, 400, 404), url


def test_the_summarys_percentages_are_exact_decimals(client, demo_figures):
    """Ngô Quyền 2018 → 2023: 14.29 %, sent as the string "14.29", not a float."""
    from units.models import Area, User

    client.force_login(User.objects.get(username="lanhdao"))
    district = Area.objects.get(level="district", code="304")
    data = client.get(
        "/api/v1/figures/summary/", {"scope": district.pk, "year": 2023, "base_year": 2018}
    ).json()
    assert data["head"]["units_percent"] == "14.29"
    for target in data["targets"]:
        assert isinstance(target["percent"], str) and "." in target["percent"]
        for name in ("achieved", "progress"):
            assert target[name] is None or isinstance(target[name], str)


def test_an_agencys_unit_detail_keeps_its_successions(client, official, district):
    agency = AgencyFactory(area=district)
    client.force_login(official)
    data = client.get(f"/api/v1/units/{agency.pk}/").json()
    assert data["predecessors"] == [] and data["successors"] == []
