"""A real Celery worker on the test database, through Redis (CI's second pass)."""

import os
import subprocess
import time
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

from reformwatch.celery import app
from tests.factories import ServiceUnitFactory
from units import tasks
from units.benchmarks_live import celery_worker
from units.models import RecomputeMark, RecomputeRun, ReductionDelta, ReductionFigure
from units.services.recompute import recompute


def database_url(name: str | None = None) -> str:
    """DATABASE_URL for the test database, or for the database `name` on the same
    server: its user, password, host and options, each quoted for a URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db.get("PASSWORD") else ""
    host = db["HOST"] or ""
    host = f"[{host}]" if ":" in host else quote(host, safe="")  # IPv6, or a socket's folder
    port = f":{db['PORT']}" if db.get("PORT") else ""
    options = urlencode(db.get("OPTIONS") or {})
    database = quote(name or db["NAME"], safe="")
    return f"postgres://{user}{password}@{host}{port}/{database}" + (
        f"?{options}" if options else ""
    )


def start_worker(*options: str, redis_url: str = "", **queues) -> subprocess.Popen:
    """A worker on the test database (and on `redis_url` instead of REDIS_URL)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        **({"REDIS_URL": redis_url} if redis_url else {}),
    }
    return celery_worker(
        "--loglevel=INFO",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        *options,
        **queues,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def worker():
    process = start_worker()
    yield process
    if process.poll() is None:
        stop_worker(process)


@pytest.fixture
def schools(district, agency):
    """Three schools of the agency in the district, their figures computed
    (other tests' recomputes, queued with no worker to run them, purged)."""
    units = [ServiceUnitFactory(name=f"Trường {n}", area=district, parent=agency) for n in "ABC"]
    app.control.purge()
    recompute(trigger="manual", everything=True)
    return units


@pytest.fixture
def body(district, supervisor):
    """A National Assembly delegation of the district's province, the supervisor in it."""
    from supervision.models import SupervisoryBody

    body = SupervisoryBody.objects.create(
        name="Đoàn ĐBQH thử", kind="na_delegation", level="province", area=district.parent
    )
    body.members.add(supervisor)
    return body


def figures_snapshot() -> set[tuple]:
    """The dashboards' snapshot (figures and deltas), each row but its id and
    the run that wrote it: what the fault tests compare with a full recompute."""
    rows: set[tuple] = set()
    for model in (ReductionFigure, ReductionDelta):
        columns = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "run")]
        rows |= {(model.__name__, *row) for row in model.objects.values_list(*columns)}
    return rows


def settle(worker: subprocess.Popen, seconds: float = 60) -> None:
    """Until no mark is left and no run is running, the sweep sent every two
    seconds meanwhile (beat sends it every minute): it closes the runs whose
    process or connection died and computes the marks they left."""
    deadline = time.monotonic() + seconds
    running = RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING)
    while RecomputeMark.objects.exists() or running.exists():
        assert worker.poll() is None, worker.stdout.read()
        assert time.monotonic() < deadline, "the figures did not settle"
        tasks.figures_recompute.delay("schedule")
        for _ in range(10):
            time.sleep(0.2)
            if not (RecomputeMark.objects.exists() or running.exists()):
                return
