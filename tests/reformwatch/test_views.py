"""Portal-wide pages: health, error pages, the request id."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse

from reformwatch import urls as root_urls

pytestmark = pytest.mark.django_db


def test_health_reports_in_json(client, official):
    client.force_login(official)
    response = client.get(reverse("health"), {"format": "json"})
    data = response.json()
    assert data["checks"]["database"]["ok"] is True
    assert data["checks"]["cache"]["ok"] is True
    assert "celery" in data["checks"]


def test_anonymous_health_callers_get_the_status_only(client):
    """Defect: anonymous /health/?format=json showed the database vendor and errors."""
    response = client.get(reverse("health"), {"format": "json"})
    data = response.json()  # "degraded" on the Redis pass, with no worker's heartbeat
    assert set(data) == {"ok", "status"} and data["ok"] is True
    page = client.get(reverse("health")).content.decode()
    assert "sqlite" not in page.lower() and "embedded" not in page


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [*root_urls.urlpatterns, path("boom/", boom)]
handler500 = root_urls.handler500
handler404 = root_urls.handler404


@pytest.mark.urls("tests.reformwatch.test_views")
def test_error_pages_are_vietnamese_with_the_navigation(official):
    """Defect: Django's English default 403/404/500 pages."""
    client = Client(raise_request_exception=False)
    client.force_login(official)
    missing = client.get("/units/999999/")
    assert missing.status_code == 404
    page = missing.content.decode()
    assert "Không tìm thấy trang" in page and 'class="mainnav"' in page
    failed = client.get("/boom/")
    assert failed.status_code == 500
    assert "Đã xảy ra lỗi" in failed.content.decode()
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/units/999999/").content.decode()


def test_forbidden_pages_are_vietnamese(client, official):
    client.force_login(official)
    response = client.get(reverse("units:restructuring_new"))
    assert response.status_code == 403
    assert "Không được phép" in response.content.decode()


def test_an_expired_form_says_so_in_vietnamese(official):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    response = client.post(reverse("units:restructuring_new"), {"kind": "merge"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


@pytest.mark.parametrize(
    "incoming, kept",
    [
        ("5f0c2a9e-8b7d-4c1f-a3e6-b2d9c8a7f1e0", True),
        ("req_01HZX3K9Q7", True),
        ("<script>alert(1)</script>", False),
        ("x", False),
        ("a" * 65, False),
        ("abc def ghi", False),
    ],
)
def test_a_request_id_is_kept_only_when_well_formed(client, incoming, kept):
    """Defect: a client-supplied X-Request-ID was stored as is."""
    response = client.get(reverse("landing"), headers={"X-Request-ID": incoming})
    assert (response["X-Request-ID"] == incoming) is kept
    assert len(response["X-Request-ID"]) >= 8


def test_health_says_503_when_the_database_is_down(client, monkeypatch):
    """Review: the heartbeat was read outside the check and turned a 503 into a 500."""

    def down():
        return {"ok": False, "vendor": "postgresql", "error": "connection refused"}

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr("reformwatch.health._check_database", down)
    monkeypatch.setattr("reformwatch.health.heartbeat_last", unreachable)
    monkeypatch.setattr("reformwatch.health.versions_owed_since", unreachable)
    response = client.get(reverse("health"), {"format": "json"})
    assert response.status_code == 503
    assert response.json() == {"ok": False, "status": "down"}


def test_the_api_reference_leads_back_and_speaks_the_readers_language(client, official):
    """/api/docs/ had no way back to the portal and was English only."""
    client.force_login(official)
    page = client.get("/api/docs/").content.decode()
    assert '<html lang="vi">' in page and 'href="/">← ReformWatch</a>' in page
    assert "Tài liệu API (OpenAPI 3)" in page and "swagger-ui" in page
    client.cookies["django_language"] = "en"
    page = client.get("/api/docs/").content.decode()
    assert '<html lang="en">' in page and "API reference (OpenAPI 3)" in page


def test_the_first_tab_stop_skips_to_the_content(client, official):
    """13 tabs came before the first filter: a skip link comes first now."""
    client.force_login(official)
    page = client.get(reverse("units:unit_list")).content.decode()
    body = page.split("<body", 1)[1]
    first_link = body[body.index("<a ") : body.index("</a>")]
    assert 'href="#main"' in first_link and "Chuyển đến nội dung chính" in body
    assert '<main id="main" tabindex="-1">' in page
