"""The database's connections terminated mid-stream (issue 22, point 5): a live
server answers threads of readers (pages, the API with a token) and writers
(decisions and staffing figures through the API) while another connection runs
pg_terminate_backend on every other backend of the database, a few times, a
real worker recomputing meanwhile. Then the accounting: every write accepted is
in the database with exactly one audit entry, every write refused was answered
503 with Retry-After and left nothing (its retry is accepted), no other 5xx,
and once the worker and the sweep have run the figures equal a full
recompute. A decision's connection lost after its commit, the one moment where
a recorded write could be answered 503, has a test of its own."""

import logging
import sys
import threading
import time
import uuid
from collections import Counter

import psycopg
import pytest
import requests
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client

from reformwatch.celery import app
from tests.factories import ServiceUnitFactory
from tests.integration.conftest import figures_snapshot, settle, start_worker, stop_worker
from units.audit_chain import verify
from units.models import AuditEntry, RecomputeRun, Restructuring, StaffingFigure
from units.services.recompute import RUN_LOCK, recompute
from units.services.tokens import token_create

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROUNDS = 5
# A run holds its own lock while its process and connection live.
RUNNING = f"""SELECT EXISTS (SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND classid = {RUN_LOCK} AND granted)"""
TERMINATE = """SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()"""


def side_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    )


def dissolution(number: str, school_id: int) -> dict:
    return {
        "kind": "dissolve",
        "decision": {
            "number": number,
            "decided_on": "2020-01-15",
            "effective_on": "2020-02-01",
            "authority": "UBND quận Ngô Quyền",
        },
        "source_ids": [school_id],
    }


def staffing(number: str, unit_id: int, year: int, people: int) -> dict:
    row = {"unit": unit_id, "category": "budget_employee", "assigned": people, "actual": people}
    return {"year": year, "rows": [row | {"decision_number": number}]}


def decision_audits(number: str) -> int:
    ids = Restructuring.objects.filter(decision_number=number).values_list("pk", flat=True)
    entries = AuditEntry.objects.filter(action="restructuring.apply", object_type__endswith="ring")
    return entries.filter(object_id__in=[str(pk) for pk in ids]).count()


def staffing_audits(number: str) -> int:
    entries = AuditEntry.objects.filter(action="staffing.save")
    return sum(
        1
        for after in entries.values_list("after", flat=True)
        if any(f.get("decision_number") == number for f in after["figures"].values())
    )


def test_a_decision_whose_connection_dies_after_the_commit_is_not_answered_5xx(
    monkeypatch, clerk, schools
):
    """The API read the decision back after its commit: a connection dropped in
    between answered 503 for a decision that was recorded, and the client's
    retry was refused (the school already dissolved). Now the answer is read in
    the write's transaction: recorded and 201, or 503 and nothing recorded."""
    from units.api import restructurings as api

    _token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    applied = api.restructuring_apply

    def apply_then_drop_the_connection(**kwargs):
        restructuring = applied(**kwargs)
        pid = connection.connection.info.backend_pid
        with side_connection() as side:
            side.execute("SELECT pg_terminate_backend(%s)", [pid])
            gone = "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)"
            while not side.execute(gone, [pid]).fetchone()[0]:
                time.sleep(0.01)
        return restructuring

    monkeypatch.setattr(api, "restructuring_apply", apply_then_drop_the_connection)
    client = Client(HTTP_AUTHORIZATION=f"Token {text}")
    client.raise_request_exception = False
    body = dissolution("1/QĐ-UBND", schools[0].pk)
    try:
        answer = client.post("/api/v1/restructurings/", body, content_type="application/json")
    finally:
        connection.close()  # the test's own connection was the one dropped
    recorded = Restructuring.objects.filter(decision_number="1/QĐ-UBND").count()
    assert (answer.status_code, recorded) in {(201, 1), (503, 0)}, (answer.status_code, recorded)
    if answer.status_code == 503:
        assert answer["Retry-After"] and decision_audits("1/QĐ-UBND") == 0
        monkeypatch.setattr(api, "restructuring_apply", applied)
        again = client.post("/api/v1/restructurings/", body, content_type="application/json")
        assert again.status_code == 201, again.content  # the client's retry
    assert decision_audits("1/QĐ-UBND") == 1


