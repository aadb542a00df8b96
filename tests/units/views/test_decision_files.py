"""Decision files: real PDFs only, stored under MEDIA_ROOT, downloaded through a
permission check, and never left behind by a rolled-back transaction."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import UserFactory
from tests.units.views.restructuring_steps import (
    HOLLOW_PDF,
    PDF,
    add_sources,
    fill_decision,
    start,
    step_url,
)
from units.choices import RestructuringKind as K
from units.choices import Role
from units.models import Restructuring
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]


def test_decision_files_are_real_pdfs_stored_under_media_and_checked_on_download(
    client, clerk, outsider_clerk, schools, settings, tmp_path
):
    """Defect: no MEDIA_ROOT (files in the working directory), no download, and
    the extension was all that was checked."""
    settings.MEDIA_ROOT = tmp_path
    key = start(client, clerk, K.DISSOLVE)
    fill_decision(client, key)
    add_sources(client, key, schools[:1])
    for content in (b"<html>not a pdf</html>", HOLLOW_PDF, b"%PDF-1.7\n" + b"x" * 4000 + b"%%EOF"):
        fake = SimpleUploadedFile("qd.pdf", content, content_type="application/pdf")
        response = client.post(step_url(key, "preview"), {"decision_file": fake})
        assert "không phải tài liệu PDF" in response.content.decode(), content[:30]
    pdf = SimpleUploadedFile("quyet dinh.pdf", PDF, content_type="application/pdf")
    client.post(step_url(key, "preview"), {"decision_file": pdf})
    restructuring = Restructuring.objects.get()
    stored = tmp_path / restructuring.decision_file.name
    assert stored.read_bytes() == PDF
    detail = client.get(reverse("units:restructuring_detail", args=[restructuring.pk]))
    url = reverse("units:decision_file", args=[restructuring.pk])
    assert url in detail.content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    official = UserFactory(
        username="tx", roles=[Role.OFFICIAL], scope_area=outsider_clerk.scope_area
    )
    client.force_login(official)
    assert client.get(url).status_code == 404


def test_a_stored_file_is_removed_when_the_apply_fails_after_storing_it(
    clerk, schools, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("units.services.restructurings.figures_mark_stale", fail)
    pdf = SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf")
    with pytest.raises(RuntimeError):
        restructuring_apply(
            actor=clerk,
            kind=K.DISSOLVE,
            source_ids=[schools[0].pk],
            decision=Decision("9/QĐ", dt.date(2019, 1, 1), dt.date(2019, 6, 1), "UBND quận"),
            decision_file=pdf,
        )
    assert not Restructuring.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_a_long_file_name_is_shortened_not_a_500(client, clerk, schools, settings, tmp_path):
    """Probe: a 93-character Vietnamese file name overflowed the column (a 500 on
    PostgreSQL, a silently cut name on SQLite)."""
    settings.MEDIA_ROOT = tmp_path
    key = start(client, clerk, K.DISSOLVE)
    fill_decision(client, key)
    add_sources(client, key, schools[:1])
    name = (
        "Quyết định số 3012-QĐ-UBND ngày 15-10-2024 về việc giải thể Trung tâm "
        "Bồi dưỡng chính trị quận Ngô Quyền thành phố Hải Phòng.pdf"
    )
    pdf = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    assert client.post(step_url(key, "preview"), {"decision_file": pdf}).status_code == 302
    stored = Restructuring.objects.get().decision_file.name
    assert stored.startswith("decisions/") and stored.endswith(".pdf")
    assert len(stored) <= 100 and "quyet-dinh-so-3012" in stored
    assert (tmp_path / stored).read_bytes() == PDF
