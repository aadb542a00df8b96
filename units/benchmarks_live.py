"""Benchmarks that need running processes (see docs/PERFORMANCE.md):

- `dashboard_rps_ratio`: the cached national dashboard's requests per second
  under gunicorn (2 sync workers, `wrk` as the load) ÷ a minimal view's, in the
  same run;
- `write_to_figure_s`: from the commit of a consolidation to the moment the
  dashboard shows it, with a real Celery worker, 20 times. It commits (each
  decision is then reversed, so the counts come back, but the 20 reversed
  decisions stay): it runs only when asked, `--only write_to_figure`.
"""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from .choices import AreaLevel
from .choices import RestructuringKind as K
from .models import ReductionFigure, Unit
from .services.restructuring_rules import Decision, NewUnit
from .services.restructurings import restructuring_apply, restructuring_reverse

ROOT = Path(__file__).resolve().parents[1]
# A test or benchmark worker serves every queue: the default and those the
# settings route tasks to (the recomputes').
QUEUES = (
    settings.CELERY_TASK_DEFAULT_QUEUE,
    *sorted({route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def celery_worker(*options: str, queues=QUEUES, **popen) -> subprocess.Popen:
    """A Celery worker of the portal, run from its folder, one task at a time
    (`--pool=solo`) from both queues (the default and the recomputes') or the
    `queues` given, with `options` added and `popen` passed to `Popen` (the
    integration tests start theirs here too)."""
    return subprocess.Popen(
        [
            *[sys.executable, "-m", "celery", "-A", "reformwatch", "worker", "--pool=solo"],
            f"--queues={','.join(queues)}",
            *options,
        ],
        cwd=ROOT,
        **popen,
    )


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _rps(url: str, cookie: str) -> float:
    output = subprocess.run(
        ["wrk", "-t2", "-c8", "-d8s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def dashboard_rps(bench, official: Client, year: str) -> None:
    if not bench.wanted("dashboard_rps_ratio"):
        return
    if not shutil.which("wrk") or not os.environ.get("DATABASE_URL"):
        bench.out("# dashboard_rps_ratio: needs wrk (Debian) and a DATABASE_URL")
        return
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "reformwatch.bench_settings"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "reformwatch.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port)
        # The reader's cookies as a browser sends them: the session and the
        # form token (without it the page around the body is drawn each time).
        official.get(f"/figures/?{year}")
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in official.cookies.items())
        base = f"http://127.0.0.1:{port}"
        dashboard = f"{base}/figures/?{year}"
        subprocess.run(["curl", "-s", "-o", os.devnull, "-b", cookie, dashboard], check=False)
        page, minimal = _rps(dashboard, cookie), _rps(f"{base}/bench/minimal/", cookie)
    finally:
        _stop(server)
    bench.add("dashboard_rps", page, "req/s", "cached national dashboard, gunicorn -w 2, wrk -c8")
    bench.add("minimal_rps", minimal, "req/s", "a view returning 'ok', same server")
    bench.add("dashboard_rps_ratio", page / minimal, "×", "dashboard ÷ minimal")


def two_siblings(today, *, level: str = "") -> tuple[tuple[int, int], list[int]] | None:
    """The first area (of `level`, if given) and managing body with two active
    service units, and those two units' ids: what a benchmark consolidates."""
    units = Unit.objects.services().active_on(today)
    if level:
        units = units.filter(area__level=level)
    row = (
        units.values("area_id", "parent_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("area_id")
        .first()
    )
    if row is None:
        return None
    pair = units.filter(area_id=row["area_id"], parent_id=row["parent_id"])
    return (row["area_id"], row["parent_id"]), list(pair.values_list("id", flat=True)[:2])


def write_to_figure(bench, actor) -> None:
    """Commit a consolidation in one commune, wait for the snapshot to show it
    (the dashboard reads nothing else), reverse it, wait again; 20 times."""
    if bench.only != "write_to_figure":
        return
    today = timezone.localdate()
    row = two_siblings(today, level=AreaLevel.COMMUNE)
    if row is None:
        bench.out("# write_to_figure: no two units to consolidate")
        return
    area_id = row[0][0]

    def count() -> int:
        figure = ReductionFigure.objects.filter(
            scope_id=area_id, year=today.year, sector=ReductionFigure.ALL
        ).first()
        return figure.units if figure else -1

    def wait(expected: int) -> float:
        started = time.perf_counter()
        while count() != expected:
            if time.perf_counter() - started > 60:
                raise RuntimeError("the figure did not change within 60 s")
            time.sleep(0.01)
        return time.perf_counter() - started

    worker = celery_worker("-l", "WARNING")
    times = []
    try:
        time.sleep(5)  # the worker connects
        before = count()
        for i in range(20):
            sources = two_siblings(today, level=AreaLevel.COMMUNE)[1]
            decision = Decision(f"{i + 1}/QĐ-BENCH-LIVE", today, today, "Benchmark")
            done = restructuring_apply(
                actor=actor,
                kind=K.CONSOLIDATE,
                decision=decision,
                source_ids=sources,
                new_units=[NewUnit(name="Đơn vị hợp nhất (benchmark)")],
            )
            times.append(wait(before - 1))  # committed: the clock runs
            restructuring_reverse(restructuring_id=done.pk, actor=actor, reason="benchmark")
            wait(before)
    finally:
        _stop(worker)
    times = sorted(t * 1000 for t in times)
    bench.add("write_to_figure.p50", statistics.median(times), "ms", "20 runs, real worker")
    bench.add("write_to_figure.p95", times[round(0.95 * (len(times) - 1))], "ms", "")
