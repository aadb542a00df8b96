"""The measuring part of `manage.py benchmark`: each app's `benchmarks` module
(units today; staffing, figures and supervision as they land) has a `run(bench)`
that asks for the figures it owns; this module times requests and jobs and
prints them. Pages go through the whole Django stack in-process (middleware,
sessions, templates), so "server time" is what a request costs the portal
without the network."""

import math
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    note: str = ""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 runs is the 19th fastest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Bench:
    repeat: int = 20
    only: str = ""
    figures: list[Figure] = field(default_factory=list)
    out: Callable[[str], None] = print

    def wanted(self, name: str) -> bool:
        return not self.only or self.only in name

    def add(self, name: str, value: float, unit: str, note: str = "") -> None:
        self.figures.append(Figure(name, round(value, 1), unit, note))
        self.out(f"BENCH {name} {round(value, 1):g} {unit}")

    def page(
        self,
        name: str,
        client: Client | None,
        url: str,
        *,
        htmx: bool = False,
        before: Callable[[], object] | None = None,
    ) -> None:
        """p50/p95 server time and the query count of a page, after one cold run
        (whose time is kept too: cached pages pay once per change). `before`
        runs ahead of each request, untimed (to measure a page uncached)."""
        if not self.wanted(name):
            return
        client = client or Client()
        headers = {"HX-Request": "true"} if htmx else {}
        times, queries, size = [], 0, 0
        for _ in range(self.repeat + 1):
            if before is not None:
                before()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, headers=headers)
                body_size = _consume(response)
                times.append((time.perf_counter() - started) * 1000)
            _ok(name, response)
            queries, size = max(queries, len(captured)), body_size
        cold, warm = times[0], times[1:]
        self.add(f"{name}.p50", percentile(warm, 0.5), "ms", url)
        self.add(f"{name}.p95", percentile(warm, 0.95), "ms", url)
        self.add(f"{name}.cold", cold, "ms", url)
        self.add(f"{name}.queries", queries, "queries", url)
        self.add(f"{name}.size", size / 1024, "KiB", url)

    def download(self, name: str, client: Client, url: str) -> None:
        """Time of an export read to the end, then its peak Python memory in a
        second run (tracing memory slows Python down several times)."""
        if not self.wanted(name):
            return
        started = time.perf_counter()
        size = _consume(_ok(name, client.get(url)))
        elapsed = time.perf_counter() - started
        tracemalloc.start()
        _consume(_ok(name, client.get(url)))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.add(f"{name}.time", elapsed * 1000, "ms", url)
        self.add(f"{name}.peak_memory", peak / 2**20, "MiB", url)
        self.add(f"{name}.size", size / 2**20, "MiB", url)

    def job(self, name: str, run: Callable[[], object], *, repeat: int = 1, note: str = ""):
        """Time a job (run inside a transaction that the caller rolls back)."""
        if not self.wanted(name):
            return
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                run()
                times.append((time.perf_counter() - started) * 1000)
        self.add(f"{name}.p50", percentile(times, 0.5), "ms", note)
        if repeat > 1:
            self.add(f"{name}.p95", percentile(times, 0.95), "ms", note)
        self.add(f"{name}.queries", len(captured), "queries", note)

    def table(self) -> str:
        width = max((len(f.name) for f in self.figures), default=10)
        lines = [f"{'figure'.ljust(width)}  {'value':>10}  unit     what"]
        for figure in self.figures:
            lines.append(
                f"{figure.name.ljust(width)}  {figure.value:>10g}  {figure.unit:<7}  {figure.note}"
            )
        return "\n".join(lines)


def _ok(name: str, response):
    if response.status_code != 200:
        path = response.request["PATH_INFO"]
        raise RuntimeError(f"{name}: {path} answered {response.status_code}")
    return response


def _consume(response) -> int:
    """The body's size, read to the end as a client would, without keeping it
    (an export's peak memory is the export's, not the copy a reader holds)."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)
