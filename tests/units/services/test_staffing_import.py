"""Importing a staffing workbook: dry-run preview, every invalid line reported
with its line number, all-or-nothing commit of exactly what was previewed."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.conftest import queries_of
from tests.factories import AgencyFactory, ServiceUnitFactory
from units.choices import StaffingCategory as C
from units.models import AuditEntry, StaffingFigure, StaffingImport, Unit
from units.selectors.staffing import sheet_groups
from units.services.staffing import StaffingRow, staffing_save
from units.services.staffing_import import import_commit, import_preview, import_upload
from units.staffing_sheet import SheetLine, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def workbook(groups, year=2022) -> bytes:
    file = io.BytesIO()
    write_workbook(file, year=year, title="Biên chế", groups=groups)
    return file.getvalue()


def edit(content: bytes, cells: dict[str, object]) -> bytes:
    """The workbook with some cells changed, as a clerk would in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for ref, value in cells.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview_of(user, content, year=2022):
    upload = import_upload(actor=user, year=year, filename="bien-che.xlsx", content=content)
    return import_preview(actor=user, upload=upload)


@pytest.fixture
def school(district, agency):
    return ServiceUnitFactory(name="Trường Mầm non Lạc Viên", area=district, parent=agency)


def test_a_filled_template_previews_then_commits_once(clerk, agency, school):
    template = workbook(sheet_groups(Unit.objects.all(), 2022))
    # Line 5 is the agencies' heading; 6-7 the agency; 8 heading; 9-11 the school.
    filled = edit(template, {"F6": 40, "G6": "15/QĐ-UBND", "H6": 38, "F9": 30, "H9": 31})
    preview = preview_of(clerk, filled)
    assert preview.problems == []
    assert [(r.unit_id, r.category) for r in preview.plan.created] == [
        (agency.pk, C.CIVIL_SERVANT),
        (school.pk, C.BUDGET_EMPLOYEE),
    ]
    assert preview.line_by_key() == {
        (agency.pk, C.CIVIL_SERVANT): 6,
        (school.pk, C.BUDGET_EMPLOYEE): 9,
    }
    assert StaffingFigure.objects.count() == 0  # a preview writes nothing
    result = import_commit(actor=clerk, upload=preview.upload, digest=preview.digest)
    assert result == {"created": 2, "changed": 0, "unchanged": 0, "units": [agency.pk, school.pk]}
    saved = StaffingFigure.objects.get(unit=agency, category=C.CIVIL_SERVANT)
    assert (saved.assigned, saved.actual, saved.decision_number) == (40, 38, "15/QĐ-UBND")
    assert StaffingFigure.objects.get(unit=school).over_quota == 1
    (entry,) = AuditEntry.objects.filter(action="staffing.save")
    assert entry.object_type == "units.staffingimport"
    with pytest.raises(ValidationError, match="đã được nhập"):
        import_commit(actor=clerk, upload=preview.upload, digest=preview.digest)
    assert AuditEntry.objects.filter(action="staffing.save").count() == 1


def test_every_kind_of_invalid_line_is_reported_with_its_line(clerk, agency, school, district):
    closed = ServiceUnitFactory(
        name="Trung tâm đã giải thể", area=district, closed_on=dt.date(2021, 7, 1)
    )
    budget = {"code": school.code, "name": school.name, "category": C.BUDGET_EMPLOYEE}
    civil = {"code": agency.code, "name": agency.name, "category": C.CIVIL_SERVANT}
    lines = [
        SheetLine(**budget, assigned=10),  # 6: fine
        SheetLine(**budget, actual=3),  # 7: the same unit and category again
        SheetLine(code="XX999", name="?", category=C.CONTRACT, actual=1),  # 8
        SheetLine(code=closed.code, name=closed.name, category=C.CONTRACT, actual=1),  # 9
        SheetLine(code=school.code, name="", category=C.CIVIL_SERVANT, assigned=2),  # 10
        SheetLine(**civil, assigned=-4),  # 11
        SheetLine(code=agency.code, name="", category=C.CONTRACT, actual=1),  # 12
        SheetLine(code=agency.code, name="", category=C.CONTRACT, actual=2),  # 13
        SheetLine(code="", name="", category=C.CONTRACT, assigned=7),  # 14
        *[SheetLine(**civil, assigned=1)] * 3,  # 15, 16, 17
    ]
    content = edit(
        workbook([("I", lines)]),
        {"D12": 2021, "E13": "Biên chế ảo", "H15": 2.5, "J16": "nhiều", "I17": "32/13/2022"},
    )
    preview = preview_of(clerk, content)
    found = {problem.line: problem for problem in preview.problems}
    assert [problem.line for problem in preview.problems] == list(range(7, 18))
    assert found[7].params["line"] == 6  # the same unit and category as line 6
    assert "XX999" in str(found[8])
    assert "01/07/2021" in str(found[9])  # closed before the year
    assert found[10].column == "E"  # a school has no civil servants
    assert found[11].column == "F" and "-4" in str(found[11])  # -4 people
    assert "2021" in str(found[12])  # another year
    assert "Biên chế ảo" in str(found[13])
    assert found[14].column == "B"  # figures without a unit code
    assert found[15].column == "H" and "2.5" in str(found[15])  # 2,5 people
    assert found[16].column == "J" and "nhiều" in str(found[16])  # not a number
    assert found[17].column == "I" and "32/13/2022" in str(found[17])  # no date
    for line in (7, 9, 10, 11, 12, 13, 15, 16, 17):  # each names its unit
        assert found[line].unit.endswith(")") and "(" in found[line].unit
    with pytest.raises(ValidationError):
        import_commit(actor=clerk, upload=preview.upload, digest=preview.digest)
    assert StaffingFigure.objects.count() == 0
    assert not AuditEntry.objects.filter(action="staffing.save").exists()


