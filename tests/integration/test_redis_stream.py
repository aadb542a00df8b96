"""Redis killed and restarted mid-stream (issue 22, point 5): a live server
answers threads of readers (pages, the API with a token) and writers (decisions
and staffing figures through the API) while the Redis of the test's own (cache
and broker) is killed, stays down a few seconds and comes back from a snapshot
taken before the kill, a real worker on that Redis meanwhile. A worker whose
process exits is started again, as its supervisor (systemd) would. Then the
accounting: every write accepted is in the database with exactly one audit
entry, the audit chain whole, no 5xx at all (Redis is an accelerator: with it
down the portal answers and keeps the writes), and once the worker and the
sweep have run the figures equal a full recompute."""

import logging
import threading
import time
from collections import Counter

import pytest

from tests.integration.conftest import figures_snapshot, settle, start_worker, stop_worker
from tests.integration.test_database_faults import Stream, fault_stream, present
from tests.integration.test_redis_down import own_redis  # noqa: F401 (the fixture)
from units import versions
from units.audit_chain import verify
from units.models import RecomputeRun
from units.services.recompute import recompute

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
DOWN_SECONDS = 3.0  # how long Redis stays dead mid-stream


class Supervised:
    """A worker on `url`, started again whenever its process exits (its output
    drained meanwhile, so that a flood of reconnection logs never blocks it)."""

    def __init__(self, url: str):
        self.url, self.exits, self.lines = url, [], []
        self.stop = threading.Event()
        self.process = self._start()
        self.watch = threading.Thread(target=self._watch)
        self.watch.start()

    def _start(self):
        process = start_worker(redis_url=self.url)
        threading.Thread(target=self._drain, args=(process,), daemon=True).start()
        return process

    def _drain(self, process) -> None:
        for line in process.stdout:
            self.lines.append(line)

    def _watch(self) -> None:
        while not self.stop.wait(0.2):
            if self.process.poll() is not None:
                self.exits.append(self.process.returncode)
                self.process = self._start()

    def ready(self, seconds: float = 60) -> None:
        """Until the worker has connected and consumes (its start takes seconds
        here): Redis must go while it runs, not before it ever connected."""
        deadline = time.monotonic() + seconds
        while not any(" ready." in line for line in self.lines):
            assert time.monotonic() < deadline, "".join(self.lines)
            time.sleep(0.1)

    def unwatched(self):
        """The worker as it runs now, no longer restarted."""
        self.stop.set()
        self.watch.join()
        return self.process


def redis_storm(stream: Stream, writes: dict[str, dict[str, dict]], pages, server) -> dict:
    """Two readers and one writer per kind of write against the live server;
    Redis snapshotted once a few writes are in, killed once a third are,
    started again (from that snapshot) DOWN_SECONDS later; the writers go on
    to their end. Returns the moments of the fault."""
    stop = threading.Event()
    writers = [threading.Thread(target=stream.writer, args=item) for item in writes.items()]
    readers = [threading.Thread(target=stream.reader, args=(pages[i::2], stop)) for i in (0, 1)]
    total = sum(len(bodies) for bodies in writes.values())
    fault: dict = {}

    def reached(share: float) -> None:
        while len(stream.writes) < total * share and any(w.is_alive() for w in writers):
            time.sleep(0.02)

    try:
        fault["start"] = time.monotonic()
        for thread in [*readers, *writers]:
            thread.start()
        reached(0.1)
        server.snapshot()  # what the restart loads: its later queue and counters lost
        fault["snapshot at"] = len(stream.writes)
        reached(1 / 3)
        server.kill()
        fault["killed"], fault["killed at"] = time.monotonic(), len(stream.writes)
        time.sleep(DOWN_SECONDS)
        server.start()
        fault["back"], fault["back at"] = time.monotonic(), len(stream.writes)
        for thread in writers:
            thread.join()
        fault["over"] = time.monotonic()
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    return fault


def rate(fault: dict, since: str, until: str) -> str:
    """Writes answered per second between two moments of the fault."""
    start = 0 if since == "start" else fault[f"{since} at"]
    return f"{(fault[f'{until} at'] - start) / (fault[until] - fault[since]):.1f}"


def test_redis_killed_mid_stream_loses_no_write_answers_no_5xx_and_the_figures_converge(
    own_redis,  # noqa: F811 (the fixture imported)
    live_server,
    clerk,
    official,
    agency,
    district,
    monkeypatch,
):
    """GIVEN a live server, a worker on a Redis of the test's own, 24 schools
    to dissolve and 6 to staff
    WHEN two writers and two readers run while that Redis is killed, stays down
    three seconds and comes back from an older snapshot
    THEN no answer is a 5xx, every write is accepted and there once with one
    audit entry (the chain whole), and the worker (started again if it exited)
    and the sweep bring the figures to a full recompute's."""
    stream, writes, pages = fault_stream(live_server, clerk, official, agency, district)
    # The live server shares this process's memory of a Redis gone: put back after.
    monkeypatch.setattr(versions, "_owed", versions._owed)
    monkeypatch.setattr(versions, "_down_until", versions._down_until)
    # Each failed cache command and send is logged: the answers are counted.
    for name in ("django.request", "reformwatch.views", "reformwatch.cache", "units.versions"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", True)
    supervised = Supervised(own_redis.url)
    worker = supervised.process
    try:
        supervised.ready()
        fault = redis_storm(stream, writes, pages, own_redis)
        statuses = Counter(status for _kind, _b, status, _r in stream.writes.values())
        accepted = {k for k, (_kind, _b, status, _r) in stream.writes.items() if status < 400}
        refused = set(stream.writes) - accepted
        lost = [k for k in accepted if present(stream.writes[k][0], k) != (1, 1)]
        half = [k for k in refused if present(stream.writes[k][0], k) != (0, 0)]
        worker = supervised.unwatched()
        settle(worker)
        settled = time.monotonic()
    finally:
        supervised.stop.set()
        stop_worker(supervised.process)
    swept = figures_snapshot()
    runs = Counter(RecomputeRun.objects.values_list("status", flat=True))
    recompute(trigger="manual", everything=True)
    errors = sum(n for status, n in statuses.items() if status >= 500)
    print(
        f"\nFAULT redis killed: accepted={len(accepted)} refused={len(refused)} "
        f"lost={len(lost)} 5xx={errors + sum(n for s, n in stream.reads.items() if s >= 500)} "
        f"converge={settled - fault['back']:.1f}s after Redis returned "
        f"({settled - fault['over']:.1f}s after the last write); writes={len(stream.writes)} "
        f"(snapshot at {fault['snapshot at']}, killed at {fault['killed at']}, "
        f"back at {fault['back at']}; writes/s up {rate(fault, 'start', 'killed')}, "
        f"down {rate(fault, 'killed', 'back')}) reads={dict(stream.reads)} runs={dict(runs)} "
        f"worker exits={supervised.exits} broker lost/reconnected="
        f"{sum('Connection to broker lost' in line for line in supervised.lines)}/"
        f"{sum('Connected to redis' in line for line in supervised.lines)}"
    )
    assert len(stream.writes) == sum(len(bodies) for bodies in writes.values())
    assert fault["back at"] > fault["killed at"], "no write while Redis was down"
    assert set(statuses) <= {200, 201}, statuses  # none refused: Redis is an accelerator
    assert not lost and not half and not refused, (lost, half, refused)
    assert not stream.bad_reads and not stream.reads.keys() - {200}, (
        stream.reads,
        stream.bad_reads,
    )
    assert verify().ok
    assert swept == figures_snapshot()
