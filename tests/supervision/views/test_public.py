"""The public pages show published sessions only."""

from django.urls import reverse

from supervision.choices import SessionStatus
from tests.supervision.conftest import make_session

S = SessionStatus


def test_the_public_page_shows_published_sessions_only(client, supervisor, filed, body, unit):
    hidden = make_session(body, supervisor, [unit], status=S.REPORT_FILED)
    client.force_login(supervisor)
    client.post(reverse("supervision:session_publish", args=[filed.pk]), {"publish": "1"})
    client.logout()
    listing = client.get(reverse("supervision:public")).content.decode()
    assert filed.decision_number in listing and hidden.decision_number not in listing
    assert client.get(reverse("supervision:public_session", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("supervision:report_docx", args=[hidden.pk])).status_code == 404
    page = client.get(reverse("supervision:public_session", args=[filed.pk])).content.decode()
    assert "Gửi báo cáo giải trình bổ sung." in page
    assert filed.topic in client.get(reverse("landing")).content.decode()
