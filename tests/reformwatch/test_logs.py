"""Logs a deployment can use (issue 22): the request id on every line, the
worker's too (carried into the tasks a request sends), JSON lines with
LOG_FORMAT=json, and errors to Sentry only where SENTRY_DSN is set."""

import io
import json
import logging
import os
import re
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
from django.urls import path

from reformwatch import urls as root_urls
from reformwatch.celery import app
from reformwatch.logs import HEADER, sentry_init
from reformwatch.middleware import current_request_id
from reformwatch.settings_logging import logging_config
from tests.integration.conftest import start_worker, stop_worker
from tests.reformwatch.embedded import run_embedded
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
    done = run_embedded(FAILING_REQUESTS, LOG_FORMAT="json", LOG_LEVEL="INFO")
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


def test_sentry_is_off_without_a_dsn():
    assert sentry_init("", environment="prod") is False
    assert not sentry_sdk.get_client().is_active()  # nor did settings start it


def test_a_wrong_traces_sample_rate_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="SENTRY_TRACES_SAMPLE_RATE must be"):
        sentry_init("http://public@127.0.0.1:9/1", traces_sample_rate="often")


# In a process of its own: the SDK patches Django for good once started.
SENTRY_ERRORS = """
import json
import django
django.setup()
import sentry_sdk
from django.core.wsgi import get_wsgi_application
from django.test import RequestFactory
from django.test.utils import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.scope import should_send_default_pii
from sentry_sdk.transport import Transport
from reformwatch import urls as root_urls
from reformwatch.logs import sentry_init

events, seen = [], {}

class Collected(Transport):
    def capture_envelope(self, envelope):
        if envelope.get_event() is not None:
            events.append(envelope.get_event())

@csrf_exempt
def boom(request):
    full_name, email = request.POST.get("full_name"), request.POST.get("email")
    seen.update(cookies=request.COOKIES, form=[full_name, email])
    raise RuntimeError("boom in a view")

urlpatterns = [*root_urls.urlpatterns, path("logs/boom/", boom)]
handler500 = root_urls.handler500

started = sentry_init(
    "http://public@127.0.0.1:9/1",
    environment="staging",
    release="reformwatch@test",
    traces_sample_rate="0",
    transport=Collected,
)
client = sentry_sdk.get_client()
# Through the WSGI application, as gunicorn calls it: the SDK reads the
# request's URL, headers and cookies there (the test Client goes around it).
application = get_wsgi_application()
factory = RequestFactory()
factory.cookies["rw_seen"] = "cookie-value-0001"

def status_of(request):
    started = []
    body = application(request.environ, lambda status, headers, *exc: started.append(status))
    b"".join(body)
    body.close()
    return int(started[0].split()[0])

with override_settings(ROOT_URLCONF="__main__"):
    statuses = [
        status_of(factory.get(
            "/logs/boom/?email=an%40example.vn", headers={"X-Request-ID": "req-sentry-0001"}
        )),
        status_of(factory.post(
            "/logs/boom/",
            {"full_name": "Nguyễn Văn An", "email": "an@example.vn"},
            headers={"X-Request-ID": "req-sentry-0002"},
        )),
    ]
client.flush()
print(json.dumps({
    "started": started,
    "active": client.is_active(),
    "pii": should_send_default_pii(),
    "environment": client.options["environment"],
    "traces_sample_rate": client.options["traces_sample_rate"],
    "integrations": sorted(client.integrations),
    "statuses": statuses,
    "seen": seen,
    "events": [e for e in events if e.get("exception")],
}, default=str))
"""


def test_sentry_reports_a_views_error_with_its_request_id_and_no_personal_data():
    done = run_embedded(SENTRY_ERRORS)
    sent = json.loads(done.stdout.splitlines()[-1])
    assert sent["started"] and sent["active"] and not sent["pii"]
    assert sent["environment"] == "staging" and sent["traces_sample_rate"] == 0
    assert {"django", "celery"} <= set(sent["integrations"])
    assert sent["statuses"] == [500, 500]
    # What the browser sent and the view read: a cookie, a name, an address.
    assert sent["seen"]["cookies"] == {"rw_seen": "cookie-value-0001"}
    assert sent["seen"]["form"] == ["Nguyễn Văn An", "an@example.vn"]

    got, posted = sent["events"]
    assert got["tags"]["request_id"] == "req-sentry-0001"
    assert posted["tags"]["request_id"] == "req-sentry-0002"
    for event in (got, posted):
        assert event["exception"]["values"][-1]["value"] == "boom in a view"
        assert event["environment"] == "staging" and event["release"] == "reformwatch@test"
        assert "user" not in event
        request = event["request"]
        assert request["url"] == "http://testserver/logs/boom/"
        assert request["headers"]["X-Request-Id"].startswith("req-sentry-")
        assert (
            "data" not in request and "cookies" not in request and not request.get("query_string")
        )
        frames = [f for v in event["exception"]["values"] for f in v["stacktrace"]["frames"]]
        assert frames and not [f["function"] for f in frames if "vars" in f]
        # Nothing the person sent is anywhere in the event, under any key.
        text = json.dumps(event, ensure_ascii=False)
        for personal in ("cookie-value-0001", "Nguyễn Văn An", "an@example.vn", "an%40example"):
            assert personal not in text, (personal, text)


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
