"""Staffing: a clerk fills an agency's grid (one wrong cell on the way) and the
overview shows it."""

import re

from playwright.sync_api import expect

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
