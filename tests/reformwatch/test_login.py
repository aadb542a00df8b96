"""Login throttling (django-axes): 5 failures for one account or one address lock
it for 15 minutes, with a Vietnamese message; an administrator can unlock."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, username, password="wrong-password", address="203.0.113.7", **headers):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_five_failures_lock_the_account(client):
    UserFactory(username="chuyenvien")
    for _ in range(4):
        assert attempt(client, "chuyenvien").status_code == 200
    locked = attempt(client, "chuyenvien")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập trong 15 phút" in locked.content.decode()
    # Even the right password is refused now, from another address too.
    right = attempt(client, "chuyenvien", "secret-pass-123", address="198.51.100.4")
    assert right.status_code == 429


def test_five_failures_from_one_address_lock_the_address(client):
    for i in range(5):
        attempt(client, f"user{i}")
    UserFactory(username="lanhdao")
    assert attempt(client, "lanhdao", "secret-pass-123").status_code == 429
    assert attempt(client, "lanhdao", "secret-pass-123", address="198.51.100.9").status_code == 302


def test_an_administrator_unlocks(client, admin_user):
    UserFactory(username="chuyenvien")
    for _ in range(5):
        attempt(client, "chuyenvien")
    client.force_login(admin_user)
    for record in AccessAttempt.objects.all():
        client.post(reverse("admin:axes_accessattempt_delete", args=[record.pk]), {"post": "yes"})
    client.logout()
    assert attempt(client, "chuyenvien", "secret-pass-123").status_code == 302


def test_behind_a_proxy_the_address_comes_from_the_configured_header(client, settings):
    """Without this every request comes from the proxy: one user locks out everyone."""
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        attempt(client, f"user{i}", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")
    UserFactory(username="lanhdao")
    other = attempt(
        client,
        "lanhdao",
        "secret-pass-123",
        address="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.23",
    )
    assert other.status_code == 302
    assert AccessAttempt.objects.filter(ip_address="203.0.113.50").exists()


def test_the_lockout_page_gives_the_configured_time(client, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=40)
    UserFactory(username="chuyenvien")
    for _ in range(5):
        response = attempt(client, "chuyenvien")
    assert "Tạm khóa đăng nhập trong 40 phút" in response.content.decode()
