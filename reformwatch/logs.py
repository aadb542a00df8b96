"""What a deployment reads in its logs: each line with the id of the request it
belongs to (a worker's too: the id travels with the task it sends), plain
lines or JSON objects, and errors reported to Sentry where SENTRY_DSN is set."""

import datetime as dt
import json
import logging

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.exceptions import ImproperlyConfigured

from .middleware import current_request_id

HEADER = "request_id"  # the task message's header carrying the id


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record ("-" outside a request and
    outside a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json), for a log collector: time,
    level, logger, message, request id, the exception's traceback when there
    is one, and the HTTP status, method and path of Django's request lines."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id.get() or "-",
        }
        if getattr(record, "status_code", None) is not None:
            line["status_code"] = record.status_code
        # django.request's records carry the HttpRequest; runserver's a socket.
        request = getattr(record, "request", None)
        for name in ("method", "path"):
            value = getattr(record, name, None) or getattr(request, name, None)
            if isinstance(value, str):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


# Tasks: the id of the request (or task) that sent one is the id of its run.
_tokens: dict[str, object] = {}


@before_task_publish.connect
def request_id_to_task(headers=None, **kwargs) -> None:
    """A task sent while a request (or a task) runs carries its id."""
    request_id = current_request_id.get()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


@task_prerun.connect
def request_id_from_task(task_id=None, task=None, **kwargs) -> None:
    """The task's run has the id its message carries; an eager task keeps the
    one it runs in; a task sent by no request is known by its own id."""
    request = getattr(task, "request", None)
    carried = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(
        HEADER
    )
    _tokens[task_id] = current_request_id.set(carried or current_request_id.get() or task_id)


@task_postrun.connect
def request_id_task_done(task_id=None, **kwargs) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        current_request_id.reset(token)


def sentry_tag_request_id(event: dict, hint: dict) -> dict:
    """Sentry's `before_send`: the event is tagged with the request's id, the
    one its log lines and audit entries carry."""
    request_id = current_request_id.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


# What the SDK may collect (sentry-sdk 2.75's data_collection, which replaces
# send_default_pii): nothing a person typed or is known by. Its defaults sent a
# form's body (names, e-mail addresses) whatever send_default_pii said, every
# frame's local variables and the query string; the exception, its stack with
# the code's lines, the URL's path, method and the headers left after its
# denylist (cookies, IPs, authorisation) still go.
PRIVATE = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {
        "request": {"mode": "denylist", "terms": ["forwarded", "-ip", "remote-", "via", "-user"]}
    },
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}


def sentry_init(
    dsn: str,
    *,
    environment: str = "",
    release: str = "",
    traces_sample_rate: str = "",
    **options,
) -> bool:
    """Errors of the pages and of the tasks reported to Sentry, only where a
    DSN is set (True then), without personal data (PRIVATE); traces are off
    unless a sample rate is given."""
    if not dsn:
        return False
    try:
        rate = float(traces_sample_rate or 0)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE must be a number, not {traces_sample_rate!r}"
        ) from exc
    if not 0 <= rate <= 1:
        raise ImproperlyConfigured(f"SENTRY_TRACES_SAMPLE_RATE must be 0 to 1, not {rate}")
    # Imported only here: the SDK takes a quarter of a second to import, which
    # every process (each manage.py command) would pay where Sentry is off.
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=environment or None,
        release=release or None,
        traces_sample_rate=rate,
        before_send=sentry_tag_request_id,
        data_collection=PRIVATE,
        # The same for an SDK that reads the older options.
        max_request_body_size="never",
        include_local_variables=False,
        **options,
    )
    return True
