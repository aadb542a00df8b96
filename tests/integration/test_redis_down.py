"""Redis is an accelerator, never a single point of failure (issue 22): with a
Redis of the test's own (cache, sessions' neighbour, broker) killed, the
landing page, a sign-in and its dashboard, the units list, an API read and an
API write with a token answer 2xx, and the write is audited once; Redis then
comes back from a snapshot taken before the write (its old counters and cached
pages), and one sweep brings the pages and the figures up to date."""

import re
import signal
import subprocess
import time

import pytest
import redis
from django.test import Client
from django.urls import reverse

from reformwatch.celery import app
from tests.integration.conftest import start_worker, stop_worker
from tests.integration.test_figures_worker import wait_for
from units import tasks, versions
from units.benchmarks_live import _free_port, _wait_port
from units.models import AuditEntry, Heartbeat, RecomputeMark
from units.services.tokens import token_create

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class OwnRedis:
    """A redis-server of the test's own, on a free port: killing it disturbs
    nobody else. No saving of its own; `snapshot` writes one when asked, and a
    restart loads it."""

    def __init__(self, folder):
        self.port, self.folder, self.process = _free_port(), folder, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"],
                *["--save", "", "--appendonly", "no"],
                *["--dir", str(self.folder), "--dbfilename", "dump.rdb"],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port)

    def snapshot(self) -> None:
        redis.Redis(port=self.port).save()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._pool, app.amqp._producer_pool = None, None


@pytest.fixture
def own_redis(tmp_path, settings):
    """Cache and broker on a Redis of the test's own (sessions are in the
    database whatever Redis does)."""
    server = OwnRedis(tmp_path)
    server.start()
    broker = app.conf.broker_url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    use_broker(server.url)
    try:
        yield server
    finally:
        use_broker(broker)
        if server.process.poll() is None:
            server.kill()


TIMES: dict[str, list[float]] = {}


def timed(label: str, call):
    start = time.perf_counter()
    response = call()
    TIMES.setdefault(label, []).append(round((time.perf_counter() - start) * 1000, 1))
    return response


def number(response, pattern: str) -> int:
    assert response.status_code == 200, response.status_code
    return int(re.search(pattern, response.content.decode()).group(1))


def test_with_redis_killed_the_portal_answers_and_one_sweep_catches_up(
    own_redis, monkeypatch, clerk, official, admin_user, schools, agency, district
):
    _token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    token = {"HTTP_AUTHORIZATION": f"Token {text}"}
    anonymous, reader, admin = Client(), Client(), Client()
    admin.force_login(admin_user)
    dashboard = {"area": district.pk, "base": 2019, "year": 2020}

    def landing() -> int:
        return number(timed("landing", lambda: anonymous.get("/")), r'data-total="services">(\d+)<')

    def units_now() -> int:
        page = timed("dashboard", lambda: reader.get(reverse("units:dashboard"), dashboard))
        return number(page, r'data-figure="units-now">(\d+)<')

    def listed() -> int:
        page = timed("units list", lambda: reader.get(reverse("units:unit_list")))
        return number(page, r'<p class="count">(\d+)')

    def api_read():
        url = f"/api/v1/units/?area={district.pk}"
        return timed("API read", lambda: anonymous.get(url, **token))

    def health(client):
        return client.get(reverse("health"), {"format": "json"})

    # Redis up: every page cached under today's versions, then snapshotted.
    reader.force_login(official)
    before = (landing(), units_now(), listed())
    assert before == (landing(), units_now(), listed()) and before[0] == 3
    assert api_read().status_code == 200
    assert "cache" not in health(admin).json()["degraded"]
    own_redis.snapshot()
    own_redis.kill()

    # Redis down: everything answers, the write is accepted and audited once.
    assert health(anonymous).json() == {"ok": True, "status": "degraded"}
    parts = health(admin).json()
    assert {"cache", "broker"} <= set(parts["degraded"]), parts
    assert landing() == 3
    signed_in = Client()
    login = {"username": "official", "password": "secret-pass-123"}
    assert signed_in.post(reverse("login"), login).status_code == 302
    page = signed_in.get(reverse("units:dashboard"), dashboard)
    assert page.status_code == 200 and b'data-figure="units-now">3<' in page.content
    assert listed() == before[2] and api_read().status_code == 200
    body = {
        "kind": "consolidate",
        "decision": {
            "number": "7/QĐ-UBND",
            "decided_on": "2020-01-15",
            "effective_on": "2020-02-01",
            "authority": "UBND quận Ngô Quyền",
        },
        "source_ids": [schools[0].pk, schools[1].pk],
        "new_units": [{"name": "Trường A-B", "parent_id": agency.pk, "area_id": district.pk}],
    }
    written = timed(
        "API write",
        lambda: anonymous.post(
            "/api/v1/restructurings/", body, content_type="application/json", **token
        ),
    )
    assert written.status_code == 201, written.content
    assert AuditEntry.objects.filter(action="restructuring.apply").count() == 1
    during = (landing(), listed())  # computed from the database
    assert during == (2, before[2] - 1)
    assert units_now() == 3  # the figures wait for the recompute (marked)
    assert RecomputeMark.objects.exists() and versions.versions_owed_since() is not None
    for _ in range(5):  # django-axes counts failures in the database
        signed_in.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    right = {"username": "clerk", "password": "secret-pass-123"}
    assert signed_in.post(reverse("login"), right).status_code == 429

    # Redis back from the snapshot: its old counters and pages. A process that
    # never saw it fail (this one forgets) serves them until the sweep…
    own_redis.start()
    monkeypatch.setattr(versions, "_owed", False)
    monkeypatch.setattr(versions, "_down_until", 0.0)
    assert landing() == 3
    # …which beat sends every minute: one brings everything up to date.
    worker = start_worker(redis_url=own_redis.url)
    try:
        tasks.figures_recompute.delay("schedule")
        settled = Heartbeat.objects.filter(name=versions.OWED)
        wait_for(lambda: not RecomputeMark.objects.exists() and not settled.exists(), worker)
    finally:
        stop_worker(worker)
    assert (landing(), listed(), units_now()) == (*during, 2)
    parts = health(admin).json()
    assert parts["checks"]["cache"]["ok"] and parts["checks"]["broker"]["ok"], parts
    print("\nRedis killed, times in ms (up first, then down, then back):", TIMES)


