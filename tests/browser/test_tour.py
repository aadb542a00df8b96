"""Every main page, for each demo role, in Vietnamese and English at 1366 px: the
top bar stays on one line and shows who is logged in (a defect in Vietnamese
for the clerk, supervisor and admin), and axe-core finds nothing serious or
critical. Then the same pages on a phone (390 px) for the official and the
clerk: the document does not scroll sideways (tables scroll inside their
wrapper), the top bar's links can all be reached, and axe-core again. The
screenshots and each journey's accessibility.txt (the minor and moderate
findings) are for a person to read."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import (
    PHONE,
    Audit,
    horizontal_overflow,
    unreachable_links,
    widest_culprits,
)
from tests.browser.conftest import BROWSER, log_in
from units.models import Restructuring, Unit

ROLES = ["lanhdao", "chuyenvien", "giamsat", "admin"]
LANGUAGES = ("vi", "en")

pytestmark = [*BROWSER, pytest.mark.tour]


def main_pages(username: str) -> list[str]:
    unit = Unit.objects.get(name="Trường Mầm non Máy Chai", closed_on__isnull=True)
    decision = Restructuring.objects.get(decision_number="1520/QĐ-UBND")
    thanh_xuan = Unit.objects.get(name="Ủy ban nhân dân quận Thanh Xuân")
    pages = [
        "/",
        "/figures/",
        f"/figures/?area={unit.area.parent_id}&base=2015&year=2023",
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
    return pages


def use_language(page, language: str) -> None:
    origin = "/".join(page.url.split("/")[:3]) + "/"
    page.context.add_cookies([{"name": "django_language", "value": language, "url": origin}])


def label(path: str) -> str:
    return path.split("?")[0].replace("/", "-")


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_its_top_bar_on_one_line(page, shot, username):
    log_in(page, username)
    pages = main_pages(username)
    audit = Audit()
    for language in LANGUAGES:
        use_language(page, language)
        for path in pages:
            response = page.goto(path)
            assert response.status == 200, path
            expect(page.locator("html")).to_have_attribute("lang", language)
            bar = page.locator("header.topbar").bounding_box()
            assert bar["height"] < 60, f"{path} ({language}): the top bar wraps"
            who = page.locator(".session .who").bounding_box()
            assert who["x"] + who["width"] <= 1366, f"{path} ({language}): the user is cut"
            shot(page, f"{language}{label(path)}")
            audit.check(page, f"{path} ({language})")
    audit.finish(shot.folder)


@pytest.mark.parametrize("username", ["lanhdao", "chuyenvien"])
def test_every_page_fits_a_phone(browser, live_server, live_demo, shot, username):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, username)
        pages = main_pages(username)
        audit = Audit()
        problems = []
        for language in LANGUAGES:
            use_language(page, language)
            for path in pages:
                response = page.goto(path)
                assert response.status == 200, path
                where = f"{path} ({language})"
                overflow = horizontal_overflow(page)
                if overflow > 1:
                    culprits = ", ".join(widest_culprits(page))
                    problems.append(f"{where}: {overflow} px too wide — {culprits}")
                if missing := unreachable_links(page, "header.topbar"):
                    problems.append(f"{where}: top bar links out of reach — {missing}")
                shot(page, f"{language}{label(path)}")
                audit.check(page, where)
        assert not problems, "On a 390 px phone:\n" + "\n".join(problems)
        audit.finish(shot.folder)
    finally:
        context.close()
