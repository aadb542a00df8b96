"""Logs a deployment can use (issue 22): the request id on every line, the
worker's too (carried into the tasks a request sends), JSON lines with
LOG_FORMAT=json, and errors to Sentry only where SENTRY_DSN is set."""

import io
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime

import pytest
import sentry_sdk
from celery.app.trace import trace_task
from celery.signals import before_task_publish
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from sentry_sdk.scope import should_send_default_pii
from sentry_sdk.transport import Transport

from reformwatch import urls as root_urls
from reformwatch.celery import app
from reformwatch.logs import HEADER, sentry_init
from reformwatch.middleware import current_request_id
from reformwatch.settings_logging import logging_config
from tests.integration.conftest import start_worker, stop_worker
from units import tasks
from units.models import Heartbeat

logger = logging.getLogger("tests.logs")


@app.task(name="tests.logs.say")
def say(words: str) -> None:
    logger.warning("task says %s", words)


def view_say(request):
    logger.warning("view says hello")
    return HttpResponse("ok")


def view_send(request):
    say.delay("from a request")
    return HttpResponse("ok")


def view_heartbeat(request):
    tasks.heartbeat.delay()
    return HttpResponse("ok")


def view_boom(request):
    raise RuntimeError("boom in a view")


urlpatterns = [
    *root_urls.urlpatterns,
    path("logs/say/", view_say),
    path("logs/send/", view_send),
    path("logs/heartbeat/", view_heartbeat),
    path("logs/boom/", view_boom),
]
handler500 = root_urls.handler500


@pytest.fixture
def console():
    """What the portal's console handler (settings.LOGGING) prints, with its
    own filters and formatter."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    printed = io.StringIO()
    stream = handler.setStream(printed)
    yield printed
    handler.setStream(stream)


def line_of(printed: io.StringIO, text: str) -> str:
    lines = [line for line in printed.getvalue().splitlines() if text in line]
    assert len(lines) == 1, printed.getvalue()
    return lines[0]


@pytest.mark.urls("tests.reformwatch.test_logs")
def test_it_prints_the_request_id_on_a_requests_log_line(client, console):
    response = client.get("/logs/say/", headers={"X-Request-ID": "req-logs-000001"})
    assert response["X-Request-ID"] == "req-logs-000001"
    logger.warning("outside any request")
    assert line_of(console, "view says hello").endswith(
        "WARNING tests.logs [req-logs-000001] view says hello"
    )
    assert "tests.logs [-] outside any request" in line_of(console, "outside any request")


@pytest.mark.urls("tests.reformwatch.test_logs")
def test_a_task_sent_by_a_request_logs_with_its_id(client, console, eager_tasks):
    client.get("/logs/send/", headers={"X-Request-ID": "req-logs-000002"})
    assert "[req-logs-000002] task says from a request" in line_of(console, "from a request")
    sent = say.delay("from no request")  # its own id, then none again
    assert f"[{sent.id}] task says from no request" in line_of(console, "from no request")
    assert current_request_id.get() == ""


def test_the_request_id_travels_in_the_task_message(console):
    """The worker's path without a broker: the id goes into the message's
    headers where it is sent and is the id of the run where it runs."""
    task_id = str(uuid.uuid4())
    message = app.amqp.as_task_v2(task_id, say.name, args=("in a worker",), kwargs={})
    token = current_request_id.set("req-logs-000003")
    try:
        before_task_publish.send(sender=say.name, body=message.body, headers=message.headers)
    finally:
        current_request_id.reset(token)
    assert message.headers[HEADER] == "req-logs-000003"
    unsent = app.amqp.as_task_v2(str(uuid.uuid4()), say.name, args=(), kwargs={})
    before_task_publish.send(sender=say.name, body=unsent.body, headers=unsent.headers)
    assert HEADER not in unsent.headers  # sent by no request

    request = {**message.headers, "id": task_id}
    trace_task(say, task_id, ("in a worker",), {}, request=request, app=app)
    assert "[req-logs-000003] task says in a worker" in line_of(console, "in a worker")
    assert current_request_id.get() == ""


def test_a_malformed_log_format_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be plain or json"):
        logging_config(level="INFO", log_format="xml", eager_tasks=True)
    built = logging_config(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        log_format="plain",
        eager_tasks=settings.CELERY_TASK_ALWAYS_EAGER,
    )
    assert built == settings.LOGGING  # what settings.py builds by default


FAILING_REQUESTS = """
import django
django.setup()
import logging
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.test import RequestFactory
from reformwatch.middleware import RequestIdMiddleware

def failing(request):
    try:
        raise ValueError("a real bug")
    except ValueError as exc:
        return response_for_exception(request, exc)

