"""What the import preview says about invalid lines (issue 21, point 3): an
invalid line is an error only, never also a figure to create or to change, nor
counted as one; each message names the unit (code and name) and the bad value,
and every reason is a sentence that starts with a capital."""

import io

import pytest
from django.utils import translation

from tests.factories import ServiceUnitFactory
from units.choices import StaffingCategory as C
from units.services.staffing import StaffingRow, staffing_save
from units.services.staffing_import import import_preview, import_upload
from units.staffing_sheet import SheetLine, write_workbook

pytestmark = pytest.mark.django_db


def workbook(lines) -> bytes:
    file = io.BytesIO()
    write_workbook(file, year=2022, title="Biên chế", groups=[("I", lines)])
    return file.getvalue()


@pytest.fixture
def schools(district, agency):
    return [
        ServiceUnitFactory(name=f"Trường Mầm non {n}", code=f"MN{i}", area=district, parent=agency)
        for i, n in enumerate(("Lạc Viên", "Cầu Tre", "Máy Tơ"))
    ]


@pytest.fixture
def shown(clerk, agency, schools):
    """Line 6 changes 20 to −5, line 7 creates −5, line 8 is right, line 9 gives
    a school civil servants, line 10 writes 2,000,000 people."""
    staffing_save(
        actor=clerk,
        year=2022,
        rows=[StaffingRow(schools[0].pk, C.BUDGET_EMPLOYEE, assigned=20)],
        about=agency,
    )
    lines = [
        SheetLine(schools[0].code, "", C.BUDGET_EMPLOYEE, assigned=-5),
        SheetLine(schools[1].code, "", C.BUDGET_EMPLOYEE, assigned=-5),
        SheetLine(schools[2].code, "", C.BUDGET_EMPLOYEE, assigned=12),
        SheetLine(schools[2].code, "", C.CIVIL_SERVANT, assigned=3),
        SheetLine(agency.code, "", C.CIVIL_SERVANT, actual=2_000_000),
    ]
    content = workbook(lines)
    upload = import_upload(actor=clerk, year=2022, filename="f.xlsx", content=content)
    return import_preview(actor=clerk, upload=upload)


def test_invalid_lines_are_errors_only_not_figures_to_save(shown, schools):
    assert [p.line for p in shown.problems] == [6, 7, 9, 10]
    assert [row.unit_id for row in shown.created] == [schools[2].pk]  # line 8 alone
    assert shown.changed == []


def test_each_message_names_the_unit_and_the_bad_value(shown, schools, agency):
    found = {p.line: p for p in shown.problems}
    with translation.override("vi"):
        for line, school in ((6, schools[0]), (7, schools[1])):
            text = str(found[line])
            assert school.code in text and school.name in text and "-5" in text
            assert found[line].column == "F"
        assert schools[2].code in str(found[9]) and "công chức" in str(found[9]).lower()
        assert agency.name in str(found[10]) and "2000000" in str(found[10])
        for problem in shown.problems:
            assert problem.text[0].isupper() and problem.text.endswith(".")
        vietnamese = {line: problem.text for line, problem in found.items()}
    with translation.override("en"):
        assert "-5" in found[6].text and found[6].text[0].isupper()
        # Every reason reads in Vietnamese (they were English: gettext_noop
        # under another name is not extracted for translation).
        assert all(vietnamese[line] != problem.text for line, problem in found.items())
        assert "Biên chế được giao “-5”" in vietnamese[6]
