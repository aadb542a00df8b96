"""The database gone for a moment (a restart, a failover, a dropped
connection): 503 with Retry-After — problem details under /api/, a page in
the reader's language elsewhere — instead of a 500 a client cannot tell from a
bug (issue 22, point 2). Recovery needs no restart: Django drops a broken
connection at the end of the request and opens a new one for the next."""

import pytest
from django.db import InterfaceError, OperationalError

from units.api.errors import RETRY_AFTER


def fail(error):
    def raiser(*args, **kwargs):
        raise error("server closed the connection unexpectedly")

    return raiser


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_answers_503_with_retry_after_in_vietnamese(client, monkeypatch, error):
    monkeypatch.setattr("reformwatch.views.national_headline", fail(error))
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response["Content-Type"].startswith("text/html")
    assert "Cơ sở dữ liệu tạm thời không kết nối được" in response.content.decode()


def test_a_failing_middleware_read_is_a_503_too(client, official, monkeypatch):
    """The session is read by middleware, before any view."""
    client.force_login(official)
    monkeypatch.setattr(
        "django.contrib.sessions.backends.db.SessionStore.load", fail(OperationalError)
    )
    client.raise_request_exception = False
    response = client.get("/units/")
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER)


def test_the_api_answers_a_503_problem_with_retry_after(client, official, monkeypatch):
    client.force_login(official)
    monkeypatch.setattr("units.api.units.UnitViewSet.list", fail(OperationalError))
    client.raise_request_exception = False
    response = client.get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(RETRY_AFTER)
    body = response.json()
    assert body["status"] == 503 and body["title"] == "Service Unavailable"
    assert body["errors"] == [{"field": None, "code": "unavailable", "message": body["detail"]}]


def test_other_errors_stay_500(client, official, monkeypatch):
    client.force_login(official)
    monkeypatch.setattr("units.api.units.UnitViewSet.list", fail(RuntimeError))
    client.raise_request_exception = False
    assert client.get("/api/v1/units/").status_code == 500
    monkeypatch.setattr("reformwatch.views.national_headline", fail(RuntimeError))
    assert client.get("/").status_code == 500
