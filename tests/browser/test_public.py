"""Public figures and open data (issue 23, points 1 and 2), in Chromium, as an
anonymous visitor: landing → public figures → Hải Phòng → quận Ngô Quyền
2018–2023 reads 42 → 36, 14,29 %; the consolidation step lists its decisions;
the CSV and JSON downloads of that table hold the same numbers; the DCAT
catalogue parses as JSON-LD and lists the downloads; then in English and on a
phone."""

import csv
import json
import re

from playwright.sync_api import expect

from tests.browser.accessibility import PHONE, Audit, horizontal_overflow
from tests.browser.conftest import BROWSER

pytestmark = BROWSER


def test_an_anonymous_visitor_reads_and_downloads_ngo_quyen(page, shot, tmp_path):
    audit = Audit()
    page.goto("/")
    page.click("#public-figures-link")
    expect(page).to_have_url(re.compile("/open/figures/"))
    expect(page.locator("h1")).to_contain_text("Số liệu công khai: Cả nước")
    audit.check(page, "public figures, nation (vi)")
    page.fill("#id_base", "2017")
    page.fill("#id_year", "2023")
    page.click("#public-filters button[type=submit]")
    expect(page.locator("#public-period")).to_contain_text("2018–2023")
    shot(page, "nation-2018-2023")
    page.locator("#public-children a", has_text=re.compile(r"Hải Phòng$")).click()
    expect(page.locator("h1")).to_contain_text("Hải Phòng")
    audit.check(page, "public figures, Hải Phòng (vi)")
    page.locator("#public-children a", has_text="Ngô Quyền").click()
    expect(page.locator("h1")).to_contain_text("Ngô Quyền")
    expect(page.locator("[data-figure=units-base]")).to_have_text("42")
    expect(page.locator("[data-figure=units-now]")).to_have_text("36")
    expect(page.locator("[data-figure=units-percent]")).to_have_text("14,29 %")
    shot(page, "ngo-quyen")
    audit.check(page, "public figures, Ngô Quyền (vi)")
    figures_url = page.url

    for fmt in ("csv", "json"):
        with page.expect_download() as download:
            page.click(f"[data-download=summary-{fmt}]")
        path = tmp_path / f"summary.{fmt}"
        download.value.save_as(path)
        if fmt == "csv":
            with path.open(encoding="utf-8-sig", newline="") as file:
                row = next(csv.DictReader(file))
            assert (row["units_base"], row["units_now"]) == ("42", "36")
            assert row["units_reduced_percent"] == "14.29"
        else:
            row = json.loads(path.read_text(encoding="utf-8"))["rows"][0]
            assert (row["units_base"], row["units_now"], row["units_reduced_percent"]) == (
                42,
                36,
                14.29,
            )

    catalog = page.request.get(page.locator("#catalog-link").get_attribute("href"))
    assert catalog.headers["content-type"].startswith("application/ld+json")
    document = json.loads(catalog.text())
    assert document["@type"] == "dcat:Catalog" and "dcat" in document["@context"]
    urls = [
        d["dcat:downloadURL"]
        for dataset in document["dcat:dataset"]
        for d in dataset["dcat:distribution"]
    ]
    summary_csv = page.locator("[data-download=summary-csv]").get_attribute("href")
    assert summary_csv in urls

    page.click("[data-bar-link=consolidate]")
    expect(page).to_have_url(re.compile("/open/figures/decisions/"))
    expect(page.locator("h1")).to_have_text("Các quyết định dẫn đến số liệu")
    rows = page.locator("#public-decisions tbody tr")
    expect(rows.first).to_contain_text("Hợp nhất")
    assert rows.count() >= 1
    shot(page, "consolidation-decisions")
    audit.check(page, "decisions behind a step (vi)")

    page.goto(figures_url)
    page.click(".langswitch button[value=en]")
    expect(page.locator("[data-figure=units-percent]")).to_have_text("14.29 %")
    expect(page.locator("#headline-units h2")).to_have_text("Public service units")
    expect(page.locator("h1")).to_have_text("Public figures: Quận Ngô Quyền")
    shot(page, "ngo-quyen-en")
    audit.check(page, "public figures, Ngô Quyền (en)")
    page.goto("/open/data/")
    expect(page.locator("#licence")).to_contain_text("CC BY 4.0")
    shot(page, "dictionary-en")
    audit.check(page, "data dictionary (en)")
    audit.finish(shot.folder)


def test_the_public_figures_fit_a_phone(browser, live_server, live_demo, shot):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    try:
        for path in ("/open/figures/", "/open/figures/?base=2017&year=2023", "/open/data/"):
            page.goto(path)
            assert horizontal_overflow(page) <= 1, path
            shot(page, "phone" + path.split("?")[0].replace("/", "-"))
    finally:
        context.close()