class Stream:
    """Threads of clients of the live server, each answer noted: writes by key
    (first attempt), reads by status."""

    def __init__(self, base: str, token: str, session: str):
        self.base, self.token, self.session = base, token, session
        self.writes: dict[str, tuple[str, dict, int, str | None]] = {}
        self.reads: Counter = Counter()
        self.read_paths: Counter = Counter()  # reads by page: how many a bad count is of
        self.bad_reads: list[tuple[str, int, str]] = []
        # What the server raised, by request id: the django.request logger that
        # would print it is off (the expected 503s' tracebacks), so a bad read
        # names its cause here.
        self.raised: dict[str, str] = {}

    def note_exception(self, sender, request=None, **kwargs) -> None:
        """got_request_exception's receiver (Django sends it inside the except)."""
        exc = sys.exception()
        request_id = request.headers.get("X-Request-ID", "") if request is not None else ""
        self.raised[request_id] = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"

    def client(self) -> requests.Session:
        client = requests.Session()
        client.headers["Authorization"] = f"Token {self.token}"
        client.cookies.set("sessionid", self.session)
        return client

    def write(self, client, kind: str, body: dict) -> requests.Response:
        path = "/api/v1/restructurings/" if kind == "decision" else "/api/v1/staffing/bulk/"
        return client.post(self.base + path, json=body, timeout=60)

    def writer(self, kind: str, bodies: dict[str, dict]) -> None:
        client = self.client()
        for key, body in bodies.items():
            answer = self.write(client, kind, body)
            self.writes[key] = (kind, body, answer.status_code, answer.headers.get("Retry-After"))

    def reader(self, paths: list[str], stop: threading.Event) -> None:
        client = self.client()
        while not stop.is_set():
            for path in paths:
                request_id = f"read-{uuid.uuid4().hex}"
                answer = client.get(
                    self.base + path, headers={"X-Request-ID": request_id}, timeout=60
                )
                self.reads[answer.status_code] += 1
                self.read_paths[path.partition("?")[0]] += 1
                if answer.status_code >= 500 and not (
                    answer.status_code == 503 and answer.headers.get("Retry-After")
                ):
                    cause = self.raised.get(request_id, "no exception reached Django's handler")
                    self.bad_reads.append((path, answer.status_code, cause))


def present(kind: str, key: str) -> tuple[int, int]:
    """The write's rows and its audit entries."""
    if kind == "decision":
        return Restructuring.objects.filter(decision_number=key).count(), decision_audits(key)
    return StaffingFigure.objects.filter(decision_number=key).count(), staffing_audits(key)


def storm(stream: Stream, writes: dict[str, dict[str, dict]], pages: list[str]) -> dict:
    """Two readers and one writer per kind of write against the live server,
    every other backend of the database terminated ROUNDS times meanwhile, each
    time as soon as a recompute runs (its lock held) or after 0.8 s; the
    writers go on to their end. Returns what the terminations did."""
    stop = threading.Event()
    writers = [threading.Thread(target=stream.writer, args=item) for item in writes.items()]
    readers = [threading.Thread(target=stream.reader, args=(pages[i::2], stop)) for i in (0, 1)]
    fault = {"rounds": 0, "backends": 0, "mid-run": 0}
    try:
        for thread in [*readers, *writers]:
            thread.start()
        with side_connection() as side:
            while fault["rounds"] < ROUNDS and any(w.is_alive() for w in writers):
                deadline = time.monotonic() + 0.8
                while time.monotonic() < deadline:
                    if side.execute(RUNNING).fetchone()[0]:  # rather while the worker recomputes
                        fault["mid-run"] += 1
                        break
                    time.sleep(0.01)
                fault["backends"] += side.execute(TERMINATE).fetchone()[0]
                time.sleep(0.2)
                fault["rounds"] += 1
        fault["over"] = time.monotonic()
        for thread in writers:
            thread.join()
    finally:
        stop.set()
        for thread in readers:
            thread.join()
        connection.close()  # the test's own connection was terminated too
    return fault


