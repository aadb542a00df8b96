"""Managing bodies through 2025 (issue 26), in Chromium: an official opens Sở
Nội vụ of Hải Phòng, reads its reduction since 2015 starting from its own and
Sở Lao động - Thương binh và Xã hội's units with no "transfers in" bar, follows
the predecessor, whose page leads back to its successor, and reads the
organisation tree the day before the merger; then in English and on a phone."""

import re

from playwright.sync_api import expect

from tests.browser.accessibility import PHONE, Audit, horizontal_overflow
from tests.browser.conftest import BROWSER, log_in
from units.models import Unit

pytestmark = BROWSER
HOME = "Sở Nội vụ thành phố Hải Phòng"
LABOUR = "Sở Lao động - Thương binh và Xã hội thành phố Hải Phòng"


def test_a_merged_department_reads_from_its_predecessors(page, shot):
    audit = Audit()
    log_in(page, "lanhdao")
    home = Unit.objects.get(name=HOME, closed_on__isnull=True)
    page.goto(f"/units/{home.pk}/")
    expect(page.locator("#agency-predecessors")).to_contain_text(LABOUR)
    expect(page.locator("#succession")).to_contain_text("Chuyển giao cấp quản lý")
    shot(page, "home-affairs")
    audit.check(page, "unit page (vi)")
    page.click("#agency-figures")
    page.fill("#id_base", "2015")
    page.fill("#id_year", "2026")
    page.click("#dashboard-filters button[type=submit]")
    expect(page.locator("[data-figure=units-base]")).to_have_text("4")
    expect(page.locator("[data-figure=units-now]")).to_have_text("3")
    waterfall = page.locator("table:has(th:text('Bước'))")
    expect(waterfall).to_contain_text("Sáp nhập")
    expect(waterfall).not_to_contain_text("Chuyển đến")
    expect(waterfall).not_to_contain_text("Tiếp nhận")
    shot(page, "home-affairs-figures")
    audit.check(page, "agency figures (vi)")
    page.locator("#agency-predecessors a", has_text=LABOUR).click()
    expect(page.locator("#agency-successor")).to_contain_text("dừng ở 31/12/2024")
    expect(page.locator("[data-figure=units-now]")).to_have_text("2")  # its own merger
    shot(page, "labour-figures")
    audit.check(page, "predecessor figures (vi)")
    page.locator("#agency-successor a").click()
    expect(page.locator("h1")).to_contain_text(HOME)
    city = Unit.objects.filter(name="Ủy ban nhân dân thành phố Hải Phòng").order_by("id").first()
    page.goto("/organisation/?on=28/02/2025")
    page.locator("summary", has_text=city.name).click()
    expect(page.locator(".succession", has_text="từ 01/03/2025: chuyển về")).to_have_count(6)
    shot(page, "org-tree-before-merger")
    audit.check(page, "organisation tree (vi)")
    page.click(".langswitch button[value=en]")
    page.goto(f"/figures/?agency={home.pk}&base=2015&year=2026")
    expect(page.locator("#agency-predecessors")).to_contain_text("Its figures count the bodies")
    expect(page.locator("table:has(th:text('Step'))")).not_to_contain_text("Transfers in")
    shot(page, "home-affairs-figures-en")
    audit.check(page, "agency figures (en)")
    labour = Unit.objects.get(name=LABOUR)
    page.goto(f"/units/{labour.pk}/")
    expect(page.locator("#agency-successor")).to_contain_text(re.compile("continues in"))
    shot(page, "labour-en")
    audit.check(page, "predecessor page (en)")
    audit.finish(shot.folder)


def test_the_lineage_fits_a_phone(browser, live_server, live_demo, shot):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    try:
        log_in(page, "lanhdao")
        home = Unit.objects.get(name=HOME, closed_on__isnull=True)
        for path in (f"/units/{home.pk}/", f"/figures/?agency={home.pk}&base=2015&year=2026"):
            page.goto(path)
            assert horizontal_overflow(page) <= 1, path
            shot(page, "phone" + path.split("?")[0].replace("/", "-"))
    finally:
        context.close()
