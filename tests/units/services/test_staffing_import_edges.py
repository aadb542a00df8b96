"""Files and inputs that once broke the staffing import or the quota form (a
review found them): damaged workbooks, a lying <dimension>, numbers of 5,000
digits, ids out of range, codes shared in a year, a commit without a digest."""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.factories import ServiceUnitFactory
from units.choices import StaffingCategory as C
from units.models import StaffingFigure, StaffingImport, Unit
from units.selectors.staffing import sheet_groups
from units.services.staffing import StaffingRow, staffing_save
from units.services.staffing_import import import_commit, import_preview, import_upload
from units.staffing_sheet import SheetLine, write_workbook
from units.tasks import staffing_imports_cleanup
from units.text import parse_count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def workbook(lines, year=2022) -> bytes:
    file = io.BytesIO()
    write_workbook(file, year=year, title="Biên chế", groups=[("I", lines)])
    return file.getvalue()


def rezip(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item, data)
    return out.getvalue()


def preview(user, content, year=2022):
    upload = import_upload(actor=user, year=year, filename="f.xlsx", content=content)
    return import_preview(actor=user, upload=upload)


def test_a_commit_without_the_previewed_digest_saves_nothing(clerk, agency):
    line = SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=40)
    shown = preview(clerk, workbook([line]))
    for digest in ("", None):
        with pytest.raises(ValidationError):
            import_commit(actor=clerk, upload=shown.upload, digest=digest)
    assert not StaffingFigure.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml[: len(xml) // 2],  # cut off
        lambda xml: xml.replace(b"<v>2022</v>", b"<v>abc</v>", 1),  # a number that is not
    ],
)
def test_a_damaged_workbook_is_explained_not_a_crash(clerk, agency, change):
    content = rezip(workbook([SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=1)]), change)
    with pytest.raises(ValidationError, match="hỏng|Excel"):
        preview(clerk, content)


def test_a_workbook_that_understates_its_size_is_read_to_the_end(clerk, agency, unit):
    lines = [
        SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=40),
        SheetLine(unit.code, "", C.BUDGET_EMPLOYEE, assigned=30),
    ]

    def lie(xml):
        return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:K6"/>', xml)

    shown = preview(clerk, rezip(workbook(lines), lie))
    assert len(shown.plan.created) == 2


def test_absurd_numbers_and_ids_are_line_errors(clerk, agency, unit):
    content = workbook(
        [
            SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=1),
            SheetLine("#" + "9" * 30, "", C.CONTRACT, actual=1),
            SheetLine(f"#000{unit.pk}", "", C.BUDGET_EMPLOYEE, assigned=3),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    book.active["F6"] = "9" * 5000
    book.active["G8"] = dt.datetime(2022, 12, 15)  # "15/12" typed, a date to Excel
    out = io.BytesIO()
    book.save(out)
    found = {problem.line: problem for problem in preview(clerk, out.getvalue()).problems}
    assert found[6].column == "F"
    assert found[7].column == "B"
    assert found[8].column == "G"  # the unit is found by #000<id>; the date is flagged


def test_a_code_two_units_share_in_the_year_exports_by_id_and_reimports(clerk, district, agency):
    old = ServiceUnitFactory(code="K1", area=district, parent=agency, closed_on=dt.date(2022, 7, 1))
    new = ServiceUnitFactory(
        code="K1", area=district, parent=agency, established_on=dt.date(2022, 7, 1)
    )
    rows = [StaffingRow(u.pk, C.BUDGET_EMPLOYEE, assigned=n) for u, n in ((old, 9), (new, 11))]
    staffing_save(actor=clerk, year=2022, rows=rows, about=agency)
    exported = workbook_of(Unit.objects.filter(pk__in=[old.pk, new.pk]))
    shown = preview(clerk, exported)
    assert shown.problems == [] and shown.plan.unchanged == 2


def workbook_of(units) -> bytes:
    file = io.BytesIO()
    write_workbook(file, year=2022, title="x", groups=sheet_groups(units, 2022))
    return file.getvalue()


@pytest.mark.parametrize(
    ("text", "count"),
    [("15", 15), ("1.234", 1234), ("1 234", 1234), ("1.5", None), ("-4", None), ("9" * 5000, None)],
)
def test_counts_of_people_are_read_strictly(text, count):
    assert parse_count(text) == count


def test_uploads_never_committed_are_forgotten_after_a_day(clerk, agency):
    line = SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=40)
    kept = preview(clerk, workbook([line]))
    import_commit(actor=clerk, upload=kept.upload, digest=kept.digest)
    fresh = import_upload(actor=clerk, year=2022, filename="f.xlsx", content=workbook([line]))
    stale = import_upload(actor=clerk, year=2022, filename="f.xlsx", content=workbook([line]))
    day_ago = timezone.now() - dt.timedelta(days=2)
    StaffingImport.objects.exclude(pk=fresh.pk).update(created_at=day_ago)
    staffing_imports_cleanup()
    assert set(StaffingImport.objects.values_list("pk", flat=True)) == {kept.upload.pk, fresh.pk}
    assert stale.pk not in StaffingImport.objects.values_list("pk", flat=True)
