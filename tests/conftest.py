"""Standing users per role (healthchecks style) and the rule that tests needing
PostgreSQL, Redis and a worker fail rather than skip on CI."""

import os

import pytest
from django.conf import settings

from tests.factories import AgencyFactory, DistrictFactory, ServiceUnitFactory, UserFactory
from units.choices import Role


def pytest_runtest_setup(item):
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


@pytest.fixture
def eager_tasks():
    """The embedded mode's Celery: tasks (the figures' recompute) run in this
    process at commit, also on the PostgreSQL + Redis pass, where no worker
    serves the test database (tests/integration covers the real worker)."""
    from reformwatch.celery import app

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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached reads are keyed by version counters that move on commit; tests roll
    back instead, so each starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
