"""The staffing workbook pages: template, upload, preview, commit, permissions."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import ServiceUnitFactory
from tests.units.services.test_staffing_import import edit
from units.choices import StaffingCategory as C
from units.models import AuditEntry, StaffingFigure, StaffingImport
from units.services.staffing import StaffingRow, staffing_save

pytestmark = pytest.mark.django_db


def download(client, **params) -> bytes:
    response = client.get(reverse("units:staffing_sheet"), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


fill = edit  # the workbook with some cells changed, as a clerk would in Excel


def upload(client, content: bytes, year=2022):
    file = SimpleUploadedFile("bien-che.xlsx", content)
    return client.post(reverse("units:staffing_import"), {"year": year, "file": file})


@pytest.fixture
def school(district, agency):
    return ServiceUnitFactory(name="Trường Mầm non Lạc Viên", area=district, parent=agency)


def test_a_clerk_downloads_fills_previews_and_commits(client, clerk, agency, school):
    client.force_login(clerk)
    template = download(client, mine=1, year=2022)
    sheet = openpyxl.load_workbook(io.BytesIO(template)).active
    assert sheet["B3"].value == "Mã đơn vị" and sheet["F3"].value == "Biên chế được giao"
    assert "F3:G3" in {str(r) for r in sheet.merged_cells.ranges}  # the merged header
    assert [sheet[f"B{n}"].value for n in (6, 7, 9)] == [agency.code, agency.code, school.code]
    response = upload(client, fill(template, {"F6": 40, "H6": 38, "F9": 30, "H9": 29}))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.context["preview"].problems == []
    assert "2 số liệu thêm mới" in page.content.decode()
    assert StaffingFigure.objects.count() == 0
    done = client.post(response["Location"], {"digest": page.context["preview"].digest})
    assert done.status_code == 302 and "/staffing/" in done["Location"]
    assert StaffingFigure.objects.count() == 2
    assert AuditEntry.objects.filter(action="staffing.save").count() == 1
    overview = client.get(done["Location"])
    assert "Đã nhập: 2 mới" in overview.content.decode()


def test_a_preview_lists_each_error_with_its_line_and_offers_no_commit(
    client, clerk, agency, school
):
    client.force_login(clerk)
    content = fill(download(client, mine=1, year=2022), {"F6": -3, "H9": "mười"})
    page = client.get(upload(client, content)["Location"])
    html = page.content.decode()
    assert [problem.line for problem in page.context["preview"].problems] == [6, 9]
    assert 'id="import-errors"' in html and 'id="import-commit"' not in html
    # A forged commit of a file with errors saves nothing.
    response = client.post(page.request["PATH_INFO"], {"digest": "x"})
    assert response.status_code == 302
    assert StaffingFigure.objects.count() == 0
    assert not AuditEntry.objects.filter(action="staffing.save").exists()


def test_an_exported_view_reimports_with_no_change(client, clerk, official, agency, school):
    staffing_save(
        actor=clerk,
        year=2022,
        rows=[StaffingRow(school.pk, C.BUDGET_EMPLOYEE, 30, 29, 1, "7/QĐ")],
        about=agency,
    )
    client.force_login(official)
    exported = download(client, area=school.area_id, year=2022)
    client.force_login(clerk)
    page = client.get(upload(client, exported)["Location"])
    preview = page.context["preview"]
    assert (len(preview.plan.created), len(preview.plan.changed), preview.plan.unchanged) == (
        0,
        0,
        1,
    )
    assert 'id="import-nothing"' in page.content.decode()


def test_officials_and_supervisors_cannot_import(client, official, supervisor, agency):
    for user in (official, supervisor):
        client.force_login(user)
        assert client.get(reverse("units:staffing_import")).status_code == 403
        assert upload(client, b"x").status_code == 403
        assert client.get(reverse("units:staffing_sheet"), {"mine": 1}).status_code == 403
    assert not StaffingImport.objects.exists()


def test_another_users_upload_is_not_found(client, clerk, outsider_clerk, agency):
    client.force_login(clerk)
    location = upload(client, download(client, mine=1, year=2022))["Location"]
    client.force_login(outsider_clerk)
    assert client.get(location).status_code == 404
    assert client.post(location, {"digest": ""}).status_code == 404


def test_an_out_of_scope_clerk_sees_the_rows_refused(client, clerk, outsider_clerk, school):
    client.force_login(clerk)
    content = fill(download(client, mine=1, year=2022), {"F9": 12})
    client.force_login(outsider_clerk)
    location = upload(client, content)["Location"]
    preview = client.get(location).context["preview"]
    assert [(p.line, p.unit) for p in preview.problems] == [(9, f"{school.name} ({school.code})")]
    client.post(location, {"digest": preview.digest})
    assert StaffingFigure.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_explained(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("units:staffing_import"),
        {"year": 2022, "file": SimpleUploadedFile("bang.csv", b"a;b")},
    )
    assert "Hãy chọn tệp Excel (.xlsx)." in response.content.decode()
    page = upload(client, b"PK not really")
    assert page.status_code == 200 and "Đây không phải tệp Excel (.xlsx)." in page.content.decode()
    assert not StaffingImport.objects.exists()


def test_an_invalid_line_is_listed_as_an_error_only(client, clerk, agency, school):
    """Issue 21, point 3: a line of −5 people was an error and also listed (and
    counted) as a figure to create, "Assigned: 20 → -5" as one to change."""
    staffing_save(
        actor=clerk,
        year=2022,
        rows=[StaffingRow(school.pk, C.BUDGET_EMPLOYEE, assigned=20)],
        about=agency,
    )
    client.force_login(clerk)
    content = fill(download(client, mine=1, year=2022), {"F6": -5, "F9": -5, "F7": 4})
    page = client.get(upload(client, content)["Location"])
    html = page.content.decode()
    assert "1 số liệu thêm mới" in html and "0 số liệu thay đổi" in html
    assert 'id="import-changed"' not in html
    created = html.split('id="import-created"')[1]
    assert ">6<" not in created and ">7<" in created
    errors = html.split('id="import-errors"')[1].split("</table>")[0]
    assert school.code in errors and school.name in errors and "-5" in errors