def fault_stream(live_server, clerk, official, agency, district) -> tuple[Stream, dict, list]:
    """The stream the fault tests run: 24 schools of the district to dissolve and
    6 to staff (60 writes through the API with a clerk's token), five pages and
    API reads for an official, the figures computed first."""
    doomed = [
        ServiceUnitFactory(name=f"Trường giải thể {n}", area=district, parent=agency)
        for n in range(24)
    ]
    staffed = [
        ServiceUnitFactory(name=f"Trường biên chế {n}", area=district, parent=agency)
        for n in range(6)
    ]
    app.control.purge()
    recompute(trigger="manual", everything=True)
    _token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    signed_in = Client()
    signed_in.force_login(official)
    stream = Stream(live_server.url, text, signed_in.cookies["sessionid"].value)
    writes = {
        "decision": {f"{n}/QĐ-GT": dissolution(f"{n}/QĐ-GT", s.pk) for n, s in enumerate(doomed)},
        "staffing": {
            f"BC-{n}": staffing(f"BC-{n}", staffed[n % 6].pk, 2015 + n // 6, 10 + n)
            for n in range(36)
        },
    }
    pages = [
        "/",
        "/units/",
        f"/figures/?area={district.pk}&base=2019&year=2020",
        f"/api/v1/units/?area={district.pk}",
        "/api/v1/staffing/?year=2015",
    ]
    return stream, writes, pages


def test_connections_terminated_mid_stream_lose_no_write_and_the_figures_converge(
    live_server, clerk, official, agency, district, monkeypatch
):
    """GIVEN a live server, a worker, 24 schools to dissolve and 6 to staff
    WHEN two writers and two readers run while every backend of the database is
    terminated, five times
    THEN every accepted write is there once with one audit entry (the audit
    chain whole), every refused
    one was a 503 with Retry-After and left nothing (its retry is accepted),
    no other 5xx, and the worker and the sweep bring the figures to a full
    recompute's."""
    stream, writes, pages = fault_stream(live_server, clerk, official, agency, district)
    # The expected 503s' tracebacks would fill the CI log: the answers are counted.
    for name in ("django.request", "reformwatch.views"):  # and the plain error page's
        monkeypatch.setattr(logging.getLogger(name), "disabled", True)
    got_request_exception.connect(stream.note_exception)
    worker = start_worker()
    try:
        fault = storm(stream, writes, pages)
        # The accounting, before any retry: a refused write left nothing.
        statuses = Counter(status for _kind, _b, status, _r in stream.writes.values())
        accepted = {k for k, (_kind, _b, status, _r) in stream.writes.items() if status < 400}
        refused = set(stream.writes) - accepted
        lost = [k for k in accepted if present(stream.writes[k][0], k) != (1, 1)]
        half = [k for k in refused if present(stream.writes[k][0], k) != (0, 0)]
        unexplained = [
            (k, status, retry)
            for k, (_kind, _b, status, retry) in stream.writes.items()
            if status >= 500 and not (status == 503 and retry)
        ]
        # A client honouring Retry-After sends each refused write again.
        client = stream.client()
        retried = {
            k: stream.write(client, stream.writes[k][0], stream.writes[k][1]) for k in refused
        }
        not_taken = [
            k
            for k, answer in retried.items()
            if answer.status_code >= 400 or present(stream.writes[k][0], k) != (1, 1)
        ]
        written = time.monotonic()
        settle(worker)
        settled = time.monotonic()
        converge = settled - written
    finally:
        stop_worker(worker)
        got_request_exception.disconnect(stream.note_exception)
    swept = figures_snapshot()
    runs = Counter(RecomputeRun.objects.values_list("status", flat=True))
    recompute(trigger="manual", everything=True)
    causes = Counter(f"{path} {status} {cause}" for path, status, cause in stream.bad_reads)
    print(
        f"\nFAULT pg_terminate: rounds={fault['rounds']} (mid-run {fault['mid-run']}) "
        f"backends={fault['backends']} "
        f"writes={len(stream.writes)} accepted={len(accepted)} refused={len(refused)} "
        f"lost={len(lost)} 5xx={sum(n for s, n in statuses.items() if s >= 500)} "
        f"(503 with Retry-After: all={not unexplained}) retried_ok={len(refused) - len(not_taken)} "
        f"reads={dict(stream.reads)} of {dict(stream.read_paths)} bad_reads={dict(causes)} "
        f"runs={dict(runs)} "
        f"converge={converge:.1f}s after the last "
        f"write, {settled - fault['over']:.1f}s after the last fault"
    )
    assert len(stream.writes) == sum(len(bodies) for bodies in writes.values())
    assert set(statuses) <= {200, 201, 503}, statuses
    assert not lost and not half and not unexplained, (lost, half, unexplained)
    assert not not_taken, not_taken
    assert not stream.bad_reads, "\n".join(map(str, stream.bad_reads))
    assert fault["backends"] and (refused or stream.reads[503]), "the fault hit nothing"
    assert verify().ok  # no entry of a refused write left a gap or a fork in the chain
    assert swept == figures_snapshot()
