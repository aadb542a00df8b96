"""The staffing overview and the clerk's grid."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import queries_of
from tests.factories import AgencyFactory, CommuneFactory, ServiceUnitFactory
from units.choices import StaffingCategory as C
from units.models import Area, AuditEntry, StaffingFigure, Unit, User
from units.services.staffing import StaffingRow, staffing_save

pytestmark = pytest.mark.django_db


def test_the_thanh_xuan_overview_for_2022_has_165_152_13_over_its_11_wards(client, demo):
    client.force_login(User.objects.get(username="lanhdao"))
    thanh_xuan = Area.objects.get(level="district", code="009")
    response = client.get(
        reverse("units:staffing_overview"), {"area": thanh_xuan.pk, "year": 2022, "base": 2021}
    )
    total = response.context["total"]
    assert (total.assigned, total.actual, total.vacancy, total.over_quota) == (165, 152, 13, 0)
    wards = [row for row in response.context["rows"] if row.assigned]
    assert len(wards) == 11 and all(row.area.level == "commune" for row in wards)
    page = response.content.decode()
    assert "Phường Khương Mai" in page and ">165<" in page and ">13<" in page


def test_the_overview_costs_the_same_queries_for_one_or_many_units(
    client, official, admin_user, district, agency
):
    url = reverse("units:staffing_overview")
    client.force_login(official)
    counts = []
    for n in (1, 8):
        communes = [CommuneFactory(parent=district) for _ in range(n)]
        units = [ServiceUnitFactory(area=c, parent=agency) for c in communes]
        rows = [StaffingRow(u.pk, C.BUDGET_EMPLOYEE, assigned=10, actual=9) for u in units]
        staffing_save(actor=admin_user, year=2024, rows=rows, about=agency)
        cache.clear()  # factories add areas around the loader that marks them changed
        response = client.get(url, {"area": district.pk, "year": 2024})  # fills the caches
        assert response.context["total"].assigned == {1: 10, 8: 90}[n]
        counts.append(queries_of(lambda: client.get(url, {"area": district.pk, "year": 2024})))
    assert counts[0] == counts[1], counts


@pytest.fixture
def wards(district, agency):
    return [
        AgencyFactory(name=f"Ủy ban nhân dân phường {n}", area=district, parent=agency)
        for n in ("Hạ Đình", "Kim Giang")
    ]


def grid_url(agency, year=2022):
    return reverse("units:staffing_grid", args=[agency.pk, year])


def test_a_clerk_saves_the_grid_once_and_it_is_audited(client, clerk, agency, wards):
    client.force_login(clerk)
    first = f"c-{wards[0].pk}-{C.CIVIL_SERVANT}"
    second = f"c-{wards[1].pk}-{C.CIVIL_SERVANT}"
    data = {f"{first}-assigned": "15", f"{first}-actual": "14", f"{second}-assigned": "1.500"}
    response = client.post(grid_url(agency), data)
    assert response.status_code == 302
    assert StaffingFigure.objects.get(unit=wards[0]).actual == 14
    assert StaffingFigure.objects.get(unit=wards[1]).assigned == 1500  # "1.500" is Vietnamese
    assert AuditEntry.objects.filter(action="staffing.save").count() == 1


def test_the_grid_keeps_the_decision_number_and_date_an_import_recorded(
    client, clerk, agency, wards
):
    row = StaffingRow(wards[0].pk, C.CIVIL_SERVANT, 15, 14, 0, "12/QĐ-UBND", dt.date(2022, 12, 31))
    staffing_save(actor=clerk, year=2022, rows=[row], about=agency)
    client.force_login(clerk)
    cell = f"c-{wards[0].pk}-{C.CIVIL_SERVANT}"
    client.post(grid_url(agency), {f"{cell}-assigned": "15", f"{cell}-actual": "13"})
    figure = StaffingFigure.objects.get(unit=wards[0])
    assert (figure.actual, figure.decision_number, figure.actual_on) == (
        13,
        "12/QĐ-UBND",
        dt.date(2022, 12, 31),
    )


def test_a_wrong_cell_is_marked_and_nothing_is_saved(client, clerk, agency, wards):
    client.force_login(clerk)
    first = f"c-{wards[0].pk}-{C.CIVIL_SERVANT}"
    second = f"c-{wards[1].pk}-{C.CIVIL_SERVANT}"
    data = {f"{first}-assigned": "15", f"{second}-actual": "mười"}
    response = client.post(grid_url(agency), data)
    assert response.status_code == 200
    assert "Nhập số người là số nguyên" in response.content.decode()
    assert not StaffingFigure.objects.exists()


def test_a_clerk_outside_the_scope_gets_403_and_nothing_changes(
    client, outsider_clerk, agency, wards
):
    client.force_login(outsider_clerk)
    data = {f"c-{wards[0].pk}-{C.CIVIL_SERVANT}-assigned": "15"}
    assert client.post(grid_url(agency), data).status_code == 403
    assert not StaffingFigure.objects.exists()


@pytest.mark.parametrize("who", ["official", "supervisor"])
def test_officials_and_supervisors_read_the_grid_but_cannot_save(
    request, client, who, agency, wards
):
    client.force_login(request.getfixturevalue(who))
    page = client.get(grid_url(agency))
    assert page.status_code == 200 and "disabled" in page.content.decode()
    data = {f"c-{wards[0].pk}-{C.CIVIL_SERVANT}-assigned": "15"}
    assert client.post(grid_url(agency), data).status_code == 403
    assert not StaffingFigure.objects.exists()


def test_copying_last_year_fills_the_quotas_without_saving(client, clerk, agency, wards):
    rows = [StaffingRow(wards[0].pk, C.CIVIL_SERVANT, assigned=15, actual=14)]
    staffing_save(actor=clerk, year=2022, rows=rows, about=agency)
    client.force_login(clerk)
    page = client.get(grid_url(agency, 2023), {"copy": "1"})
    (line,) = [
        line
        for line in page.context["table"]
        if line["unit"] == wards[0]
        and line["figure"] is None
        and line["inputs"]["assigned"]["value"] == 15
    ]
    assert line["inputs"]["actual"]["value"] == ""
    assert not StaffingFigure.objects.filter(year=2023).exists()
    assert Unit.objects.get(pk=wards[0].pk)


def test_a_units_page_shows_its_staffing_by_year(client, official, clerk, agency, wards):
    for year, actual in ((2021, 15), (2022, 16)):
        rows = [StaffingRow(wards[0].pk, C.CIVIL_SERVANT, assigned=15, actual=actual)]
        staffing_save(actor=clerk, year=year, rows=rows, about=agency)
    client.force_login(official)
    response = client.get(reverse("units:unit_detail", args=[wards[0].pk]))
    assert [(f.year, f.over_quota) for f in response.context["staffing"]] == [(2022, 1), (2021, 0)]
    page = response.content.decode()
    assert 'class="warn"' in page
    # The change history tells what the saves changed (it answered 500 before).
    assert "Lưu số liệu biên chế" in page and "15 / 15 / 0" in page and "15 / 16 / 0" in page
    # A save of several units shows, on each unit's page, only that unit's lines.
    rows = [StaffingRow(w.pk, C.CIVIL_SERVANT, assigned=40 + i) for i, w in enumerate(wards)]
    staffing_save(actor=clerk, year=2023, rows=rows, about=agency)
    page = client.get(reverse("units:unit_detail", args=[wards[1].pk])).content.decode()
    assert "41 / — / 0" in page and "40 / — / 0" not in page


def test_the_overview_exports_what_it_shows(client, official, clerk, agency, wards, district):
    import csv
    import io

    from openpyxl import load_workbook

    rows = [StaffingRow(w.pk, C.CIVIL_SERVANT, assigned=15, actual=14) for w in wards]
    staffing_save(actor=clerk, year=2022, rows=rows, about=agency)
    client.force_login(official)
    params = {"area": district.parent_id or "", "year": 2022, "base": 2021}
    response = client.get(reverse("units:staffing_export_csv"), params)
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[-1][:5] == ["Tổng cộng", "30", "28", "2", "0"]
    response = client.get(reverse("units:staffing_export_xlsx"), params)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in list(sheet.iter_rows())[-1]][:5] == ["Tổng cộng", 30, 28, 2, 0]


def test_the_overview_of_a_commune_lists_its_units(client, official, admin_user, agency):
    commune = CommuneFactory(name="Phường Mới")
    units = [
        ServiceUnitFactory(area=commune, parent=agency, name=n) for n in ("Trường B", "Trường A")
    ]
    rows = [StaffingRow(u.pk, C.BUDGET_EMPLOYEE, assigned=10, actual=12) for u in units]
    staffing_save(actor=admin_user, year=2024, rows=rows, about=agency)
    client.force_login(official)
    response = client.get(reverse("units:staffing_overview"), {"area": commune.pk, "year": 2024})
    listed = [(row.unit_name, row.over_quota) for row in response.context["rows"]]
    assert listed == [("Trường A", 2), ("Trường B", 2)]
    assert response.context["total"].over_quota == 4


def test_an_official_reads_the_staffing_of_their_scope_only(
    client, admin_user, agency, district, other_district
):
    from tests.factories import UserFactory
    from units.choices import Role

    mine = ServiceUnitFactory(area=district, parent=agency)
    theirs = ServiceUnitFactory(area=other_district)
    for unit in (mine, theirs):
        rows = [StaffingRow(unit.pk, C.BUDGET_EMPLOYEE, assigned=10, actual=9)]
        staffing_save(actor=admin_user, year=2024, rows=rows, about=unit)
    client.force_login(UserFactory(username="quan", roles=[Role.OFFICIAL], scope_area=district))
    response = client.get(reverse("units:staffing_overview"), {"year": 2024})
    assert response.context["total"].assigned == 10


def test_the_cached_overview_changes_as_soon_as_a_save_commits(
    client, official, clerk, agency, wards, django_capture_on_commit_callbacks
):
    url = reverse("units:staffing_overview")
    client.force_login(official)
    assert client.get(url, {"year": 2022}).context["total"].assigned == 0
    row = StaffingRow(wards[0].pk, C.CIVIL_SERVANT, assigned=15, actual=14)
    with django_capture_on_commit_callbacks(execute=True):
        staffing_save(actor=clerk, year=2022, rows=[row], about=agency)
    assert client.get(url, {"year": 2022}).context["total"].assigned == 15


def test_the_demo_shows_ngo_quyen_cutting_quotas_and_hcm_departments_short_of_staff(client, demo):
    client.force_login(User.objects.get(username="lanhdao"))
    url = reverse("units:staffing_overview")
    ngo_quyen = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    response = client.get(url, {"area": ngo_quyen.pk, "year": 2023, "base": 2018})
    total = response.context["total"]
    assert (total.base, total.assigned) == (331, 298)  # 10 units in 2018, 8 left in 2023
    assert total.change == Decimal("-9.97")
    assert "−9,97" in response.content.decode() or "-9,97" in response.content.decode()
    # The district's own units (none is in a ward) are listed one by one.
    units = [row for row in response.context["rows"] if row.unit_id]
    assert len(units) == 10 and "Trung tâm Y tế quận Ngô Quyền" in {r.unit_name for r in units}
    library = next(r for r in units if r.unit_name == "Thư viện quận Ngô Quyền")
    assert (library.base, library.assigned) == (8, 0)  # merged into the culture centre
    assert sum(row.streamlined for row in units) == total.streamlined > 0
    assert not response.context["elsewhere"].assigned
    hcm = Area.objects.get(level="province", code="79", valid_to__isnull=False)
    total = client.get(url, {"area": hcm.pk, "year": 2024}).context["total"]
    assert (total.assigned, total.actual, total.vacancy) == (403, 355, 48)
