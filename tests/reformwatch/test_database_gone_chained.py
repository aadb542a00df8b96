"""The database gone shows in an error raised from (or while handling) the
database's own: Django answers a session it could not save with a 400
(SessionInterrupted, raised while handling the UpdateError its save raised
on the OperationalError), and other code raises its own errors from a lost
connection's. Those are a 503 with Retry-After as well, not a 400 or a 500
(issue 22, point 2's fault test)."""

import pytest
from django.db import OperationalError
from django.urls import path

from reformwatch import urls as root_urls
from units.api.errors import RETRY_AFTER


def view_chained(request):
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError as exc:
        raise RuntimeError("the snapshot could not be swapped") from exc


def view_bug(request):
    raise RuntimeError("a real bug")


urlpatterns = [
    *root_urls.urlpatterns,
    path("gone/chained/", view_chained),
    path("gone/bug/", view_bug),
    path("api/v1/gone/chained/", view_chained),
]
handler400 = root_urls.handler400
handler500 = root_urls.handler500


def lost(*args, **kwargs):
    raise OperationalError("terminating connection due to administrator command")


def test_a_session_the_database_could_not_save_is_a_503_not_a_400(client, official, monkeypatch):
    """A signed-in reader's session is renewed every few minutes of activity
    (SessionIdleMiddleware): its save with the database gone answered 400
    "Bad request"."""
    client.force_login(official)
    session = client.session
    session["_seen"] = 0  # due for renewal
    session.save()
    monkeypatch.setattr("django.contrib.sessions.models.Session.save", lost)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert "Cơ sở dữ liệu tạm thời không kết nối được" in response.content.decode()


@pytest.mark.urls("tests.reformwatch.test_database_gone_chained")
def test_an_error_raised_from_the_databases_is_a_503(client):
    client.raise_request_exception = False
    page = client.get("/gone/chained/")
    assert page.status_code == 503 and page["Retry-After"] == str(RETRY_AFTER)
    api = client.get("/api/v1/gone/chained/")
    assert api.status_code == 503 and api["Content-Type"] == "application/problem+json"
    assert client.get("/gone/bug/").status_code == 500  # a bug stays one
