"""The figures summary answers the foresight of the targets (issue 23, point
3): the dashboard's numbers, typed as the schema says, with the method."""

from decimal import Decimal

import pytest

from tests.units.api.test_schema_contract import matches, spec  # noqa: F401 (fixture)
from units.models import Area, ReductionFigure, User
from units.selectors.foresight import project

pytestmark = pytest.mark.django_db


def test_the_summary_answers_the_foresight_of_ngo_quyens_targets(client, demo_figures, spec):  # noqa: F811
    client.force_login(User.objects.get(username="lanhdao"))
    district = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    params = {"scope": district.pk, "year": 2023, "base_year": 2021}
    response = client.get("/api/v1/figures/summary/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    matches(spec, "FigureSummary", body)
    foresight = body["foresight"]
    assert (foresight["year"], foresight["window"], foresight["horizon"]) == (2023, 5, 10)
    assert foresight["method"]
    targets = {(t["metric"], t["target_year"]): t for t in foresight["targets"]}
    assert set(targets) == {("units", 2025), ("staff", 2025)}
    units = {
        row.year: row.units
        for row in ReductionFigure.objects.filter(scope=district, sector=ReductionFigure.ALL)
    }
    expected = project(units, base_year=2021, target_year=2025, percent=Decimal(10), until=2023)
    got = targets[("units", 2025)]["projection"]
    assert got["pace"]["per_year"] == str(expected.pace.per_year)  # an exact decimal string
    assert got["pace"]["years"] == 5
    assert (got["value"], got["goal"], got["projected"], got["met_in"]) == (
        expected.value,
        expected.goal,
        expected.projected,
        expected.met_in,
    )
    assert (got["projected_low"], got["projected_high"], got["needed_per_year"]) == (
        expected.projected_low,
        expected.projected_high,
        expected.needed_per_year,
    )


def test_a_target_without_figures_answers_no_projection_and_why(client, demo_figures, spec):  # noqa: F811
    client.force_login(User.objects.get(username="lanhdao"))
    district = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    ReductionFigure.objects.filter(scope=district, year=2021).update(staff_assigned=0)
    params = {"scope": district.pk, "year": 2023, "base_year": 2021}
    body = client.get("/api/v1/figures/summary/", params).json()
    matches(spec, "FigureSummary", body)
    staff = next(t for t in body["foresight"]["targets"] if t["metric"] == "staff")
    assert staff["projection"] is None and staff["missing"]
