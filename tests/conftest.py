"""Standing users per role (healthchecks style), the demo data loaded once per
test database (`demo`), and the rule that tests needing PostgreSQL, Redis and a
worker fail rather than skip on CI."""

import datetime as dt
import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from reformwatch.celery import app
from tests.demo_data import DemoData, depth
from tests.factories import AgencyFactory, DistrictFactory, ServiceUnitFactory, UserFactory
from tests.live_demo import demo_tables, live_demo  # noqa: F401 (fixtures for every test)
from units import versions
from units.choices import Role

# A hung test ends the run with stacks instead of waiting for CI's limit.
pytest_plugins = ["tests.watchdog"]

DEMO: DemoData | None = None


def _cache_of_this_worker() -> None:
    """Under pytest-xdist on the PostgreSQL + Redis pass, each worker's cache in
    its own Redis database (15, 14, …): a test empties the cache (FLUSHDB), and
    must not empty the other worker's in the middle of its test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    cache_settings = settings.CACHES["default"]
    if not worker or "redis" not in cache_settings["BACKEND"].lower():
        return
    location = urlsplit(cache_settings["LOCATION"])
    database = int(location.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    cache_settings["LOCATION"] = urlunsplit(location._replace(path=f"/{database % 16}"))


_cache_of_this_worker()


def _sqlite_test_database_on_a_file() -> None:
    """The SQLite test database in a file (in memory, /dev/shm), never in
    SQLite's memory: a live server's threads share an in-memory database's one
    connection, and two threads on one connection deadlock with the
    interpreter's lock held (one reads rows holding the lock and waits for
    SQLite's, the other, inside SQLite, waits for the interpreter's to call one
    of Django's SQL functions), which froze CI's run where no timeout could
    fire. On a file each thread has its own connection. One name per run
    (xdist's workers inherit it and add their suffix), so that two runs on the
    machine never share a file."""
    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        return
    run = os.environ.setdefault("REFORMWATCH_TEST_RUN", uuid.uuid4().hex[:12])
    folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    database.setdefault("TEST", {})["NAME"] = str(folder / f"reformwatch-test-{run}.sqlite3")


_sqlite_test_database_on_a_file()
# One folder of browser screenshots for the run, whichever xdist worker takes a
# journey: the workers inherit this process's environment.
SCREENSHOTS = "REFORMWATCH_SCREENSHOTS"
os.environ.setdefault(
    SCREENSHOTS,
    str(
        Path(__file__).resolve().parents[1]
        / "var"
        / "screenshots"
        / f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    ),
)


def pytest_terminal_summary(terminalreporter):
    if Path(os.environ[SCREENSHOTS]).exists():
        terminalreporter.write_line(f"Browser screenshots: {os.environ[SCREENSHOTS]}")


RUNNING = None  # the test being set up, for the session fixture that opens the demo


def transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(fixtures)
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (rolled-back tests, then transactional ones):
    the tests reading the demo together, layer by layer, so that each layer is
    loaded once."""
    for item in items:
        if depth(item) and transactional(item):
            raise pytest.UsageError(f"{item.nodeid}: the demo fixtures are for rolled-back tests")
    items.sort(key=lambda item: 3 if transactional(item) else depth(item))


@pytest.fixture(scope="session")
def demo_data(django_db_setup, django_db_blocker):
    """Set up before any test's own transaction (a session fixture comes first):
    opens the layers the first test reading the demo needs."""
    global DEMO
    DEMO = DemoData(django_db_blocker)
    DEMO.reach(depth(RUNNING))
    yield DEMO
    DEMO.peel(0)
    DEMO = None


@pytest.fixture
def demo(demo_data, db):
    """The demo data (load_demo), loaded once for all the tests that read it;
    each test's writes are rolled back."""
    return demo_data


@pytest.fixture
def demo_figures(demo):
    """The demo with its figures computed (a full recompute), loaded once too."""
    return demo


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    global RUNNING
    RUNNING = item
    if DEMO is not None:
        DEMO.reach(depth(item))  # tests without the demo ran in between (-k, reordering)
    _require_services(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After the test's own transaction is rolled back: the layers the next
        # test does not read are rolled back too.
        if DEMO is not None:
            DEMO.peel(depth(nextitem))


def _require_services(item):
    if item.get_closest_marker("services") is None:
        return
    missing = []
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        missing.append("DATABASE_URL (PostgreSQL)")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL")
    if missing:
        message = "needs " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " — required on CI", pytrace=False)
        pytest.skip(message)
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        # Their Celery workers consume one Redis queue: two at once take each
        # other's tasks. (xdist's loadgroup cannot keep them together on pytest 9.)
        pytest.fail("the `services` tests run in one process: -m services -n 0", pytrace=False)


@pytest.fixture
def eager_tasks():
    """The embedded mode's Celery: tasks (the figures' recompute) run in this
    process at commit, also on the PostgreSQL + Redis pass, where no worker
    serves the test database (tests/integration covers the real worker)."""
    eager = app.conf.get("task_always_eager")
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def district(db):
    return DistrictFactory(name="Quận Ngô Quyền", code="304")


@pytest.fixture
def other_district(db):
    return DistrictFactory(name="Quận Thanh Xuân", code="009")


@pytest.fixture
def unit(district):
    return ServiceUnitFactory(name="Trường Mầm non Máy Chai", area=district)


@pytest.fixture
def agency(district):
    return AgencyFactory(name="Ủy ban nhân dân quận Ngô Quyền", area=district)


@pytest.fixture
def official(db):
    return UserFactory(username="official", roles=[Role.OFFICIAL])


@pytest.fixture
def clerk(district):
    return UserFactory(username="clerk", roles=[Role.CLERK], scope_area=district)


@pytest.fixture
def outsider_clerk(other_district):
    return UserFactory(username="outsider", roles=[Role.CLERK], scope_area=other_district)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", roles=[Role.SUPERVISOR])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", roles=[Role.ADMIN], is_staff=True, is_superuser=True)


def queries_of(action) -> int:
    """How many queries `action()` runs: tests compare two sizes to prove a page
    costs a fixed number whatever the number of rows."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the portal's language: a request the test client makes
    in English leaves English active in the thread (every real request activates
    its own), and under xdist the next test in that worker is anyone's."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached reads are keyed by version counters that move on commit; tests roll
    back instead, so each starts with an empty cache, and with the counters'
    flags of a process whose cache never failed (units/versions.py)."""
    cache.clear()
    versions._owed, versions._down_until = False, 0.0
    yield
