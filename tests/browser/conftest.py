"""Browser journeys: Playwright for Python driving Debian's Chromium (no browser
download) against one live server with the demo data. Without Chromium they skip
locally and fail on CI. Screenshots go to a folder printed at the end of the run.

A live server needs committed data, so each journey ends with the tables
emptied; the demo is loaded (and its figures computed) once, copied into
snapshot tables, and copied back before each journey: a fraction of a second
instead of a load."""

import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

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


class DemoTables:
    """The committed demo, kept in snapshot tables beside the real ones (which
    Django's flush and introspection leave alone, having no model)."""

    PREFIX = "snapshot_"

    def __init__(self):
        self.tables: list[str] = []

    def take(self) -> None:
        self.tables = connection.introspection.django_table_names(only_existing=True)
        with connection.cursor() as cursor:
            for table in self.tables:
                copy = connection.ops.quote_name(self.PREFIX + table)
                cursor.execute(f"DROP TABLE IF EXISTS {copy}")
                cursor.execute(
                    f"CREATE TABLE {copy} AS SELECT * FROM {connection.ops.quote_name(table)}"
                )

    def restore(self) -> None:
        """Every table as the snapshot has it (foreign keys are checked at commit),
        with the sequences moved past the ids copied back."""
        quote = connection.ops.quote_name
        models = [
            m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in self.tables
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), self.tables):
                cursor.execute(sql)
            for table in self.tables:
                cursor.execute(
                    f"INSERT INTO {quote(table)} SELECT * FROM {quote(self.PREFIX + table)}"
                )
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    f"DROP TABLE IF EXISTS {connection.ops.quote_name(self.PREFIX + table)}"
                )
        self.tables = []


@pytest.fixture(scope="session")
def demo_tables(django_db_setup, django_db_blocker):
    tables = DemoTables()
    yield tables
    with django_db_blocker.unblock():
        tables.drop()


@pytest.fixture
def live_demo(settings, eager_tasks, transactional_db, demo_tables):
    """The demo with its figures, committed: loaded by the first journey (the
    figures are computed at commit, as in the embedded mode), copied back for
    the next ones."""
    if demo_tables.tables:
        demo_tables.restore()
        return
    settings.DEBUG = True  # the demo users exist only in the embedded mode
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    demo_tables.take()


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
