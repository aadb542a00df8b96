"""CSV and XLSX exports of exactly the rows a filtered list shows, and the
audit log's CSV and JSON Lines."""

import csv
import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit_chain import FIELDS as CHAINED_FIELDS
from .choices import ManagementLevel, Sector, UnitKind

# The units export's columns: each heading with the field it reads.
UNIT_COLUMNS = (
    (gettext_lazy("Code"), "code"),
    (gettext_lazy("Name"), "name"),
    (gettext_lazy("Kind"), "kind"),
    (gettext_lazy("Management level"), "level"),
    (gettext_lazy("Sector"), "sector"),
    (gettext_lazy("Autonomy group"), "autonomy_group"),
    (gettext_lazy("Area"), "area__name"),
    (gettext_lazy("Area code"), "area__code"),
    (gettext_lazy("Managing body"), "parent__name"),
    (gettext_lazy("Established on"), "established_on"),
    (gettext_lazy("Closed on"), "closed_on"),
)
UNIT_FIELDS = tuple(field for _heading, field in UNIT_COLUMNS)


def unit_columns() -> list[str]:
    return [str(heading) for heading, _field in UNIT_COLUMNS]


def unit_rows(queryset) -> Iterator[list]:
    """Plain values read in chunks (no model objects), labels translated once."""
    kinds, levels, sectors = (
        {value: str(label) for value, label in choices.choices}
        for choices in (UnitKind, ManagementLevel, Sector)
    )
    rows = queryset.values_list(*UNIT_FIELDS)
    for (
        code,
        name,
        kind,
        level,
        sector,
        group,
        area,
        area_code,
        parent,
        since,
        until,
    ) in rows.iterator(chunk_size=5000):
        yield [
            code,
            name,
            kinds.get(kind, kind),
            levels.get(level, level),
            sectors.get(sector, ""),
            group or "",
            area,
            area_code,
            parent or "",
            since,
            until,
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
    """One line per legal decision, as the list shows it (its first units, and how
    many more there are)."""
    and_more, yes, in_part = _("and %(n)s more units"), _("yes"), _("in part")
    for row in rows:
        changes = row.changes
        more = [and_more % {"n": row.changes_more}] if row.changes_more else []
        yield [
            row.number,
            row.authority,
            row.decided_on,
            row.effective_on,
            "; ".join(f"{kind} ({n})" if n > 1 else kind for kind, n in row.kinds),
            "; ".join([*(c["name"] for c in changes if c["name"]), *more]),
            "; ".join(dict.fromkeys(t for c in changes for t in c["to"])),
            yes if row.all_reversed else (in_part if row.reversed_parts else ""),
        ]


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """Streamed UTF-8 CSV with a BOM so that Excel shows Vietnamese correctly,
    sent in blocks of lines (flat memory, few writes)."""
    writer = csv.writer(_Echo())
    dates = _DateText()

    def blocks():
        yield "\ufeff" + writer.writerow(header)
        yield from _in_blocks(writer.writerow([_csv_value(v, dates) for v in row]) for row in rows)

    response = StreamingHttpResponse(blocks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


CSV_BLOCK = 500


def _in_blocks(lines: Iterable[str]) -> Iterator[str]:
    """Lines joined CSV_BLOCK at a time: flat memory, few writes."""
    block = []
    for line in lines:
        block.append(line)
        if len(block) == CSV_BLOCK:
            yield "".join(block)
            block = []
    yield "".join(block)


# The audit log's export: every field an outside reader needs to re-verify the
# hash chain (`audit_chain.py`) from the file, under the model's field names.
AUDIT_FIELDS = ("id", *CHAINED_FIELDS, "prev_hash", "hash")
AUDIT_CHUNK = 2000


def audit_records(queryset) -> Iterator[dict]:
    """Each entry as a dict of AUDIT_FIELDS, in id order (the chain's), read in
    chunks of plain values (one query per chunk, no model objects): `at` in ISO
    8601 with the portal's offset, to the microsecond the hash covers."""
    zone = timezone.get_current_timezone()
    rows = queryset.order_by("id").values_list(*AUDIT_FIELDS)
    for row in rows.iterator(chunk_size=AUDIT_CHUNK):
        record = dict(zip(AUDIT_FIELDS, row, strict=True))
        record["at"] = record["at"].astimezone(zone).isoformat(timespec="microseconds")
        yield record


def audit_csv_rows(records: Iterable[dict]) -> Iterator[list]:
    """CSV lines of audit records: before and after as JSON text ("null" when empty)."""
    for record in records:
        record["before"] = json.dumps(record["before"], ensure_ascii=False)
        record["after"] = json.dumps(record["after"], ensure_ascii=False)
        yield [record[name] for name in AUDIT_FIELDS]


def jsonl_response(filename: str, records: Iterable[dict]) -> StreamingHttpResponse:
    """Streamed JSON Lines (one UTF-8 JSON object a line), sent in blocks of
    lines like the CSV."""

    lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    response = StreamingHttpResponse(
        _in_blocks(lines), content_type="application/jsonl; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.jsonl"'
    return response


def xlsx_response(filename: str, header: list[str], rows: Iterable[list]) -> FileResponse:
    """An XLSX written row by row by XlsxWriter in constant-memory mode to a
    temporary file, sent from there and removed when sent. Each value goes to
    its typed writer: text stays text (never a formula), dates are dd/mm/yyyy."""
    # FileResponse closes the file once sent, and a TemporaryFile is then gone.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook = xlsxwriter.Workbook(file, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(filename[:31])
    bold, day = workbook.add_format({"bold": True}), workbook.add_format({"num_format": XLSX_DATE})
    text, number, date = sheet.write_string, sheet.write_number, sheet.write_datetime
    for column, title in enumerate(header):
        text(0, column, str(title), bold)
    for line, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                text(line, column, value)
            elif isinstance(value, dt.date):
                date(line, column, dt.datetime(value.year, value.month, value.day), day)
            else:
                number(line, column, value)
    workbook.close()
    return xlsx_file_response(file, filename)


def xlsx_file_response(file, filename: str) -> FileResponse:
    """A written XLSX temporary file, sent from its start and closed (so
    removed) once sent."""
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


XLSX_DATE = "dd/mm/yyyy"


# A cell that starts with one of these is a formula to a spreadsheet: names and
# numbers typed by users must stay text (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _DateText(dict):
    """dd/mm/yyyy of each date, formatted once (exports repeat the same dates)."""

    def __missing__(self, day):
        text = self[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        return text


def _csv_value(value, dates: _DateText):
    if value is None:
        return ""
    if hasattr(value, "year"):
        return dates[value]
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