def test_with_redis_hung_a_write_answers_within_the_timeouts(own_redis, clerk, schools, agency):
    """A Redis that stops answering without closing its connections (a frozen
    host, a firewall): each command gives up after REDIS_TIMEOUT_MS, and the
    send of the recompute after two tries (it waited forever without a socket
    timeout)."""
    _token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    token = {"HTTP_AUTHORIZATION": f"Token {text}"}
    client = Client()
    assert timed("hung: landing, up", lambda: client.get("/")).status_code == 200
    own_redis.process.send_signal(signal.SIGSTOP)
    try:
        assert timed("hung: landing", lambda: client.get("/")).status_code == 200
        read = timed("hung: API read", lambda: client.get("/api/v1/units/", **token))
        assert read.status_code == 200
        body = {
            "kind": "consolidate",
            "decision": {
                "number": "8/QĐ-UBND",
                "decided_on": "2020-01-15",
                "effective_on": "2020-02-01",
                "authority": "UBND quận Ngô Quyền",
            },
            "source_ids": [schools[0].pk, schools[1].pk],
            "new_units": [{"name": "Trường A-B", "parent_id": agency.pk}],
        }
        written = timed(
            "hung: API write",
            lambda: client.post(
                "/api/v1/restructurings/", body, content_type="application/json", **token
            ),
        )
        assert written.status_code == 201, written.content
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    assert AuditEntry.objects.filter(action="restructuring.apply").count() == 1
    assert max(TIMES["hung: API write"]) < 10_000
    print("\nRedis hung, times in ms:", {k: v for k, v in TIMES.items() if "hung" in k})


def test_a_redis_restarted_from_an_older_snapshot_moves_every_counter_on(own_redis):
    """Bumps made after the snapshot are lost with the restart: the sweep
    notices the new run id and moves every counter on."""
    assert versions.versions_settle()  # notes the run id
    own_redis.snapshot()
    versions.bump(versions.REGISTRY)  # lost with the restart
    after_bump = versions.counters(*versions.COUNTERS)[0]
    own_redis.kill()
    own_redis.start()
    restored = versions.counters(*versions.COUNTERS)[0]
    assert restored[versions.REGISTRY] < after_bump[versions.REGISTRY]  # behind
    assert versions.versions_settle()
    settled = versions.counters(*versions.COUNTERS)[0]
    assert all(int(settled[key]) > int(restored[key]) for key in versions.COUNTERS)
    assert settled[versions.REGISTRY] != after_bump[versions.REGISTRY]
