"""Data quality and foresight (issue 23, points 3 and 4), in Chromium: a clerk
sees the count on the landing page, opens the checks, a check's rows and its
CSV, in Vietnamese and English and on a phone; an official reads the foresight
of Ngô Quyền's targets under the figures with its method."""

import csv
import re

from playwright.sync_api import expect

from tests.browser.accessibility import PHONE, Audit, horizontal_overflow
from tests.browser.conftest import BROWSER, log_in
from units.models import Area

pytestmark = BROWSER


def test_a_clerk_follows_the_count_to_the_rows_to_fix(page, shot, tmp_path):
    audit = Audit()
    log_in(page, "chuyenvien")
    page.goto("/")
    count = page.locator("#quality-count [data-total]")
    total = int(count.get_attribute("data-total"))
    assert total > 0
    page.click("#quality-count a")
    expect(page).to_have_url(re.compile("/data-quality/$"))
    counts = page.locator("#data-quality td[data-count]")
    assert sum(int(c.get_attribute("data-count")) for c in counts.all()) == total
    shot(page, "checks")
    audit.check(page, "data quality (vi)")
    row = page.locator("#data-quality tr[data-check=decisions-without-file]")
    expected = int(row.locator("td[data-count]").get_attribute("data-count"))
    row.locator("a").first.click()
    expect(page.locator("[data-count]").first).to_have_attribute("data-count", str(expected))
    expect(page.locator("#quality-rows tbody tr").first).to_be_visible()
    shot(page, "decisions-without-file")
    audit.check(page, "data quality rows (vi)")
    with page.expect_download() as download:
        page.click("#quality-export")
    path = tmp_path / "rows.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        assert len(list(csv.reader(file))) == expected + 1  # with its header
    page.click(".langswitch button[value=en]")
    page.goto("/data-quality/")
    expect(page.locator("h1")).to_contain_text("Data quality")
    shot(page, "checks-en")
    audit.check(page, "data quality (en)")
    audit.finish(shot.folder)


def test_an_official_reads_the_foresight_of_the_targets(page, shot):
    log_in(page, "lanhdao")
    district = Area.objects.get(name="Quận Ngô Quyền")
    page.goto(f"/figures/?area={district.pk}&base=2021&year=2023")
    foresight = page.locator("#foresight")
    expect(foresight).to_be_visible()
    expect(foresight.locator("tbody tr").first).to_be_visible()
    expect(foresight).to_contain_text("2018–2023")
    shot(page, "foresight")
    audit = Audit()
    audit.check(page, "figures with foresight (vi)")
    audit.finish(shot.folder)


def test_the_checks_fit_a_phone(browser, live_server, live_demo, shot):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    try:
        log_in(page, "chuyenvien")
        for path in ("/", "/data-quality/", "/data-quality/decisions-without-file/"):
            page.goto(path)
            assert horizontal_overflow(page) <= 1, path
            shot(page, "phone" + path.replace("/", "-"))
    finally:
        context.close()
