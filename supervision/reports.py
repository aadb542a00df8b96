"""The result report in the form of a Vietnamese administrative document
(Nghị định 30/2020/NĐ-CP): the issuing body and number on the left, the national
motto on the right, place and date, the title, then the sections. Shared by the
print view and the Word export (python-docx)."""

import datetime as dt
import io

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from .choices import FindingKind
from .models import Session
from .selectors.sessions import findings_by_kind

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
# The sections in the order the report presents them; a document in Vietnamese
# whatever the reader's language, as the body files it.
SECTIONS = [
    ("I", "THÔNG TIN CHUNG"),
    ("II", "TÌNH HÌNH, KẾT QUẢ THỰC HIỆN"),
    ("III", "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"),
    ("IV", "TRÁCH NHIỆM"),
    ("V", "KIẾN NGHỊ"),
]


def date_in_words(place: str, day: dt.date) -> str:
    """ "Hải Phòng, ngày 05 tháng 01 năm 2026": days and months below 10 with a
    leading zero (Nghị định 30/2020, Phụ lục I)."""
    text = f"ngày {day:%d} tháng {day:%m} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


def _subject(topic: str) -> str:
    """The topic as it reads after "Kết quả giám sát": "việc …", not "Việc …"."""
    return topic[:1].lower() + topic[1:]


def report_context(session: Session) -> dict:
    """What the report shows, section by section."""
    findings = findings_by_kind(session)
    return {
        "session": session,
        "motto": MOTTO,
        "dated": date_in_words(session.report_place, session.report_date),
        "subject": _subject(session.topic),
        "achievements": findings.get(FindingKind.ACHIEVEMENT, []),
        "shortcomings": findings.get(FindingKind.SHORTCOMING, []),
        "causes": findings.get(FindingKind.CAUSE, []),
        "responsibilities": findings.get(FindingKind.RESPONSIBILITY, []),
        "recommendations": list(session.recommendations.all()),
        "units": list(session.supervised_units.all()),
        "today": timezone.localdate(),
    }


def _paragraph(doc, text, *, bold=False, italic=False, center=False, size=13):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def _heading_block(doc, session: Session, dated: str) -> None:
    """The two columns at the top: body and number | motto and date."""
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.paragraphs[0].add_run(session.body.name.upper()).bold = True
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].add_run(MOTTO[0]).bold = True
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto = right.add_paragraph()
    motto.add_run(MOTTO[1]).bold = True
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = table.cell(1, 0).paragraphs[0]
    number.add_run(f"Số: {session.report_number}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    place = table.cell(1, 1).paragraphs[0]
    place.add_run(dated).italic = True
    place.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _findings(doc, items) -> None:
    for finding in items:
        about = f" ({finding.unit})" if finding.unit_id else ""
        _paragraph(doc, f"- {finding.text}{about}")


def report_docx(session: Session) -> bytes:
    """The report as a .docx file (Times New Roman 13, A4, official margins)."""
    context = report_context(session)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    _heading_block(doc, session, context["dated"])
    _paragraph(doc, "BÁO CÁO", bold=True, center=True, size=14)
    _paragraph(doc, f"Kết quả giám sát {context['subject']}", bold=True, center=True)
    _paragraph(
        doc,
        f"(Theo Quyết định số {session.decision_number} ngày {session.decision_date:%d/%m/%Y})",
        italic=True,
        center=True,
    )
    number, title = SECTIONS[0]
    _paragraph(doc, f"{number}. {title}", bold=True)
    if session.general_info:
        _paragraph(doc, session.general_info)
    units = ", ".join(str(unit) for unit in context["units"])
    _paragraph(
        doc,
        f"Thời kỳ giám sát: {session.period_from}–{session.period_to}. "
        f"Đơn vị chịu giám sát: {units}.",
    )
    number, title = SECTIONS[1]
    _paragraph(doc, f"{number}. {title}", bold=True)
    if session.situation:
        _paragraph(doc, session.situation)
    _paragraph(doc, "Kết quả đạt được:", italic=True)
    _findings(doc, context["achievements"])
    number, title = SECTIONS[2]
    _paragraph(doc, f"{number}. {title}", bold=True)
    _paragraph(doc, "Tồn tại, hạn chế:", italic=True)
    _findings(doc, context["shortcomings"])
    _paragraph(doc, "Nguyên nhân:", italic=True)
    _findings(doc, context["causes"])
    number, title = SECTIONS[3]
    _paragraph(doc, f"{number}. {title}", bold=True)
    _findings(doc, context["responsibilities"])
    number, title = SECTIONS[4]
    _paragraph(doc, f"{number}. {title}", bold=True)
    for i, rec in enumerate(context["recommendations"], start=1):
        _paragraph(
            doc,
            f"{i}. Đối với {rec.addressed_unit}: {rec.text} "
            f"Thời hạn: trước ngày {rec.current_due:%d/%m/%Y}.",
        )
    _paragraph(doc, f"TM. {session.body.name.upper()}", bold=True, center=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
