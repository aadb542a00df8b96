"""The whole country: an area found by typing, the units of a merged city, the
area tree of today against the landing page, and a unit moved on 1/7/2025."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import BROWSER, log_in
from units.models import Area

pytestmark = BROWSER


def test_an_official_types_an_area_and_follows_hai_phong_through_2025(page, shot):
    log_in(page, "lanhdao")
    page.goto("/units/")
    search = page.locator("#areapicker-area input[type=search]")
    search.fill("HAI PHONG")  # no accents, capitals: finds "Thành phố Hải Phòng"
    options = page.locator("#areaoptions-area button.option", has_text="Thành phố Hải Phòng")
    expect(options.first).to_be_visible()
    shot(page, "area-typeahead")
    # Two cities of that name: until 30/06/2025, and the merged one since 01/07/2025.
    options.filter(has_text="từ 01/07/2025").click()
    expect(page.locator("#areapicker-area .chip")).to_contain_text("Thành phố Hải Phòng")
    new_city = Area.objects.get(level="province", code="31", valid_from__isnull=False)
    expect(page).to_have_url(re.compile(rf"area={new_city.pk}"))
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_be_visible()
    # Quận Ngô Quyền's schools, moved to the new wards on 1/7/2025, are listed.
    expect(page.locator("#results")).to_contain_text("Trường Mầm non Cầu Tre")
    expect(page.locator("#results")).not_to_contain_text("Quận Ngô Quyền")
    shot(page, "hai-phong-units")

    page.locator("#results tbody a", has_text="Trường Mầm non Cầu Tre").first.click()
    expect(page.locator("main")).to_contain_text("Nghị quyết 202/2025/QH15")
    shot(page, "moved-unit")

    page.goto("/")
    landing_total = page.locator("[data-total=services]").inner_text()
    page.goto("/areas/")
    expect(page.locator("[data-total=services]")).to_have_text(landing_total)
    tree = page.locator(".card.tree")
    tree.locator("summary", has_text="Thành phố Hải Phòng").locator(".name").click()
    expect(tree).to_contain_text("Phường Gia Viên")  # the wards of 1/7/2025, no district
    expect(tree).not_to_contain_text("Quận Ngô Quyền")
    shot(page, "area-tree-today")
    page.fill("#id_on", "31/12/2023")
    page.locator("#id_on").press("Enter")
    expect(page.locator(".card.tree")).to_contain_text("Tỉnh Hải Dương")
    page.locator("summary", has_text="Thành phố Hải Phòng").locator(".name").click()
    expect(page.locator(".card.tree")).to_contain_text("Quận Ngô Quyền")
    shot(page, "area-tree-2023")
