"""Files crafted to cost the server time or memory (issue 21, point 14): a
decompression bomb, a sheet that claims too many lines, an archive of too many
parts. Each is refused fast, before openpyxl reads it, with a clear message;
and an accepted file is read once, at upload, not on every look at its preview."""

import io
import time
import zipfile
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from units.choices import StaffingCategory as C
from units.services import staffing_import_read
from units.services.staffing_import import import_commit, import_preview, import_upload
from units.staffing_sheet import MAX_UNPACKED, SheetLine, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are new: their Vietnamese comes with the next catalogue."""
    with translation.override("en"):
        yield


def workbook(lines) -> bytes:
    file = io.BytesIO()
    write_workbook(file, year=2022, title="Biên chế", groups=[("I", lines)])
    return file.getvalue()


def swap(content: bytes, name: str, write) -> bytes:
    """The workbook with its part `name` written by `write(file)` (streamed, so
    that a bomb is never held whole in memory)."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename), zipfile.ZIP_DEFLATED)
        with target.open(name, "w", force_zip64=True) as part:
            write(part)
    return out.getvalue()


def refused(user, content) -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(ValidationError) as error:
        import_upload(actor=user, year=2022, filename="f.xlsx", content=content)
    return " ".join(error.value.messages), time.perf_counter() - start


def test_a_decompression_bomb_is_refused_fast_before_it_is_parsed(clerk, agency):
    line = SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=40)

    def strings(part):  # shared strings of a few hundred KB that inflate past the limit
        part.write(b'<?xml version="1.0"?><sst xmlns="x"><si><t>')
        chunk = b"a" * (1 << 20)
        for _ in range(MAX_UNPACKED // len(chunk) + 8):
            part.write(chunk)
        part.write(b"</t></si></sst>")

    bomb = swap(workbook([line]), "xl/sharedStrings.xml", strings)
    assert len(bomb) < 1_000_000
    with mock.patch("openpyxl.load_workbook") as load:
        message, seconds = refused(clerk, bomb)
    load.assert_not_called()
    assert "unpacked" in message and "160 MB" in message
    assert seconds < 2


def test_a_sheet_of_more_lines_than_the_limit_is_refused_before_it_is_read(clerk, agency):
    line = SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=40)
    content = workbook([line])
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    far = sheet.replace(
        b"</sheetData>", b'<row r="200000"><c r="A200000"><v>1</v></c></row></sheetData>'
    )
    with mock.patch("openpyxl.load_workbook") as load:
        message, seconds = refused(
            clerk, swap(content, "xl/worksheets/sheet1.xml", lambda p: p.write(far))
        )
    load.assert_not_called()
    assert "100000 lines" in message.replace(".", "").replace(",", "")
    assert seconds < 2


def test_a_long_sheet_stored_under_another_name_is_refused_all_the_same(clerk, agency):
    """The count read xl/worksheets/*.xml only; openpyxl finds a sheet through
    the workbook's relationships, wherever it is stored."""
    line = SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=40)
    source, out = zipfile.ZipFile(io.BytesIO(workbook([line]))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                far = b'<row r="200000"><c r="A200000"><v>1</v></c></row></sheetData>'
                target.writestr("xl/hidden/data.xml", data.replace(b"</sheetData>", far))
                continue
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"worksheets/sheet1.xml", b"hidden/data.xml")
            target.writestr(item, data)
    with mock.patch("openpyxl.load_workbook") as load:
        message, _seconds = refused(clerk, out.getvalue())
    load.assert_not_called()
    assert "100000 lines" in message.replace(".", "").replace(",", "")


def test_an_archive_of_thousands_of_parts_is_refused(clerk):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(2000):
            archive.writestr(f"xl/media/{n}.txt", b"")
    message, _seconds = refused(clerk, out.getvalue())
    assert "too many parts" in message


def test_the_file_is_read_once_at_upload_not_at_each_preview(clerk, agency):
    line = SheetLine(agency.code, "", C.CIVIL_SERVANT, assigned=40)
    content = workbook([line])
    with mock.patch.object(
        staffing_import_read, "read_lines", wraps=staffing_import_read.read_lines
    ) as read:
        upload = import_upload(actor=clerk, year=2022, filename="f.xlsx", content=content)
        for _ in range(3):
            shown = import_preview(actor=clerk, upload=upload)
        assert len(shown.created) == 1
        import_commit(actor=clerk, upload=upload, digest=shown.digest)
    assert read.call_count == 1