def refused(request):
    return response_for_exception(request, PermissionDenied())

asked = RequestFactory().get("/boom/", headers={"X-Request-ID": "req-json-0001"})
RequestIdMiddleware(failing)(asked)
RequestIdMiddleware(refused)(RequestFactory().post("/units/1/edit/"))
logging.getLogger("reformwatch.test").warning("không có yêu cầu")
"""


def test_log_format_json_prints_one_object_a_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="reformwatch.settings", LOG_FORMAT="json", LOG_LEVEL="INFO")
    done = subprocess.run(
        [sys.executable, "-c", FAILING_REQUESTS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in done.stderr.splitlines()]  # each line parses
    failed, refused, plain = lines
    assert datetime.fromisoformat(failed.pop("time")).utcoffset() is not None
    exception = failed.pop("exception")
    assert exception.startswith("Traceback") and "ValueError: a real bug" in exception
    assert failed == {
        "level": "ERROR",
        "logger": "django.request",
        "message": "Internal Server Error: /boom/",
        "request_id": "req-json-0001",
        "status_code": 500,
        "method": "GET",
        "path": "/boom/",
    }
    assert refused["status_code"] == 403 and refused["method"] == "POST"
    assert re.fullmatch(r"[0-9a-f]{32}", refused["request_id"])  # the one made for it
    assert "exception" not in refused  # an expected refusal: one line
    assert plain["message"] == "không có yêu cầu" and plain["request_id"] == "-"
    assert "status_code" not in plain and "path" not in plain


class Collected(Transport):
    """Sentry's transport for the test: keeps the events, sends nothing."""

    events: list[dict] = []

    def capture_envelope(self, envelope):
        if envelope.get_event() is not None:
            self.events.append(envelope.get_event())


@pytest.fixture
def sentry():
    Collected.events = []
    yield Collected.events
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def test_sentry_is_off_without_a_dsn():
    assert sentry_init("", environment="prod") is False
    assert not sentry_sdk.get_client().is_active()  # nor did settings start it


def test_a_wrong_traces_sample_rate_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="SENTRY_TRACES_SAMPLE_RATE must be"):
        sentry_init("http://public@127.0.0.1:9/1", traces_sample_rate="often")


@pytest.mark.urls("tests.reformwatch.test_logs")
def test_sentry_reports_a_views_error_with_its_request_id(sentry, db):
    started = sentry_init(
        "http://public@127.0.0.1:9/1",
        environment="staging",
        release="reformwatch@test",
        traces_sample_rate="0",
        transport=Collected,
    )
    client = sentry_sdk.get_client()
    assert started and client.is_active()
    assert not should_send_default_pii() and not client.options["data_collection"]["user_info"]
    assert client.options["environment"] == "staging"
    assert client.options["traces_sample_rate"] == 0
    assert {"django", "celery"} <= set(client.integrations)

    browser = Client(raise_request_exception=False)
    response = browser.get("/logs/boom/", headers={"X-Request-ID": "req-sentry-0001"})
    assert response.status_code == 500
    (event,) = [e for e in sentry if e.get("exception")]
    assert event["tags"]["request_id"] == "req-sentry-0001"
    assert event["exception"]["values"][-1]["value"] == "boom in a view"
    assert event["environment"] == "staging" and event["release"] == "reformwatch@test"
    assert "user" not in event and "Cookie" not in event["request"].get("headers", {})


@pytest.mark.services
@pytest.mark.urls("tests.reformwatch.test_logs")
@pytest.mark.django_db(transaction=True)
def test_a_workers_log_line_shows_the_id_of_the_request_that_sent_the_task(client):
    assert not app.conf.task_always_eager
    worker = start_worker()
    try:
        printed: list[str] = []
        threading.Thread(target=lambda: printed.extend(worker.stdout), daemon=True).start()
        client.get("/logs/heartbeat/", headers={"X-Request-ID": "req-worker-0001"})
        unsent = tasks.heartbeat.delay()  # by no request: known by its task id
        done = re.compile(r"units\.tasks\.heartbeat\[[^\]]+\] succeeded")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(done.findall("".join(printed))) < 2:
            assert worker.poll() is None, "".join(printed)
            time.sleep(0.5)
    finally:
        stop_worker(worker)
    ran = [line for line in printed if done.search(line)]
    assert len(ran) == 2, "".join(printed)
    assert any("[req-worker-0001] Task units.tasks.heartbeat[" in line for line in ran), ran
    assert any(f"[{unsent.id}] Task units.tasks.heartbeat[{unsent.id}]" in line for line in ran)
    assert Heartbeat.objects.filter(name="celery").exists()
