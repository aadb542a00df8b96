"""The result report in the form of a Vietnamese administrative document
(Nghị định 30/2020/NĐ-CP): the issuing body and number on the left, the national
motto on the right, place and date, the title, then the sections. Shared by the
print view and the Word export (python-docx)."""

import dataclasses
import datetime as dt
import io
import re

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from units.text import fold

from .choices import FindingKind
from .models import Session
from .selectors.sessions import findings_by_kind

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
# A sentence already ends with one of these: no period is added after it.
ENDINGS = (".", "!", "?", "…", ";")


@dataclasses.dataclass
class Section:
    """A numbered section of the report: its paragraphs, then its lists of
    lines, each under an optional italic heading. A document in Vietnamese
    whatever the reader's language, as the body files it."""

    title: str
    paragraphs: list[str] = dataclasses.field(default_factory=list)
    groups: list[tuple[str, list[str]]] = dataclasses.field(default_factory=list)
    number: str = ""

    @property
    def empty(self) -> bool:
        return not self.paragraphs and not self.groups


def date_in_words(place: str, day: dt.date) -> str:
    """ "Hải Phòng, ngày 05 tháng 01 năm 2026": days and months below 10 with a
    leading zero (Nghị định 30/2020, Phụ lục I)."""
    text = f"ngày {day:%d} tháng {day:%m} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


def _subject(topic: str) -> str:
    """The topic as it reads after "Kết quả giám sát": "việc …", not "Việc …",
    and not "giám sát giám sát việc …" when the topic starts with "Giám sát"."""
    topic = topic.strip()
    if fold(topic).startswith("giam sat "):
        topic = topic.split(maxsplit=2)[2]
    return topic[:1].lower() + topic[1:]


def sentence(text: str) -> str:
    """`text` ending with exactly one period: "Gửi báo cáo" and "Gửi báo cáo ."
    both read "Gửi báo cáo." (a typed space before the period dropped)."""
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]+", " ", text.strip()))
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)  # ".." typed, not an ellipsis "..."
    return text if not text or text.endswith(ENDINGS) else f"{text}."


def _finding_lines(items) -> list[str]:
    return [
        f"- {finding.text}" + (f" ({finding.unit.name})" if finding.unit_id else "")
        for finding in items
    ]


def report_sections(session: Session, findings: dict, recommendations, units) -> list[Section]:
    """The sections that have something to say, numbered I, II, … in order: a
    heading over nothing is left out, with its number."""
    names = sentence(", ".join(unit.name for unit in units)) if units else "—"

    def lines(kind: str) -> list[str]:
        return _finding_lines(findings.get(kind, []))

    sections = [
        Section(
            "THÔNG TIN CHUNG",
            paragraphs=[
                *([session.general_info] if session.general_info.strip() else []),
                f"Thời kỳ giám sát: {session.period_from}–{session.period_to}. "
                f"Đơn vị chịu giám sát: {names}",
            ],
        ),
        Section(
            "TÌNH HÌNH, KẾT QUẢ THỰC HIỆN",
            paragraphs=[session.situation] if session.situation.strip() else [],
            groups=[("Kết quả đạt được:", lines(FindingKind.ACHIEVEMENT))],
        ),
        Section(
            "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
            groups=[
                ("Tồn tại, hạn chế:", lines(FindingKind.SHORTCOMING)),
                ("Nguyên nhân:", lines(FindingKind.CAUSE)),
            ],
        ),
        Section("TRÁCH NHIỆM", groups=[("", lines(FindingKind.RESPONSIBILITY))]),
        Section(
            "KẾT LUẬN",
            paragraphs=[session.conclusions] if session.conclusions.strip() else [],
        ),
        Section(
            "KIẾN NGHỊ",
            groups=[
                (
                    "",
                    [
                        f"{i}. Đối với {rec.addressed_unit.name}: {sentence(rec.text)} "
                        f"Thời hạn: trước ngày {rec.current_due:%d/%m/%Y}."
                        for i, rec in enumerate(recommendations, start=1)
                    ],
                )
            ],
        ),
    ]
    for section in sections:
        section.groups = [(heading, items) for heading, items in section.groups if items]
    kept = [section for section in sections if not section.empty]
    for number, section in zip(ROMAN, kept, strict=False):
        section.number = number
    return kept


def report_context(session: Session) -> dict:
    """What the report shows, section by section."""
    findings = findings_by_kind(session)
    recommendations = list(session.recommendations.all())
    units = list(session.supervised_units.all())
    return {
        "session": session,
        "motto": MOTTO,
        "dated": date_in_words(session.report_place, session.report_date),
        "subject": _subject(session.topic),
        "sections": report_sections(session, findings, recommendations, units),
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
    for part in context["sections"]:
        _paragraph(doc, f"{part.number}. {part.title}", bold=True)
        for text in part.paragraphs:
            _paragraph(doc, text)
        for heading, lines in part.groups:
            if heading:
                _paragraph(doc, heading, italic=True)
            for line in lines:
                _paragraph(doc, line)
    _paragraph(doc, f"TM. {session.body.name.upper()}", bold=True, center=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
