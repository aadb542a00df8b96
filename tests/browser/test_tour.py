"""Every main page, for each demo role, in Vietnamese and English at 1366 px: the
top bar stays on one line and shows who is logged in (a defect in Vietnamese
for the clerk, supervisor and admin). The screenshots are for a person to read."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER, log_in
from units.models import Restructuring, Unit

ROLES = ["lanhdao", "chuyenvien", "giamsat", "admin"]

pytestmark = BROWSER


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_its_top_bar_on_one_line(page, shot, username):
    log_in(page, username)
    unit = Unit.objects.get(name="Trường Mầm non Máy Chai", closed_on__isnull=True)
    decision = Restructuring.objects.get(decision_number="1520/QĐ-UBND")
    thanh_xuan = Unit.objects.get(name="Ủy ban nhân dân quận Thanh Xuân")
    pages = [
        "/",
        "/units/",
        f"/units/{unit.pk}/",
        "/restructurings/",
        f"/restructurings/{decision.pk}/",
        "/activity/",
        "/organisation/?on=31/12/2023",
        "/areas/",
        "/staffing/?year=2022",
        f"/staffing/{thanh_xuan.pk}/2022/",
        "/health/",
        "/supervision/",
        "/recommendations/",
        "/recommendations/overdue/",
        "/plans/",
        "/public/",
    ]
    if username in ("chuyenvien", "admin"):
        pages.append("/restructurings/new/")
    for language in ("vi", "en"):
        origin = "/".join(page.url.split("/")[:3]) + "/"
        page.context.add_cookies([{"name": "django_language", "value": language, "url": origin}])
        for path in pages:
            response = page.goto(path)
            assert response.status == 200, path
            expect(page.locator("html")).to_have_attribute("lang", language)
            bar = page.locator("header.topbar").bounding_box()
            assert bar["height"] < 60, f"{path} ({language}): the top bar wraps"
            who = page.locator(".session .who").bounding_box()
            assert who["x"] + who["width"] <= 1366, f"{path} ({language}): the user is cut"
            shot(page, f"{language}{path.split('?')[0].replace('/', '-')}")
