"""The figures engine's journey (issue 19), in Chromium: an administrator
recomputes everything from the jobs page (fresh tables swapped in on
PostgreSQL), the run is listed as done, and the national dashboard reads what
the incremental runs had written; then the same in English."""

import datetime as dt
import re

from playwright.sync_api import expect

from tests.browser.conftest import BROWSER, log_in
from units.models import RecomputeRun, Unit

pytestmark = BROWSER
NATIONAL = "/figures/?base=2015&year=2025"


def test_an_admin_recomputes_everything_and_the_dashboard_reads_the_same(page, shot):
    log_in(page, "admin")
    page.goto(NATIONAL)
    counted = page.locator("[data-figure=units-now]").inner_text()
    active = Unit.objects.services().active_on(dt.date(2025, 12, 31)).count()
    assert counted == f"{active:,}".replace(",", ".")  # Vietnamese thousands
    page.goto("/figures/runs/")
    before = RecomputeRun.objects.count()
    page.click("#recompute-all")
    first = page.locator("#runs-table tbody tr").first
    expect(first).to_have_attribute("data-status", "done")
    expect(first).to_contain_text("Thủ công")
    assert RecomputeRun.objects.count() == before + 1
    shot(page, "runs")
    page.goto(NATIONAL)
    expect(page.locator("[data-figure=units-now]")).to_have_text(counted)
    shot(page, "dashboard")
    page.click(".langswitch button[value=en]")
    expect(page.locator("h1")).to_have_text(re.compile("Reduction figures"))
    expect(page.locator("[data-figure=units-now]")).to_have_text(counted.replace(".", ","))
    shot(page, "dashboard-en")
    page.goto("/figures/runs/")
    expect(page.locator("#runs-table tbody tr").first).to_contain_text("Manual")
    shot(page, "runs-en")
