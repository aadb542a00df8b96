"""CSV and XLSX exports of exactly the rows a filtered list shows."""

import csv
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .choices import ManagementLevel, Sector, UnitKind


def unit_columns() -> list[str]:
    return [
        _("Code"),
        _("Name"),
        _("Kind"),
        _("Management level"),
        _("Sector"),
        _("Autonomy group"),
        _("Area"),
        _("Area code"),
        _("Managing body"),
        _("Established on"),
        _("Closed on"),
    ]


def unit_rows(queryset) -> Iterator[list]:
    kinds, levels, sectors = (
        dict(UnitKind.choices),
        dict(ManagementLevel.choices),
        dict(Sector.choices),
    )
    for unit in queryset.iterator(chunk_size=2000):
        yield [
            unit.code,
            unit.name,
            str(kinds.get(unit.kind, unit.kind)),
            str(levels.get(unit.level, unit.level)),
            str(sectors.get(unit.sector, "")),
            unit.autonomy_group or "",
            unit.area.name,
            unit.area.code,
            unit.parent.name if unit.parent_id else "",
            unit.established_on,
            unit.closed_on,
        ]


def decision_columns() -> list[str]:
    return [
        _("Decision number"),
        _("Issuing authority"),
        _("Decided on"),
        _("Effective on"),
        _("Kind"),
        _("Units concerned"),
        _("Results"),
        _("Annulled"),
    ]


def decision_rows(rows) -> Iterator[list]:
    """One line per legal decision, as the list shows it."""
    for row in rows:
        changes = row.changes
        yield [
            row.number,
            row.authority,
            row.decided_on,
            row.effective_on,
            "; ".join(f"{kind} ({n})" if n > 1 else kind for kind, n in row.kinds),
            "; ".join(c["name"] for c in changes if c["name"]),
            "; ".join(dict.fromkeys(t for c in changes for t in c["to"])),
            _("yes") if row.all_reversed else (_("in part") if row.reversed_parts else ""),
        ]


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """Streamed UTF-8 CSV with a BOM so that Excel shows Vietnamese correctly."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_value(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    """An XLSX written in openpyxl's write-only mode (constant memory per row)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    workbook.save(response)
    return response


# A cell that starts with one of these is a formula to a spreadsheet: names and
# numbers typed by users must stay text (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _xlsx_cell(sheet, value):
    if hasattr(value, "year"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        return cell
    return value


def _csv_value(value):
    if value is None:
        return ""
    if hasattr(value, "year"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
