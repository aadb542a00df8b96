"""Staffing: a clerk fills an agency's grid (one wrong cell on the way) and the
overview shows it."""

import re

import openpyxl
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.accessibility import PHONE
from tests.browser.conftest import BROWSER, log_in
from units.choices import StaffingCategory as C
from units.models import StaffingFigure, Unit

pytestmark = BROWSER


def test_a_clerk_enters_staffing_and_sees_the_overview_change(page, shot):
    log_in(page, "chuyenvien")
    ward = Unit.objects.get(name="Ủy ban nhân dân phường Ngô Quyền")
    school = Unit.objects.get(name="Trường Mầm non Cầu Tre", closed_on__isnull=True)
    page.goto(f"/staffing/{ward.pk}/2026/")
    prefix = f"c-{school.pk}-{C.BUDGET_EMPLOYEE}"
    page.fill(f"input[name={prefix}-assigned]", "20")
    page.fill(f"input[name={prefix}-actual]", "hai mươi")
    page.click("button.primary")
    expect(page.locator("#staffing-grid .error")).to_contain_text("Nhập số người là số nguyên")
    assert not StaffingFigure.objects.filter(unit=school).exists()
    shot(page, "grid-error")
    page.fill(f"input[name={prefix}-actual]", "22")
    page.click("button.primary")
    expect(page.locator("ul.messages")).to_contain_text("Đã lưu")
    shot(page, "grid-saved")

    page.goto(f"/staffing/?area={ward.area_id}&year=2026&base=2025")
    total = page.locator("#staffing-overview tfoot")
    expect(total.locator("[data-col=assigned]")).to_have_text("20")
    expect(total.locator("[data-col=over_quota]")).to_have_text("2")
    shot(page, "overview")
    page.click(".langswitch button[value=en]")
    expect(page.locator("h1")).to_have_text(re.compile("Staffing"))
    shot(page, "overview-en")


def test_a_clerk_imports_a_filled_template_after_fixing_an_error(page, shot, tmp_path):
    """Issue 21: the overview opens on the clerk's scope and a year with figures,
    the years shown in their boxes (points 6, 7); an invalid line is an error
    only, naming its unit and value (point 3); the page states the file's
    limits (point 14); after the import, what it changed comes first (point 7)."""
    log_in(page, "chuyenvien")
    school = Unit.objects.get(name="Trường Mầm non Cầu Tre", closed_on__isnull=True)
    page.goto("/staffing/")
    expect(page.locator("#staffing-filters input[name=year]")).to_have_value("2023")
    expect(page.locator("#staffing-filters input[name=base]")).to_have_value("2015")
    expect(page.locator("#staffing-filters .areachosen")).to_contain_text("Hải Phòng")
    expect(page.locator("#staffing-overview tfoot [data-col=assigned]")).not_to_have_text("0")
    shot(page, "overview-default")
    page.click("text=Nhập từ Excel")
    expect(page.locator("#import-limits")).to_contain_text("20 MB")
    page.fill("#template-year", "2026")
    with page.expect_download() as download:
        page.click("#staffing-template button")
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.active
    line = next(row[0].row for row in sheet.iter_rows(min_row=5) if row[1].value == school.code)
    with translation.override("vi"):  # the page's language, not the test thread's
        assert sheet[f"E{line}"].value == str(C.BUDGET_EMPLOYEE.label)
    other = next(
        row[0].row
        for row in sheet.iter_rows(min_row=5)
        if row[1].value not in (None, school.code) and row[0].row > line
    )
    code = sheet[f"B{other}"].value
    other_unit = (
        Unit.objects.get(pk=int(code[1:]))
        if code.startswith("#")
        else Unit.objects.filter(code=code).latest("established_on")
    )
    sheet[f"F{line}"], sheet[f"H{line}"], sheet[f"F{other}"] = 20, "mười tám", -5
    book.save(tmp_path / "sai.xlsx")
    sheet[f"H{line}"], sheet[f"F{other}"] = 18, None
    book.save(tmp_path / "dung.xlsx")

    page.fill("#id_year", "2026")
    page.set_input_files("#id_file", str(tmp_path / "sai.xlsx"))
    page.click("#staffing-upload button")
    first = page.locator("#import-errors tbody tr").first
    expect(first.locator("td").nth(0)).to_have_text(str(line))
    expect(first.locator("td").nth(1)).to_have_text("H")
    expect(first).to_contain_text(school.name)
    expect(first).to_contain_text("mười tám")
    negative = page.locator("#import-errors tbody tr", has_text=str(other_unit.name))
    expect(negative).to_contain_text("Biên chế được giao “-5” không phải số người hợp lệ")
    expect(negative.locator("td").nth(1)).to_have_text("F")
    # The invalid line is an error only: neither listed nor counted as a figure.
    expect(page.locator("#import-summary")).to_contain_text("0 số liệu thêm mới")
    expect(page.locator("#import-created")).to_have_count(0)
    expect(page.locator("#import-commit")).to_have_count(0)
    shot(page, "import-error")

    page.click("text=Tải lên tệp khác")
    page.fill("#id_year", "2026")
    page.set_input_files("#id_file", str(tmp_path / "dung.xlsx"))
    page.click("#staffing-upload button")
    expect(page.locator("#import-summary")).to_contain_text("1 số liệu thêm mới")
    expect(page.locator("#import-created")).to_contain_text(school.name)
    assert not StaffingFigure.objects.filter(unit=school).exists()
    shot(page, "import-preview")
    page.click("#import-commit button")
    expect(page.locator("ul.messages")).to_contain_text("Đã nhập: 1 mới")
    assert StaffingFigure.objects.get(unit=school, year=2026).actual == 18
    total = page.locator("#staffing-overview tfoot")
    expect(total.locator("[data-col=assigned]")).to_have_text("20")
    expect(total.locator("[data-col=vacancy]")).to_have_text("2")
    # What the import changed comes first among the city's wards, marked.
    expect(page.locator("#staffing-marked")).to_be_visible()
    changed = page.locator("#staffing-overview tbody tr").first
    expect(changed).to_have_class("changed")
    expect(changed.locator("[data-col=assigned]")).to_have_text("20")
    expect(page.locator("#staffing-overview tbody tr.changed")).to_have_count(1)
    expect(page.locator("#staffing-filters input[name=year]")).to_have_value("2026")
    shot(page, "import-done")
    page.click("#staffing-marked a")  # the changed lines alone
    expect(page.locator("#staffing-overview tbody tr")).to_have_count(1)
    expect(total.locator("[data-col=assigned]")).to_have_text("20")
    shot(page, "import-only-changed")
    page.click(".langswitch button[value=en]")
    page.goto("/staffing/import/")
    expect(page.locator("h1")).to_have_text("Import staffing figures")
    shot(page, "import-en")


def test_the_grid_can_be_filled_on_a_phone(browser, live_server, live_demo, shot):
    """On a 390 px phone the grid's actual and streamlined inputs sat out of
    sight in a sideways-scrolling frame: each row is now a card, every input
    under its column's name in the reader's language."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        page = context.new_page()
        log_in(page, "chuyenvien")
        ward = Unit.objects.get(name="Ủy ban nhân dân phường Ngô Quyền")
        page.goto(f"/staffing/{ward.pk}/2026/")
        inputs = page.locator("#staffing-grid input")
        assert inputs.count() >= 6
        for index in range(inputs.count()):
            box = inputs.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (index, box)
        assert inputs.nth(1).get_attribute("aria-label").endswith("· Thực có")
        shot(page, "grid-phone")
    finally:
        context.close()
