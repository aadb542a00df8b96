"""The staffing workbook, in the layout that travels up the hierarchy: a title,
two header rows with merged group headings (assigned, with the decision
number; actual, with its date), then the units grouped by sector, one line per
unit × category. The template, the export of any staffing view and the import
all use this one layout, so an exported file imports with no change. It touches
no database: the selectors that fill it and the import service that reads it
both stand on it."""

import dataclasses
import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from xml.etree import ElementTree
from xml.etree.ElementTree import ParseError

import openpyxl
import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from .choices import StaffingCategory
from .text import fold

FIRST_LINE = 5  # the first line of figures, after the title and the headers
COLUMNS = 11  # A STT … K difference
MAX_LINES = 100_000  # more than any scope has: a larger sheet is refused
# What a file may unpack to, checked before openpyxl reads it (a 300 KB file
# can inflate to gigabytes): a sheet of 100,000 lines is about 50 MB of XML,
# 8 to 20 times its compressed size.
MAX_UNPACKED = 160 * 1024 * 1024  # the parts of a file together, once unpacked
MAX_RATIO = 100  # unpacked / packed size of a part larger than 1 MB
MAX_PARTS = 500  # an Excel workbook has a few dozen


@dataclasses.dataclass(frozen=True)
class SheetLine:
    """One unit × category as a line of the sheet."""

    code: str
    name: str
    category: str
    assigned: int | None = None
    decision_number: str = ""
    actual: int | None = None
    actual_on: dt.date | None = None
    streamlined: int = 0


def unit_code(code: str, pk: int) -> str:
    """A unit's code in the sheet; `#id` for a unit recorded without one."""
    return code or f"#{pk}"


def write_workbook(file, *, year: int, title: str, groups: Iterable[tuple[str, list]]) -> None:
    """Write the sheet of `year` to `file`: `groups` are (heading, lines). Not in
    XlsxWriter's constant-memory mode, which cannot merge header cells over two
    rows: the callers keep sheets to a province's size (`SHEET_MAX_UNITS`)."""
    book = xlsxwriter.Workbook(file, {"in_memory": False})
    sheet = book.add_worksheet(str(year))
    style = {"border": 1, "valign": "vcenter", "text_wrap": True}
    head = book.add_format({**style, "bold": True, "align": "center", "bg_color": "#E8EEF5"})
    group = book.add_format({"bold": True, "bg_color": "#F4F4F4", "border": 1})
    cell = book.add_format({"border": 1})
    day = book.add_format({"border": 1, "num_format": "dd/mm/yyyy"})
    for column, width in enumerate((5, 12, 48, 7, 30, 11, 18, 11, 13, 11, 12)):
        sheet.set_column(column, column, width)
    sheet.merge_range(0, 0, 0, COLUMNS - 1, title, book.add_format({"bold": True, "size": 13}))
    sheet.merge_range(1, 0, 1, COLUMNS - 1, _sheet_note(), book.add_format({"italic": True}))
    for column, text in ((0, _("No.")), (1, _("Unit code")), (2, _("Unit"))):
        sheet.merge_range(2, column, 3, column, text, head)
    for column, text in ((3, _("Year")), (4, _("Category")), (9, _("Streamlined"))):
        sheet.merge_range(2, column, 3, column, text, head)
    sheet.merge_range(2, 10, 3, 10, _("Difference (assigned − actual)"), head)
    sheet.merge_range(2, 5, 2, 6, _("Assigned quota"), head)
    sheet.merge_range(2, 7, 2, 8, _("Actual"), head)
    for column, text in ((5, _("People")), (6, _("Decision")), (7, _("People")), (8, _("As of"))):
        sheet.write_string(3, column, text, head)
    sheet.freeze_panes(FIRST_LINE - 1, 3)
    labels = {value: str(label) for value, label in StaffingCategory.choices}
    row, number = FIRST_LINE - 1, 0
    for heading, lines in groups:
        sheet.merge_range(row, 0, row, COLUMNS - 1, heading, group)
        row += 1
        for line in lines:
            number += 1
            sheet.write_number(row, 0, number, cell)
            sheet.write_string(row, 1, line.code, cell)
            sheet.write_string(row, 2, line.name, cell)
            sheet.write_number(row, 3, year, cell)
            sheet.write_string(row, 4, labels.get(line.category, line.category), cell)
            _number(sheet, row, 5, line.assigned, cell)
            sheet.write_string(row, 6, line.decision_number, cell)
            _number(sheet, row, 7, line.actual, cell)
            if line.actual_on:
                sheet.write_datetime(row, 8, dt.datetime(*line.actual_on.timetuple()[:3]), day)
            else:
                sheet.write_blank(row, 8, None, day)
            _number(sheet, row, 9, line.streamlined, cell)
            gap = None
            if line.assigned is not None and line.actual is not None:
                gap = line.assigned - line.actual
            f, h = f"F{row + 1}", f"H{row + 1}"
            formula = f'=IF(OR({f}="",{h}=""),"",{f}-{h})'
            sheet.write_formula(row, 10, formula, cell, "" if gap is None else gap)
            row += 1
    book.close()


def _number(sheet, row: int, column: int, value: int | None, style) -> None:
    if value is None:
        sheet.write_blank(row, column, None, style)
    else:
        sheet.write_number(row, column, value, style)


def _sheet_note() -> str:
    return _(
        "Fill in columns F to J. Do not change the unit codes, the year or the"
        " categories; lines left empty are skipped."
    )


# What openpyxl raises on a file that is not a workbook or is damaged.
BROKEN = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError)


class SheetError(Exception):
    """The file is not a staffing workbook ReformWatch can read."""


