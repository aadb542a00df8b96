"""What an uploaded file is, judged by its content: the name and the type the
browser sends are the sender's to choose. Decision files must be PDFs; the
answers to recommendations may be PDF, Word, Excel, OpenDocument or images."""

import zipfile

from django.core.files.uploadedfile import UploadedFile
from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF_HEADER = b"%PDF-"
PDF_TRAILER = b"%%EOF"
# A PDF starts with its header within the first 1,024 bytes and ends with its
# trailer, possibly followed by a few bytes of padding or line ends.
HEADER_WINDOW, TRAILER_WINDOW = 1024, 2048
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc and .xls of Office 97–2003
# The part each Office Open XML document must hold, by suffix.
OOXML_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
ODF_MIMETYPE = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
IMAGE_START = {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}
ACCEPTED = (".pdf", ".doc", ".xls", *OOXML_PART, *ODF_MIMETYPE, *IMAGE_START)


def is_pdf(upload: UploadedFile) -> bool:
    """Header and trailer where a PDF has them, and a page pypdf can read:
    the two lines alone can be written around anything."""
    head, tail = _ends(upload)
    if PDF_HEADER not in head or PDF_TRAILER not in tail:
        return False
    try:
        return len(PdfReader(upload, strict=False).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return False
    finally:
        upload.seek(0)


def is_what_its_name_says(upload: UploadedFile) -> bool:
    """Whether the file is a document of the kind its suffix names (one of
    ACCEPTED); False for any other suffix."""
    suffix = "." + (upload.name or "").lower().rpartition(".")[2]
    if suffix == ".pdf":
        return is_pdf(upload)
    head, _tail = _ends(upload)
    if suffix in (".doc", ".xls"):
        return head.startswith(OLE2)
    if suffix in IMAGE_START:
        return head.startswith(IMAGE_START[suffix])
    if suffix in OOXML_PART or suffix in ODF_MIMETYPE:
        return _zip_holds(upload, suffix)
    return False


def _ends(upload: UploadedFile) -> tuple[bytes, bytes]:
    upload.seek(0)
    head = upload.read(HEADER_WINDOW)
    upload.seek(max(upload.size - TRAILER_WINDOW, 0))
    tail = upload.read(TRAILER_WINDOW)
    upload.seek(0)
    return head, tail


def _zip_holds(upload: UploadedFile, suffix: str) -> bool:
    """An Office Open XML or OpenDocument file is a ZIP archive holding the
    part its kind requires (only the directory is read, nothing inflated but
    ODF's 40-byte mimetype)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if suffix in OOXML_PART:
                return {"[Content_Types].xml", OOXML_PART[suffix]} <= names
            if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
                return False
            return archive.read("mimetype").strip() == ODF_MIMETYPE[suffix]
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False
    finally:
        upload.seek(0)
