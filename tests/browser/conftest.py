"""Browser journeys: Playwright for Python driving Debian's Chromium (no browser
download) against one live server with the demo data. Without Chromium they skip
locally and fail on CI. Screenshots go to a folder printed at the end of the run.

A live server needs committed data: `live_demo` (tests/live_demo.py) gives
each journey the demo, loaded once per worker."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import SCREENSHOTS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ[SCREENSHOTS])  # one folder for the run (tests/conftest.py)


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "/usr/bin/chromium"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


# Every module here starts with this: a live server needs committed data, and the
# roles made by a migration are restored after each test.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is None:
        return
    if chromium_path() is None:
        message = "needs Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + " — required on CI", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM
    # calls made between page actions (and by the database fixtures) are
    # ordinary synchronous calls all the same.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True
            )
            yield instance
            instance.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server, live_demo):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


class Shots:
    """Numbered full-page screenshots of one journey."""

    def __init__(self, name: str):
        self.folder = SHOTS / name
        self.count = 0

    def __call__(self, page, label: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        path = self.folder / f"{self.count:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shot(request):
    return Shots(request.node.name)


def log_in(page, username: str, password: str = "demo12345") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
