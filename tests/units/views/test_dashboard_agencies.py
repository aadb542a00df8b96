"""Figures of an agency's subtree (a People's Committee, a Sở): the units it
and the agencies below it manage, with their waterfall, reached from the
area's page and from the agency's own page."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.units.services.agency_steps import agency_members
from units.models import AgencyCover, Restructuring, Unit

from .test_dashboards import figures, shown  # noqa: F401 (the demo, recomputed)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("figures")]


def below(agency: Unit) -> set[int]:
    """The agency, every agency under it and the ended bodies it continues,
    walked here without the cover table."""
    return agency_members(agency)


def busiest_with_children() -> Unit:
    agencies = [
        a
        for a in Unit.objects.agencies().filter(closed_on__isnull=True)
        if a.children.filter(kind="agency").exists()
    ]
    return max(agencies, key=lambda a: Unit.objects.services().filter(parent__in=below(a)).count())


def test_an_agencys_figures_count_the_units_below_it_every_year(client):
    agency = busiest_with_children()
    for base, year in ((2015, 2020), (2017, 2023), (2015, dt.date.today().year)):
        response = client.get(
            reverse("units:dashboard"), {"agency": agency.pk, "base": base, "year": year}
        )
        assert response.status_code == 200
        head = shown(response, "head")
        units = Unit.objects.services().filter(parent__in=below(agency))
        for value, on in ((head.units_base, base), (head.units_now, year)):
            assert value == units.active_on(dt.date(on, 12, 31)).count()
        bars = shown(response, "waterfall")
        assert bars[0].running + sum(bar.value for bar in bars[1:-1]) == bars[-1].running
        page = response.content.decode()
        for bar in bars:
            if bar.kind:
                assert (
                    f"?kind={bar.decisions_kind}&amp;agency={agency.pk}&amp;effective_from" in page
                )
    assert agency.area.name in page and 'id="agency-scope"' in page
    children = shown(response, "children")
    assert children and all(child.area.parent_id == agency.pk for child in children)
    assert f"?agency={children[0].area.pk}&amp;" in page


def test_the_waterfall_link_lists_the_agencys_decisions(client):
    agency = busiest_with_children()
    listed = client.get(reverse("units:restructuring_list"), {"agency": agency.pk})
    assert listed.status_code == 200
    expected = Restructuring.objects.filter(links__unit__parent__in=below(agency)).distinct()
    numbers = {r.decision_number for r in expected}
    assert numbers and all(number in listed.content.decode() for number in numbers)
    assert set(
        AgencyCover.objects.filter(scope=agency).values_list("member_id", flat=True)
    ) == below(agency)


def test_an_area_lists_the_agencies_located_there_and_an_agency_links_its_figures(client):
    agency = busiest_with_children()
    response = client.get(reverse("units:dashboard"), {"area": agency.area_id})
    bodies = shown(response, "bodies")
    assert agency.pk in {row.area.pk for row in bodies}
    assert all(row.area.area_id == agency.area_id for row in bodies)
    assert f"?agency={agency.pk}&amp;" in response.content.decode()
    detail = client.get(reverse("units:unit_detail", args=[agency.pk])).content.decode()
    assert f"?agency={agency.pk}" in detail
    export = client.get(
        reverse("units:dashboard_export_csv", args=["bodies"]), {"area": agency.area_id}
    )
    assert export.status_code == 200
    assert agency.name in b"".join(export.streaming_content).decode("utf-8-sig")


def test_an_agencys_child_agencies_export_under_an_agency_heading(client):
    agency = busiest_with_children()
    url = reverse("units:dashboard_export_csv", args=["children"])
    export = b"".join(client.get(url, {"agency": agency.pk}).streaming_content)
    header, *rows = export.decode("utf-8-sig").splitlines()
    assert header.startswith("Cơ quan hành chính,") and rows
    assert {row.split(",")[0] for row in rows} <= set(
        Unit.objects.filter(parent=agency).values_list("name", flat=True)
    )
