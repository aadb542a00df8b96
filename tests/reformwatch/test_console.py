"""The console of the embedded mode says what matters: a refused request in
one line (each expected 403 printed two tracebacks in the runserver console:
Django's console and the portal's both printed Django's lines), and no line
per eager task."""

from tests.reformwatch.embedded import run_embedded

REFUSED = """
import django
django.setup()
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.test import RequestFactory
response_for_exception(RequestFactory().get("/units/1/edit/"), PermissionDenied())
try:
    raise ValueError("a real bug")
except ValueError as exc:
    response_for_exception(RequestFactory().get("/boom/"), exc)
from reformwatch.celery import app
def noop():
    pass
app.task(name="console_test.noop")(noop).delay()  # eager: the embedded mode
"""


def test_a_refused_request_is_one_line_and_a_server_error_keeps_its_traceback():
    printed = run_embedded(REFUSED).stderr
    assert printed.count("Forbidden (Permission denied): /units/1/edit/") == 1, printed
    assert printed.count("Traceback") == 1 and "a real bug" in printed, printed
    # An eager task logs nothing (load_demo printed 99 "Task … succeeded"
    # lines), and the in-memory broker names its host (kombu warned).
    assert "console_test.noop" not in printed and "kombu" not in printed, printed