def test_a_unit_outside_the_clerks_scope_is_an_error_and_nothing_is_saved(outsider_clerk, school):
    line = SheetLine(code=school.code, name="", category=C.BUDGET_EMPLOYEE, assigned=5)
    preview = preview_of(outsider_clerk, workbook([("I", [line])]))
    (problem,) = preview.problems
    assert (problem.line, problem.unit) == (6, f"{school.name} ({school.code})")
    assert problem.message == "This unit is outside your scope."
    assert preview.created == [] and len(preview.plan.created) == 1
    with pytest.raises(ValidationError):
        import_commit(actor=outsider_clerk, upload=preview.upload, digest=preview.digest)
    assert StaffingFigure.objects.count() == 0


def test_an_exported_sheet_imports_with_no_change(clerk, agency, school):
    staffing_save(
        actor=clerk,
        year=2022,
        rows=[
            StaffingRow(agency.pk, C.CIVIL_SERVANT, 40, 38, 2, "15/QĐ-UBND", dt.date(2022, 12, 31)),
            StaffingRow(school.pk, C.BUDGET_EMPLOYEE, 30, None),
            StaffingRow(school.pk, C.CONTRACT, None, 4),
        ],
        about=agency,
    )
    exported = workbook(sheet_groups(Unit.objects.all(), 2022))
    preview = preview_of(clerk, exported)
    assert preview.problems == []
    assert (len(preview.plan.created), len(preview.plan.changed)) == (0, 0)
    assert preview.plan.unchanged == 3


def test_a_file_or_figures_changed_since_the_preview_are_refused(clerk, agency):
    line = SheetLine(code=agency.code, name="", category=C.CIVIL_SERVANT, assigned=40)
    preview = preview_of(clerk, workbook([("I", [line])]))
    # The stored file is not the one previewed.
    StaffingImport.objects.filter(pk=preview.upload.pk).update(
        content=workbook([("I", [SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=90)])])
    )
    with pytest.raises(ValidationError, match="tải lên lại"):
        import_commit(actor=clerk, upload=preview.upload, digest=preview.digest)
    # The figures changed meanwhile (another clerk saved in the grid).
    preview = preview_of(clerk, workbook([("I", [line])]))
    staffing_save(
        actor=clerk, year=2022, rows=[StaffingRow(agency.pk, C.CIVIL_SERVANT, 41)], about=agency
    )
    with pytest.raises(ValidationError, match="xem trước"):
        import_commit(actor=clerk, upload=preview.upload, digest=preview.digest)
    assert StaffingFigure.objects.get().assigned == 41
    assert AuditEntry.objects.filter(action="staffing.save").count() == 1


def test_files_that_are_not_the_template_are_refused(clerk):
    for content in (b"not a workbook", _other_workbook()):
        with pytest.raises(ValidationError):
            import_upload(actor=clerk, year=2022, filename="x.xlsx", content=content)
    assert not StaffingImport.objects.exists()  # a refused file is not kept


def _other_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Họ tên", "Lương"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_only_clerks_upload_and_only_their_own_files(official, supervisor, clerk, outsider_clerk):
    content = workbook([])
    for user in (official, supervisor):
        with pytest.raises(PermissionDenied):
            import_upload(actor=user, year=2022, filename="x.xlsx", content=content)
    upload = import_upload(actor=clerk, year=2022, filename="x.xlsx", content=content)
    with pytest.raises(PermissionDenied):
        import_preview(actor=outsider_clerk, upload=upload)


def test_ten_thousand_lines_preview_and_commit_in_a_fixed_number_of_queries(clerk, district):
    agency = AgencyFactory(area=district)
    Unit.objects.bulk_create(
        [
            Unit(
                kind="service",
                name=f"Trường {n}",
                name_folded=f"truong {n}",
                code=f"T{n:06d}",
                area=district,
                parent=agency,
                level="district",
                sector="education",
                established_on=dt.date(2000, 1, 1),
            )
            for n in range(3334)
        ]
    )
    categories = (C.BUDGET_EMPLOYEE, C.OWN_REVENUE_EMPLOYEE, C.CONTRACT)
    lines = [
        SheetLine(code=f"T{n:06d}", name="", category=category, assigned=n % 50, actual=n % 45)
        for n in range(3334)
        for category in categories
    ][:10_000]
    upload = import_upload(
        actor=clerk, year=2022, filename="big.xlsx", content=workbook([("I", lines)])
    )
    preview = None

    def run():
        nonlocal preview
        preview = import_preview(actor=clerk, upload=upload)

    assert queries_of(run) <= 8
    assert preview.problems == [] and len(preview.plan.created) == 10_000
    # Batched inserts: about a hundred statements under SQLite's limit of 999
    # parameters (a handful on PostgreSQL), never one per line.
    commit = lambda: import_commit(actor=clerk, upload=upload, digest=preview.digest)  # noqa: E731
    assert queries_of(commit) <= 150
    assert StaffingFigure.objects.count() == 10_000
    assert AuditEntry.objects.filter(action="staffing.save").count() == 1
