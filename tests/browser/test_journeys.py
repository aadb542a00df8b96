"""The main journeys, as users take them, in Chromium."""

import datetime as dt
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER, log_in
from units.models import AuditEntry, Restructuring, Unit
from units.scope import area_ids

pytestmark = BROWSER


def result_names(page) -> list[str]:
    return page.locator("#results tbody td:first-child a").all_inner_texts()


def test_an_official_filters_opens_a_unit_goes_back_and_exports(page, shot, tmp_path):
    log_in(page, "lanhdao")
    page.goto("/units/")
    shot(page, "units-list")
    page.fill("#id_q", "truong mam non")  # no accents: finds "Trường Mầm non …"
    page.fill("#id_active_on", "01/01/2018")
    page.locator("#id_active_on").press("Enter")
    expect(page).to_have_url(re.compile(r"active_on=01%2F01%2F2018"))
    expect(page.locator("#results tbody tr").first).to_contain_text("Trường Mầm non")
    names = result_names(page)
    # Quận Ngô Quyền's 12 kindergartens, Hoa Sữa and Đống Mác, closed since or not.
    assert len(names) == 14, names
    assert all(name.startswith("Trường Mầm non") for name in names)
    assert "Trường Mầm non Lạc Viên - Gia Viên" not in names  # created on 01/08/2019
    shot(page, "filtered")

    listing = page.url
    page.locator("#results tbody a", has_text=names[0]).first.click()
    expect(page).to_have_url(re.compile(r"/units/\d+/$"))
    expect(page.locator("h1")).to_contain_text(names[0])
    expect(page.locator("main")).to_contain_text("Lịch sử thay đổi")
    shot(page, "unit-page")

    page.go_back()
    expect(page).to_have_url(listing)
    expect(page.locator("form#unit-filters")).to_be_visible()  # a whole page, not a fragment
    expect(page.locator("#id_q")).to_have_value("truong mam non")
    assert result_names(page) == names
    shot(page, "back")

    with page.expect_download() as download:
        page.click("#export-xlsx")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][1] == "Tên"
    assert sorted(row[1] for row in rows[1:]) == sorted(names)


def test_a_clerk_records_a_consolidation_with_one_error_on_the_way(page, shot):
    log_in(page, "chuyenvien")
    page.goto("/restructurings/")
    page.click("text=Nhập quyết định sắp xếp")
    page.check("input[name=kind][value=consolidate]")
    shot(page, "kind")
    page.click("button.primary")

    page.fill("#id_number", "245/QĐ-UBND")
    page.fill("#id_decided_on", "20/08/2025")
    page.fill("#id_effective_on", "01/08/2025")  # before the decision: an error
    page.fill("#id_authority", "UBND phường Ngô Quyền")
    page.click("button.primary")
    expect(page.locator(".error")).to_contain_text(
        "Ngày hiệu lực không được trước ngày ban hành quyết định."
    )
    shot(page, "decision-error")
    page.fill("#id_effective_on", "01/09/2025")
    page.click("button.primary")

    for search, name in (
        ("mam non cau tre", "Trường Mầm non Cầu Tre"),
        ("mam non may chai", "Trường Mầm non Máy Chai"),
    ):
        page.fill("#id_q", search)
        row = page.locator("#candidates tr", has_text=name)
        expect(row).to_have_count(1)
        row.locator("button").click()
        expect(page.locator(".chosen")).to_contain_text(name)
        # Back at the search, focused, for the next unit (focus went to the top).
        expect(page.locator("#id_q")).to_be_focused()
    shot(page, "sources")
    page.click("button[value=next]")

    page.fill("#id_new-0-name", "Trường Mầm non Cầu Tre - Máy Chai")
    shot(page, "results")
    page.click("button[value=next]")

    expect(page.locator("h2", has_text="Đơn vị được thành lập")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Trường Mầm non Cầu Tre - Máy Chai")
    shot(page, "preview")
    assert not Restructuring.objects.filter(decision_number="245/QĐ-UBND").exists()
    page.click("text=Xác nhận và ghi nhận")

    expect(page.locator("h1")).to_contain_text("245/QĐ-UBND")
    shot(page, "decision")
    page.locator(".flow a", has_text="Trường Mầm non Cầu Tre - Máy Chai").click()
    expect(page.locator("h1")).to_contain_text("Trường Mầm non Cầu Tre - Máy Chai")
    history = page.locator("section", has_text="Lịch sử thay đổi")
    expect(history).to_contain_text("Ghi nhận quyết định sắp xếp")
    expect(page.locator(".lineagegraph")).to_be_visible()
    shot(page, "new-unit")

    page.click("nav.mainnav >> text=Nhật ký")
    expect(page.locator("table")).to_contain_text("245/QĐ-UBND (Hợp nhất)")
    shot(page, "activity")
    created = Unit.objects.get(name="Trường Mầm non Cầu Tre - Máy Chai")
    assert AuditEntry.objects.filter(links__unit=created).count() == 1

    # The official's dashboard counts it with no manual step: 2 schools became 1.
    log_in(page, "lanhdao")
    page.goto(f"/figures/?area={created.area_id}&base=2024&year=2025")
    ward = Unit.objects.services().filter(area_id__in=area_ids(created.area))
    before = ward.active_on(dt.date(2024, 12, 31)).count()  # its predecessors' units
    after = ward.active_on(dt.date(2025, 12, 31)).count()
    expect(page.locator("[data-figure=units-base]")).to_have_text(str(before))
    expect(page.locator("[data-figure=units-now]")).to_have_text(str(after))
    expect(page.locator("[data-figure=units-reduced]")).to_have_text(str(before - after))
    shot(page, "dashboard")

    # The run that computed it is on the jobs page; the figures of the agency
    # that manages the schools are one click from the ward's agencies.
    page.click("#computed-at >> text=Các lượt tính số liệu")
    expect(page.locator("#runs-table tbody tr").first).to_have_attribute("data-status", "done")
    shot(page, "recompute-runs")
    page.go_back()
    page.goto(f"/figures/?agency={created.parent_id}&base=2024&year=2025")
    expect(page.locator("#agency-scope")).to_contain_text(created.parent.area.name)
    bodies, below = {created.parent_id}, {created.parent_id}
    while below:
        below = set(Unit.objects.filter(parent__in=below).values_list("pk", flat=True))
        bodies |= below
    under = Unit.objects.services().filter(parent__in=bodies)
    now = under.active_on(dt.date(2025, 12, 31)).count()
    expect(page.locator("[data-figure=units-now]")).to_have_text(str(now))
    shot(page, "agency")


def test_the_language_switch_turns_the_pages_english_and_back(page, shot):
    log_in(page, "lanhdao")
    for path, vietnamese, english in (
        ("/units/", "Đơn vị", "Units"),
        ("/restructurings/", "Quyết định sắp xếp", "Restructurings"),
        ("/activity/", "Nhật ký hoạt động", "Activity"),
    ):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.locator("h1")).to_have_text(vietnamese)
        page.click(".langswitch button[value=en]")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("h1")).to_have_text(english)
        shot(page, f"en{path.replace('/', '-')}")
        page.click(".langswitch button[value=vi]")
        expect(page.locator("h1")).to_have_text(vietnamese)
    unit = Unit.objects.filter(name="Trường Mầm non Máy Chai").first()
    page.click(".langswitch button[value=en]")
    page.goto(f"/units/{unit.pk}/")
    expect(page.locator("main")).to_contain_text("Change history")
    shot(page, "en-unit")
