"""The result report in the official form: the Word file and the print view."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from supervision.choices import SessionStatus
from supervision.reports import date_in_words

from .conftest import make_session


def test_the_date_is_written_in_words_with_leading_zeros():
    assert date_in_words("Hải Phòng", dt.date(2026, 1, 5)) == "Hải Phòng, ngày 05 tháng 01 năm 2026"


@pytest.fixture
def filed(body, supervisor, unit):
    session = make_session(
        body, supervisor, [unit], status=SessionStatus.REPORT_FILED, due=dt.date(2024, 3, 4)
    )
    session.report_place = "Hải Phòng"
    session.save()
    return session


def test_the_docx_holds_the_sections_and_recommendations(client, official, filed, unit):
    client.force_login(official)
    response = client.get(reverse("supervision:report_docx", args=[filed.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for row in document.tables[0].rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "Độc lập - Tự do - Hạnh phúc" in cells
    assert "Số: 12/BC" in cells
    assert "Hải Phòng, ngày 01 tháng 03 năm 2024" in cells
    # Only the sections with something to say, numbered in order (no shortcoming,
    # cause or responsibility was found).
    for heading in ("I. THÔNG TIN CHUNG", "II. TÌNH HÌNH, KẾT QUẢ THỰC HIỆN", "III. KIẾN NGHỊ"):
        assert heading in text
    assert "Giảm 06 đầu mối." in text
    assert f"Đối với {unit.name}: Gửi báo cáo giải trình bổ sung." in text
    assert "trước ngày 04/03/2024" in text


def test_the_print_view_is_the_same_document(client, official, filed):
    client.force_login(official)
    page = client.get(reverse("supervision:report_print", args=[filed.pk])).content.decode()
    assert "Độc lập - Tự do - Hạnh phúc" in page and "III. KIẾN NGHỊ" in page
    assert 'class="printview"' in page


def test_a_session_without_a_report_has_no_document(client, official, body, supervisor, unit):
    session = make_session(body, supervisor, [unit], status=SessionStatus.IN_PROGRESS)
    client.force_login(official)
    assert client.get(reverse("supervision:report_docx", args=[session.pk])).status_code == 404
