"""gunicorn's settings for production (README, Production; docs/DEPLOY.md):
`gunicorn -c reformwatch/gunicorn_conf.py reformwatch.wsgi`, behind nginx
(docs/deploy/nginx.conf), which reads slow clients' requests whole before
passing them on and takes their slow reading of the answers off gunicorn.

gthread workers: a kept-alive connection waits in the worker's poller, not in a
thread, and a thread serves a request only once its first bytes came. A client
that then sends its header a line at a time still holds that thread until it
has finished (gunicorn has no header timeout): what holds slow clients off is
the proxy, never the size of the pool.

Read by gunicorn's master before Django loads, so it imports nothing of the
portal; a wrong environment value stops the start with its name.
"""

import datetime as dt
import json
import logging
import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, not {value!r}") from exc


# Where nginx's upstream points (docs/deploy/nginx.conf). Loopback by default:
# gunicorn is not meant to face browsers itself.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

worker_class = "gthread"
# 2 × cores + 1 processes (gunicorn's own advice), at most 8: each thread holds
# a persistent PostgreSQL connection (CONN_MAX_AGE), so 8 × 4 threads already
# asks for 32 of PostgreSQL's default 100 per machine. WEB_CONCURRENCY is the
# name hosting platforms use for it.
workers = _env_int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _env_int("GUNICORN_THREADS", 4)
# Connections a worker keeps open (kept-alive ones included) before it stops
# accepting: the proxy's upstream keepalive needs far fewer.
worker_connections = 1000

# A worker whose main loop stops answering for this long is killed and replaced
# (with gthread a long request does not count: the loop goes on beating).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# An idle kept-alive connection from nginx waits here, in the poller, longer than
# nginx keeps it (its upstream keepalive_timeout, 30 s): nginx, not gunicorn,
# closes it, so nginx never sends a request on a connection gunicorn is closing.
keepalive = _env_int("GUNICORN_KEEPALIVE", 35)

# Request limits: a request line as long as nginx's own buffers accept (8 KiB,
# large_client_header_buffers), 100 header fields of at most 8 KiB. Longer ones
# are refused with a 400 before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Workers are replaced after about a thousand requests (a jitter so that they
# do not all restart at once): whatever memory a long life gathers is returned.
max_requests = 1000
max_requests_jitter = 100

# Only the proxy may say a request came over HTTPS (X-Forwarded-Proto) or for
# whom: nginx on this machine. A proxy on another machine: its address here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log on stdout, one line a request, with the request id the portal
# answers with (X-Request-ID: nginx's $request_id, on the audit entries too)
# and the client's address as the proxy gives it.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s "%(a)s"'
)
proc_name = "reformwatch"


class JsonLines(logging.Formatter):
    """gunicorn's own lines (its access log, its errors) as one JSON object a
    line with LOG_FORMAT=json, under the names the portal's lines use
    (reformwatch.logs.JsonFormatter, which this file cannot import: it loads
    Celery and Django in the master). An access line adds the request id the
    portal answered with, the status, method, path and duration."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and hasattr(record.args, "get"):
            atoms = record.args  # gunicorn's atoms, the same as access_log_format's
            line |= {
                "request_id": atoms["{x-request-id}o"],
                "status_code": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
                "method": atoms["m"],
                "path": atoms["U"],
                "duration_ms": atoms["M"],
                "forwarded_for": atoms["{x-forwarded-for}i"],
            }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _json_logging() -> dict:
    """gunicorn's logging configuration for LOG_FORMAT=json: access lines on
    stdout and errors on stderr, as its defaults, each a JSON object; neither
    passed on to the root logger, where the portal's console would print them
    a second time."""
    handler = {"class": "logging.StreamHandler", "formatter": "json"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLines}},
        "handlers": {
            "access": handler | {"stream": "ext://sys.stdout"},
            "error": handler | {"stream": "ext://sys.stderr"},
        },
        "loggers": {
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
            "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
        },
        "root": {"level": "INFO", "handlers": []},
    }


# LOG_FORMAT as the portal reads it (reformwatch/settings_logging.py): plain
# lines are gunicorn's own format above; json, the same objects as the portal's.
if os.environ.get("LOG_FORMAT", "plain") == "json":
    logconfig_dict = _json_logging()

# gunicorn 25+ opens a control socket for `gunicornc` in the user's home by
# default, one path for every instance on the machine: only where one is asked.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
if not control_socket:
    del control_socket
# The workers' heartbeat files in memory, not on a disk that may stall.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
