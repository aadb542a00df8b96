"""/health/ part by part (issue 22): the database is the one part the portal
cannot run without (503); a cache or a broker that cannot be reached is
"degraded" with a 200, the part named to signed-in readers only."""

import pytest
from django.urls import reverse

from reformwatch import health
from units import versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(monkeypatch):
    def refused(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(health.cache, "set", refused)


def test_a_cache_that_is_down_is_degraded_not_an_error(client, admin_user, cache_down):
    anonymous = client.get(reverse("health"), {"format": "json"})
    assert anonymous.status_code == 200
    assert anonymous.json() == {"ok": True, "status": "degraded"}
    client.force_login(admin_user)
    data = client.get(reverse("health"), {"format": "json"}).json()
    assert data["status"] == "degraded" and "cache" in data["degraded"]
    assert data["checks"]["cache"]["ok"] is False
    assert "Connection refused" in data["checks"]["cache"]["error"]
    assert data["checks"]["database"]["ok"] is True
    page = client.get(reverse("health"), HTTP_COOKIE="django_language=en")
    assert page.status_code == 200


def test_an_owed_version_bump_is_shown_to_admins(client, admin_user, monkeypatch):
    monkeypatch.setattr(versions, "_owed", False)
    monkeypatch.setattr(versions.cache, "incr", lambda *args, **kwargs: None)  # unreachable
    versions.bump(versions.REGISTRY)
    monkeypatch.setattr(versions, "_down_until", 0.0)
    client.force_login(admin_user)
    data = client.get(reverse("health"), {"format": "json"}).json()
    assert data["checks"]["cache"]["owed_since"]


def test_a_broker_that_cannot_be_reached_is_degraded(client, admin_user, monkeypatch):
    monkeypatch.setattr(
        health, "_check_broker", lambda: {"ok": False, "eager": False, "error": "refused"}
    )
    client.force_login(admin_user)
    response = client.get(reverse("health"), {"format": "json"})
    assert response.status_code == 200
    assert "broker" in response.json()["degraded"]
