"""The staffing overview as each reader first sees it (issue 21, points 6, 7
and 15): their scope and a year with figures, the years applied shown in the
boxes, the totals of any area (public aggregates, the same as /figures/) and
the units one by one only inside their scope; after an import, what it changed
first and marked."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import CommuneFactory, ServiceUnitFactory, UserFactory
from units.choices import Role
from units.choices import StaffingCategory as C
from units.models import Area, User
from units.selectors.dashboards import dashboard
from units.services.staffing import StaffingRow, staffing_save
from units.staffing_sheet import SheetLine, write_workbook

pytestmark = pytest.mark.django_db
URL = reverse("units:staffing_overview")


def test_a_clerk_first_sees_their_scope_in_the_last_year_with_figures(client, demo):
    client.force_login(User.objects.get(username="chuyenvien"))  # Hải Phòng since 2025
    response = client.get(URL)
    assert response.context["area"].code == "31"
    assert response.context["year"] == 2023  # Ngô Quyền's last year with figures
    assert response.context["total"].assigned > 0
    page = response.content.decode()
    # The boxes show the years applied (they were empty).
    assert 'name="year" value="2023"' in page and 'name="base" value="2015"' in page
    # The whole country stays one choice away: an empty area.
    whole = client.get(URL, {"area": "", "year": 2023})
    assert whole.context["area"] is None and whole.context["total"].assigned > 0


def test_a_past_year_lists_the_areas_of_that_year(client, demo):
    """Today's Hải Phòng in 2023 listed its units one by one (no area of 2025
    existed then): it lists the districts of that year, quận Ngô Quyền with
    its staff among them, as the figures do."""
    client.force_login(User.objects.get(username="lanhdao"))
    hai_phong = Area.objects.get(level="province", code="31", valid_to__isnull=True)
    response = client.get(URL, {"area": hai_phong.pk, "year": 2023})
    rows = {row.area.name: row for row in response.context["rows"] if row.area is not None}
    assert "Quận Ngô Quyền" in rows and rows["Quận Ngô Quyền"].assigned > 0
    assert {row.area.level for row in rows.values()} == {"district"}


def test_a_national_reader_first_sees_the_country_in_a_year_with_figures(client, demo):
    client.force_login(User.objects.get(username="lanhdao"))
    response = client.get(URL)
    assert response.context["area"] is None and response.context["year"] == 2024
    assert response.context["total"].assigned > 0
    assert 'name="year" value="2024"' in response.content.decode()


def test_a_scoped_official_reads_the_totals_the_figures_show_for_any_area(client, demo_figures):
    thanh_xuan = Area.objects.get(level="district", code="009")
    official = UserFactory(username="tx", roles=[Role.OFFICIAL], scope_area=thanh_xuan)
    client.force_login(official)
    hcm = Area.objects.get(level="province", code="79", valid_to__isnull=True)
    for area, year in ((hcm, 2024), (None, 2024), (thanh_xuan, 2022)):
        params = {"area": area.pk if area else "", "year": year, "base": 2015}
        total = client.get(URL, params).context["total"]
        head = dashboard(area=area, year=year, base_year=2015, sector="")["head"]
        assert (total.assigned, total.actual) == (head.staff_now, head.staff_actual) != (0, 0)


def test_units_one_by_one_follow_the_readers_scope(client, admin_user, district, other_district):
    mine = ServiceUnitFactory(area=district, name="Trường của tôi")
    theirs = ServiceUnitFactory(area=other_district, name="Trường nơi khác")
    for unit in (mine, theirs):
        rows = [StaffingRow(unit.pk, C.BUDGET_EMPLOYEE, assigned=10, actual=9)]
        staffing_save(actor=admin_user, year=2024, rows=rows, about=unit)
    client.force_login(UserFactory(username="quan", roles=[Role.OFFICIAL], scope_area=district))
    whole = client.get(URL, {"area": "", "year": 2024})
    assert whole.context["total"].assigned == 20  # every area's total is public
    other = client.get(URL, {"area": other_district.pk, "year": 2024})
    assert other.context["total"].assigned == 10
    assert not [row for row in other.context["rows"] if row.unit_id]
    assert other.context["others"].assigned == 10  # told as one line, not unit by unit
    assert "Trường nơi khác" not in other.content.decode()
    # The export has the same lines: they add up to its total.
    export = client.get(
        reverse("units:staffing_export_csv"), {"area": other_district.pk, "year": 2024}
    )
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assigned = {line[0]: int(line[1]) for line in lines[1:]}
    assert assigned == {"Các đơn vị ngoài phạm vi của bạn (chỉ tổng số)": 10, "Tổng cộng": 10}
    own = client.get(URL, {"area": district.pk, "year": 2024})
    assert [row.unit_name for row in own.context["rows"] if row.unit_id] == ["Trường của tôi"]


def imported(client, school):
    """A workbook of one line for `school` uploaded, previewed and saved: the
    answer that sends the clerk to the overview."""
    file = io.BytesIO()
    line = SheetLine(school.code, "", C.BUDGET_EMPLOYEE, assigned=12, actual=11)
    write_workbook(file, year=2022, title="x", groups=[("I", [line])])
    file.name = "bien-che.xlsx"
    file.seek(0)
    location = client.post(reverse("units:staffing_import"), {"year": 2022, "file": file})[
        "Location"
    ]
    digest = client.get(location).context["preview"].digest
    return client.post(location, {"digest": digest})


def test_after_an_import_what_it_changed_comes_first_and_is_marked(client, clerk, district, agency):
    communes = [CommuneFactory(parent=district, name=f"Phường {n}") for n in "ABC"]
    school = ServiceUnitFactory(area=communes[2], parent=agency, code="MN-C")
    client.force_login(clerk)
    done = imported(client, school)
    assert "import=" in done["Location"]
    response = client.get(done["Location"])
    rows = response.context["rows"]
    assert [row.area.name for row in rows[:1]] == ["Phường C"] and rows[0].changed
    assert not any(row.changed for row in rows[1:])
    page = response.content.decode()
    assert 'class="changed"' in page
    # One click shows the changed lines alone (the rest were mostly zeros).
    only = client.get(done["Location"] + "&only=changed")
    assert [row.area.name for row in only.context["rows"]] == ["Phường C"]
    assert only.context["total"].assigned == response.context["total"].assigned
    assert "Chỉ xem các dòng này" in page and "Xem tất cả các dòng" in only.content.decode()


def test_a_clerk_scoped_to_an_agency_lands_on_its_area_after_an_import(client, agency):
    """The redirect named the clerk's scope area, empty for an agency's clerk:
    they landed on the whole country's 34 provinces."""
    school = ServiceUnitFactory(area=agency.area, parent=agency, code="MN-AG")
    clerk = UserFactory(username="ag", roles=[Role.CLERK], scope_unit=agency)
    client.force_login(clerk)
    done = imported(client, school)
    response = client.get(done["Location"])
    assert response.context["area"] == agency.area