def read_lines(content: bytes) -> Iterator[tuple[int, tuple]]:
    """The sheet's lines of figures as (line number, the 10 cells A–J), read in
    read-only mode (one line in memory at a time). Lines with no cell filled
    are skipped. Raises SheetError for a file that is not this workbook, or
    one that would unpack beyond the limits (`check_archive`)."""
    check_archive(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (*BROKEN, SyntaxError) as error:
        raise SheetError(_("This is not an Excel workbook (.xlsx).")) from error
    try:
        yield from _lines(book)
    except SheetError:
        raise
    except (*BROKEN, IndexError, TypeError, SyntaxError, EOFError) as error:
        # A damaged part of the file (cut XML, a cell that is not what its type
        # says, no sheet at all) is found only while the lines are read.
        raise SheetError(_("This Excel file is damaged: save it again in Excel.")) from error
    finally:
        book.close()


def check_archive(content: bytes) -> None:
    """Refuse, before it is parsed, a file whose parts would unpack beyond the
    limits: too many parts, too large once unpacked, compressed more than any
    workbook is, or a sheet of more lines than MAX_LINES (its row numbers are
    read from the unpacked XML as a stream, a megabyte at a time). zipfile
    never unpacks a part beyond the size it declares, so the declared sizes
    bound what openpyxl reads."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (*BROKEN, EOFError) as error:
        raise SheetError(_("This is not an Excel workbook (.xlsx).")) from error
    if len(parts) > MAX_PARTS:
        raise SheetError(_("The file holds too many parts: it is not a staffing workbook."))
    megabytes = {"mb": MAX_UNPACKED // (1024 * 1024)}
    if sum(part.file_size for part in parts) > MAX_UNPACKED:
        raise SheetError(
            _("Once unpacked, the file would take more than %(mb)s MB: split it.") % megabytes
        )
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * part.compress_size:
            raise SheetError(
                _(
                    "The file unpacks to more than %(ratio)s times its size, which no workbook"
                    " does: it is refused."
                )
                % {"ratio": MAX_RATIO}
            )
    try:
        first = archive.getinfo(_first_sheet(archive))
        if _sheet_lines(archive, first) >= FIRST_LINE + MAX_LINES:
            raise SheetError(_("The sheet has more than %(n)s lines: split it.") % {"n": MAX_LINES})
    except (*BROKEN, EOFError, RuntimeError, NotImplementedError, zlib.error, ParseError) as error:
        raise SheetError(_("This Excel file is damaged: save it again in Excel.")) from error


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet (the one read), found as openpyxl
    finds it: the workbook's first <sheet> and its relationship's target. A
    sheet stored under another name than xl/worksheets/ is found all the same."""
    sheet = _small_xml(archive, "xl/workbook.xml").find(f"{MAIN}sheets/{MAIN}sheet")
    if sheet is None:
        raise KeyError("no sheet")
    wanted = sheet.get(RELATIONSHIP)
    for link in _small_xml(archive, "xl/_rels/workbook.xml.rels").iter(f"{PACKAGE}Relationship"):
        if link.get("Id") == wanted:
            target = link.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return posixpath.normpath(path)
    raise KeyError(wanted)


def _small_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A part of the workbook's structure, parsed if it is as small as those
    parts are (a few KiB for a workbook of many sheets)."""
    if archive.getinfo(name).file_size > 1024 * 1024:
        raise ValueError(f"{name} is too large")
    return ElementTree.fromstring(archive.read(name))


# A row's opening tag (with any namespace prefix) and its number.
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s>/])([^>]*)>")
ROW_NUMBER = re.compile(rb'\sr\s*=\s*["\'](\d{1,12})["\']')


def _sheet_lines(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """How many lines the sheet's XML holds: the highest row number written,
    or the number of rows if more (a row may leave its number out)."""
    count, highest, tail = 0, 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            data = tail + chunk
            end = 0
            for match in ROW_TAG.finditer(data):
                count, end = count + 1, match.end()
                number = ROW_NUMBER.search(match.group(1))
                if number:
                    highest = max(highest, int(number.group(1)))
            tail = data[end:][-4096:]  # a tag cut by the chunk's end is read with the next
    return max(count, highest)


def _lines(book) -> Iterator[tuple[int, tuple]]:
    sheet = book.worksheets[0]
    # Read to the last line there is, not to the size the file declares (a
    # wrong <dimension> would silently cut the sheet short).
    sheet.reset_dimensions()
    heads = list(sheet.iter_rows(min_row=3, max_row=3, max_col=3, values_only=True))
    titles = {fold(str(value or "")) for value in (heads[0] if heads else ())}
    if not titles & CODE_TITLES:
        raise SheetError(
            _("This is not the staffing template: its third line has no unit code column.")
        )
    rows = sheet.iter_rows(min_row=FIRST_LINE, max_col=COLUMNS - 1, values_only=True)
    for line, cells in enumerate(rows, start=FIRST_LINE):
        if line >= FIRST_LINE + MAX_LINES:
            raise SheetError(_("The sheet has more than %(n)s lines: split it.") % {"n": MAX_LINES})
        if any(value not in (None, "") for value in cells):
            yield line, tuple(cells) + (None,) * (COLUMNS - 1 - len(cells))


# The code column's heading in either language, accent-free and lower case.
CODE_TITLES = {"ma don vi", "unit code"}


def category_names() -> dict[str, str]:
    """Category by how a sheet may write it: the code, or the label in either
    language, accent-free and lower case."""
    names = {value: value for value in StaffingCategory.values}
    for language in ("vi", "en"):
        with translation.override(language):
            names |= {fold(str(label)): value for value, label in StaffingCategory.choices}
    return names
