"""The result report's words (issue 21, points 1 and 2): the conclusions are in
every form of the report, the title does not say "giám sát" twice, empty
headings are left out, sentences end with one period, a recommendation is not
due before the report, and a missed step deadline is flagged."""

import datetime as dt
import io
import re

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from supervision.choices import SessionStatus
from supervision.reports import sentence
from supervision.services.report import FindingRow, RecommendationRow, report_file
from tests.supervision.views.report_form import report_form

from .conftest import make_session

S = SessionStatus
BEFORE_REPORT = _("The due date cannot be before the report's date (%(date)s).") % {
    "date": "01/03/2024"
}
CONCLUSION = "Đoàn giám sát kết luận: quận đã hoàn thành mục tiêu giảm 10% đầu mối."


@pytest.fixture
def filed(body, supervisor, unit):
    session = make_session(body, supervisor, [unit], status=S.REPORT_FILED, due=dt.date(2024, 3, 4))
    session.conclusions = CONCLUSION
    session.topic = "Giám sát việc sắp xếp đơn vị sự nghiệp công lập"
    session.save()
    return session


def docx_text(client, session) -> str:
    response = client.get(reverse("supervision:report_docx", args=[session.pk]))
    document = docx.Document(io.BytesIO(response.content))
    return "\n".join(p.text for p in document.paragraphs)


def print_text(client, session) -> str:
    page = client.get(reverse("supervision:report_print", args=[session.pk])).content.decode()
    article = page[page.index("<article") : page.index("</article>")]
    return " ".join(re.sub(r"<[^>]+>", " ", article).split())


def test_the_conclusions_are_in_the_word_file_the_print_view_and_the_session_page(
    client, official, filed
):
    client.force_login(official)
    assert CONCLUSION in docx_text(client, filed)
    assert CONCLUSION in print_text(client, filed)
    page = client.get(reverse("supervision:session_detail", args=[filed.pk])).content.decode()
    assert CONCLUSION in page


def test_the_title_does_not_say_giam_sat_twice(client, official, filed):
    client.force_login(official)
    for text in (docx_text(client, filed), print_text(client, filed)):
        assert "Kết quả giám sát việc sắp xếp đơn vị sự nghiệp công lập" in text
        assert "giám sát giám sát" not in text.lower()


def test_empty_headings_are_left_out_and_the_sections_numbered_in_order(client, official, filed):
    """The session has one achievement and one recommendation: no "Nguyên nhân:",
    no "TRÁCH NHIỆM", and the sections that remain are numbered I, II, …"""
    client.force_login(official)
    for text in (docx_text(client, filed), print_text(client, filed)):
        assert "Kết quả đạt được:" in text
        for empty in ("Nguyên nhân:", "Tồn tại, hạn chế:", "TRÁCH NHIỆM", "TỒN TẠI"):
            assert empty not in text
        assert "III. KẾT LUẬN" in text and "IV. KIẾN NGHỊ" in text


def test_a_sentence_ends_with_one_period(client, official, body, supervisor, unit):
    unit.name = "Trường Mầm non Máy Chai."
    unit.save()
    session = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    report_file(
        actor=supervisor,
        session_id=session.pk,
        header={"report_number": "12/BC", "report_date": dt.date(2024, 3, 1)},
        findings=[FindingRow(kind="achievement", text="Giảm 06 đầu mối.")],
        recommendations=[
            RecommendationRow(
                unit_id=unit.pk, text="Gửi báo cáo bổ sung .", due=dt.date(2024, 4, 1)
            ),
            RecommendationRow(unit_id=unit.pk, text="Rà soát số liệu", due=dt.date(2024, 4, 1)),
        ],
    )
    client.force_login(official)
    for text in (docx_text(client, session), print_text(client, session)):
        assert not re.search(r"\.\s*\.", text), text
        assert "Gửi báo cáo bổ sung. Thời hạn" in text
        assert "Rà soát số liệu. Thời hạn" in text


def test_a_recommendation_due_before_the_report_is_refused(body, supervisor, unit):
    session = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        report_file(
            actor=supervisor,
            session_id=session.pk,
            header={"report_number": "12/BC", "report_date": dt.date(2024, 3, 1)},
            findings=[FindingRow(kind="achievement", text="Giảm 06 đầu mối.")],
            recommendations=[
                RecommendationRow(unit_id=unit.pk, text="Gửi báo cáo.", due=dt.date(2024, 2, 20))
            ],
        )
    assert refused.value.message_dict["recommendations.0.due"] == [BEFORE_REPORT]
    assert not session.findings.exists()


def test_the_report_form_shows_the_refusal_on_the_row(client, supervisor, body, unit):
    session = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    client.force_login(supervisor)
    data = report_form(unit, due="20/02/2024")
    response = client.post(reverse("supervision:report_edit", args=[session.pk]), data)
    assert response.status_code == 200
    assert escape(BEFORE_REPORT) in response.content.decode()
    assert not session.recommendations.exists()


def test_a_missed_step_deadline_is_flagged_on_the_session_page_and_list(
    client, official, body, supervisor, unit
):
    """Worked on 29/02/2024, no report filed since: the result report's
    deadline has passed."""
    late = make_session(body, supervisor, [unit], status=S.IN_PROGRESS)
    on_time = make_session(body, supervisor, [unit], status=S.REPORT_FILED)
    client.force_login(official)
    page = client.get(reverse("supervision:session_detail", args=[late.pk])).content.decode()
    assert page.count('class="badge overdue missed"') == 1
    assert _("Missed") in page
    page = client.get(reverse("supervision:session_detail", args=[on_time.pk])).content.decode()
    assert "missed" not in page
    listing = client.get(reverse("supervision:session_list")).content.decode()
    rows = {
        pk: row
        for pk, row in re.findall(
            r'<tr><td class="nowrap"><a href="/supervision/(\d+)/">(.*?)</tr>', listing, re.S
        )
    }
    assert "missed" in rows[str(late.pk)] and "missed" not in rows[str(on_time.pk)]


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Gửi báo cáo .", "Gửi báo cáo."),
        ("Gửi báo cáo..", "Gửi báo cáo."),
        ("trường học, bệnh viện...", "trường học, bệnh viện..."),  # an ellipsis stays
        ("Rà soát.\nBáo cáo lại", "Rà soát.\nBáo cáo lại."),  # its lines stay lines
    ],
)
def test_the_sentence_rule_keeps_ellipses_and_lines(typed, printed):
    assert sentence(typed) == printed
