"""gunicorn's own lines with LOG_FORMAT=json (reformwatch/gunicorn_conf.py):
its access and error lines were plain text among the portal's JSON objects."""

import json
from datetime import datetime

from tests.reformwatch.embedded import run_embedded

# gunicorn's Logger with the committed configuration, as its master builds it
# (in a process of its own: it configures the logging of the whole process).
LINES = """
import datetime as dt
import runpy
from types import SimpleNamespace
from gunicorn.config import Config
from gunicorn.glogging import Logger

conf = runpy.run_path("reformwatch/gunicorn_conf.py")
print("logconfig_dict" in conf, flush=True)
cfg = Config()
for name, value in conf.items():
    if name in cfg.settings:
        cfg.set(name, value)
log = Logger(cfg)
environ = {
    "REQUEST_METHOD": "POST", "RAW_URI": "/accounts/login/?next=/", "PATH_INFO": "/accounts/login/",
    "QUERY_STRING": "next=/", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
}
answered = SimpleNamespace(status="302 Found", headers=[("X-Request-ID", "req-gunicorn-0001")])
asked = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.7")])
log.access(answered, asked, environ, dt.timedelta(milliseconds=42))
log.critical("WORKER TIMEOUT (pid:%s)", 1234)
try:
    1 / 0
except ZeroDivisionError:
    log.exception("Error handling request /boom/")
"""


def test_gunicorn_prints_json_lines_with_log_format_json():
    done = run_embedded(LINES, LOG_FORMAT="json")
    configured, access_line = done.stdout.splitlines()
    assert configured == "True"
    access = json.loads(access_line)
    assert datetime.fromisoformat(access.pop("time")).utcoffset() is not None
    assert access.pop("message").startswith("203.0.113.7 127.0.0.1 [")
    assert access == {
        "level": "INFO",
        "logger": "gunicorn.access",
        "request_id": "req-gunicorn-0001",
        "status_code": 302,
        "method": "POST",
        "path": "/accounts/login/",
        "duration_ms": 42,
        "forwarded_for": "203.0.113.7",
    }
    timeout, failed = (json.loads(line) for line in done.stderr.splitlines())
    assert timeout["message"] == "WORKER TIMEOUT (pid:1234)"
    assert timeout["level"] == "CRITICAL" and timeout["logger"] == "gunicorn.error"
    assert failed["message"] == "Error handling request /boom/"
    assert "ZeroDivisionError" in failed["exception"]


def test_gunicorn_keeps_its_plain_lines_by_default():
    done = run_embedded(LINES, LOG_FORMAT="plain")
    configured, access_line = done.stdout.splitlines()
    assert configured == "False"
    assert (
        access_line.startswith("203.0.113.7 127.0.0.1 [") and "POST /accounts/login/" in access_line
    )
    assert "[CRITICAL] WORKER TIMEOUT (pid:1234)" in done.stderr
