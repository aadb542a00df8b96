"""Real documents for upload tests, written by the libraries that read them."""

import io

from docx import Document
from pypdf import PdfWriter


def one_page_pdf() -> bytes:
    """A PDF of one blank A4 page, written by pypdf."""
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


def word_document(text: str = "Báo cáo giải trình") -> bytes:
    """A .docx of one paragraph, written by python-docx."""
    document, out = Document(), io.BytesIO()
    document.add_paragraph(text)
    document.save(out)
    return out.getvalue()


PDF = one_page_pdf()
