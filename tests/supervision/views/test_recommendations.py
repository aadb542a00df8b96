"""The recommendation pages: only clerks in scope answer (others get 403 and
nothing changes), an answer with its attachment is audited once, a new date
needs a reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.files import PDF, word_document
from tests.supervision.conftest import session_state
from units.models import AuditEntry


def _rec_writes():
    return [
        ("respond", {"date": "05/03/2024", "text": "Đã gửi"}),
        ("propose", {"new_due": "01/04/2024", "reason": "Chờ số liệu"}),
    ]


@pytest.mark.parametrize("who", ["outsider_clerk", "official", "other_supervisor"])
def test_only_clerks_in_scope_answer(client, request, filed, who):
    rec = filed.recommendations.get()
    client.force_login(request.getfixturevalue(who))
    audited, before = AuditEntry.objects.count(), session_state(filed)
    for action, data in _rec_writes():
        response = client.post(
            reverse("supervision:recommendation_act", args=[rec.pk, action]), data
        )
        assert response.status_code == 403, action
    assert session_state(filed) == before
    rec.refresh_from_db()
    assert rec.status == "open" and not rec.deadline_changes.exists()
    assert AuditEntry.objects.count() == audited


def test_the_clerks_answer_with_an_attachment_is_audited_once(
    client, clerk, filed, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    rec = filed.recommendations.get()
    client.force_login(clerk)
    audited = AuditEntry.objects.count()
    attachment = SimpleUploadedFile("bao-cao.pdf", PDF, "application/pdf")
    response = client.post(
        reverse("supervision:recommendation_act", args=[rec.pk, "respond"]),
        {
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "text": "Đã gửi",
            "attachment": attachment,
        },
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "responded"
    assert AuditEntry.objects.count() == audited + 1
    answer = rec.responses.get()
    download = client.get(reverse("supervision:response_file", args=[rec.pk, answer.pk]))
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content", "kept"),
    [
        ("giai-trinh.docx", word_document(), True),
        ("giai-trinh.pdf", PDF, True),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, True),
        ("giai-trinh.docx", b"<html><script>alert(1)</script></html>", False),
        ("giai-trinh.pdf", b"%PDF-1.4 only its first line %%EOF", False),
        ("anh.jpg", b"MZ\x90\x00 an executable", False),
        ("bang.xlsx", word_document(), False),  # a Word file named as a workbook
    ],
)
def test_an_attachment_must_be_what_its_name_says(
    client, clerk, filed, settings, tmp_path, name, content, kept
):
    """Defect: attachments were checked by their extension only."""
    settings.MEDIA_ROOT = tmp_path
    rec = filed.recommendations.get()
    client.force_login(clerk)
    response = client.post(
        reverse("supervision:recommendation_act", args=[rec.pk, "respond"]),
        {
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "text": "Đã gửi",
            "attachment": SimpleUploadedFile(name, content),
        },
    )
    assert rec.responses.exists() is kept, response.content.decode()[:300]
    if not kept:
        assert "không đúng loại như tên tệp" in response.content.decode()


def test_a_date_without_a_reason_is_refused_in_words(client, clerk, filed):
    rec = filed.recommendations.get()
    client.force_login(clerk)
    response = client.post(
        reverse("supervision:recommendation_act", args=[rec.pk, "propose"]),
        {"new_due": "01/04/2024", "reason": ""},
    )
    assert response.status_code == 400
    assert "Không được thay đổi thời hạn mà không nêu lý do." in response.content.decode()
    assert not rec.deadline_changes.exists()
