"""Importing a staffing workbook: upload, a dry-run preview (figures to create,
figures to change old → new, and every invalid line with its reason), then a
commit of exactly what was previewed, all or nothing, through `staffing_save`.

The uploaded bytes are kept in the database between the two steps, so any web
worker can commit them, and the commit refuses a file or figures that changed
since the preview."""

import dataclasses
import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import StaffingImport, Unit, User
from ..staffing_sheet import SheetError, category_names, read_lines
from ..text import fold, parse_count, parse_date, parse_id
from .staffing import (
    StaffingPlan,
    StaffingRow,
    category_label,
    may_enter_staffing,
    staffing_plan,
    staffing_save,
)

MAX_BYTES = 20 * 1024 * 1024
# Where each field of a row is in the sheet, for the messages.
COLUMN = {"unit": "B", "year": "D", "category": "E", "assigned": "F", "decision_number": "G"}
COLUMN |= {"actual": "H", "actual_on": "I", "streamlined": "J"}


@dataclasses.dataclass
class ImportPreview:
    upload: StaffingImport
    plan: StaffingPlan | None = None
    lines: list[int] = dataclasses.field(default_factory=list)  # the line of each row
    rows: list[StaffingRow] = dataclasses.field(default_factory=list)
    problems: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    skipped: int = 0

    @property
    def digest(self) -> str:
        return self.plan.digest if self.plan else ""

    def line_by_key(self) -> dict[tuple[int, str], int]:
        return {row.key: line for row, line in zip(self.rows, self.lines, strict=True)}


def import_upload(*, actor: User, year: int, filename: str, content: bytes) -> StaffingImport:
    """Keep an uploaded file for its preview and commit (and forget the user's
    uploads of earlier days that were never committed)."""
    if not may_enter_staffing(actor):
        raise PermissionDenied
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    imports_forget_stale(user=actor)
    return StaffingImport.objects.create(
        user=actor,
        year=year,
        filename=filename[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def imports_forget_stale(user: User | None = None) -> int:
    """Delete uploads older than a day that were never committed (a user's own
    at their next upload, everyone's in the daily task); committed files stay
    as the record behind their audit entry."""
    stale = timezone.now() - dt.timedelta(days=1)
    old = StaffingImport.objects.filter(committed_at__isnull=True, created_at__lt=stale)
    return old.filter(**({"user": user} if user else {})).delete()[0]


def import_preview(*, actor: User, upload: StaffingImport) -> ImportPreview:
    """Read the file and compare it with the saved figures; writes nothing."""
    preview = _read(actor, upload)
    plan = staffing_plan(actor=actor, year=upload.year, rows=preview.rows)
    for index in plan.outside:
        unit = plan.units[preview.rows[index].unit_id]
        preview.problems.append(
            (preview.lines[index], _("%(unit)s is outside your scope.") % {"unit": unit.name})
        )
    for key, messages in plan.errors.items():
        index, _dot, field = key.partition(".")
        column = COLUMN.get(field, "")
        for message in messages:
            preview.problems.append(
                (preview.lines[int(index)], f"{column}: {message}" if column else message)
            )
    preview.problems.sort(key=lambda problem: problem[0])
    preview.plan = plan
    return preview


def _read(actor: User, upload: StaffingImport) -> ImportPreview:
    """The file's rows with their units, and the problems found in the file
    alone (before it is compared with the saved figures)."""
    if upload.user_id != actor.pk or not may_enter_staffing(actor):
        raise PermissionDenied
    content = bytes(upload.content)
    if hashlib.sha256(content).hexdigest() != upload.sha256:
        raise ValidationError(_("The file changed since it was uploaded: upload it again."))
    preview = ImportPreview(upload)
    try:
        parsed = list(_parse(read_lines(content), upload.year, preview))
    except SheetError as error:
        raise ValidationError(str(error)) from error
    units = _units_by_code({code for _line, code, _row in parsed}, upload.year, preview, parsed)
    seen: dict[tuple[int, str], int] = {}
    for line, code, row in parsed:
        unit = units.get(code)
        if unit is None:
            continue
        row = dataclasses.replace(row, unit_id=unit.pk)
        if row.key in seen:
            preview.problems.append(
                (
                    line,
                    _("%(unit)s, %(category)s is already on line %(line)s.")
                    % {
                        "unit": unit.name,
                        "category": category_label(row.category, lower=False),
                        "line": seen[row.key],
                    },
                )
            )
            continue
        seen[row.key] = line
        preview.rows.append(row)
        preview.lines.append(line)
    return preview


def import_commit(*, actor: User, upload: StaffingImport, digest: str) -> dict:
    """Save the previewed figures, all or nothing; refused when the file has
    errors, was committed already, or no longer gives the plan previewed (whose
    `digest` the preview showed: without it nothing is saved)."""
    if not digest:
        raise ValidationError(_("The figures changed since the preview: preview the file again."))
    # The file is read again before the transaction (seconds for a large one,
    # during which no writer need wait); the service compares it with the saved
    # figures under lock and refuses any error or another plan than previewed.
    upload = StaffingImport.objects.get(pk=upload.pk)  # the stored bytes, not a copy
    read = _read(actor, upload)
    if read.problems:
        raise ValidationError(_("The file has errors: correct them and upload it again."))
    with transaction.atomic():
        locked = StaffingImport.objects.select_for_update().defer("content").get(pk=upload.pk)
        if locked.committed_at is not None:
            raise ValidationError(_("This file was imported already."))
        if locked.sha256 != upload.sha256:
            raise ValidationError(_("The file changed since it was uploaded: upload it again."))
        try:
            result = staffing_save(
                actor=actor, year=upload.year, rows=read.rows, about=upload, expect=digest
            )
        except PermissionDenied as error:  # a unit left the clerk's scope meanwhile
            raise ValidationError(str(error)) from error
        upload.committed_at, upload.result = timezone.now(), result
        upload.save(update_fields=["committed_at", "result"])
    return result


def _parse(lines, year: int, preview: ImportPreview):
    """(line, unit code, row without its unit) for each line of figures; the
    problems of the others go to the preview."""
    names = category_names()
    for line, cells in lines:
        _no, code, _name, row_year, category, *figures = cells
        code = str(code or "").strip()
        values, problems = _figures(figures)
        # 0 people is a figure; a streamlined 0 is the default, not a figure.
        empty = not values.get("streamlined") and all(
            values.get(name) in (None, "") for name in values if name != "streamlined"
        )
        if not code:
            if not empty or problems:
                preview.problems.append((line, _("B: this line has figures but no unit code.")))
            else:
                preview.skipped += 1  # a heading or a blank line
            continue
        if row_year not in (None, "") and _whole(row_year) != year:
            problems.append(
                _("D: the year “%(found)s” is not %(year)s, the year of this import.")
                % {"found": row_year, "year": year}
            )
        category_code = names.get(fold(str(category or "")))
        if category_code is None:
            problems.append(_("E: unknown category “%(name)s”.") % {"name": category or ""})
        if problems:
            preview.problems.extend((line, problem) for problem in problems)
        elif empty:
            preview.skipped += 1  # a line of the template left empty
        else:
            yield line, code, StaffingRow(0, category_code, **values)


def _figures(cells) -> tuple[dict, list[str]]:
    assigned, decision, actual, actual_on, streamlined = cells
    values, problems = {}, []
    for name, value in (("assigned", assigned), ("actual", actual), ("streamlined", streamlined)):
        number = _people(value)
        if number is False:
            problems.append(f"{COLUMN[name]}: " + _("enter a whole number of people, 0 or more."))
        else:
            values[name] = 0 if number is None and name == "streamlined" else number
    if isinstance(decision, dt.date):  # Excel read "15/12" as a date
        problems.append(_("G: Excel turned this decision number into a date; type it as text."))
        decision = None
    if isinstance(decision, float) and decision.is_integer():
        decision = int(decision)
    values["decision_number"] = str(decision if decision is not None else "").strip()
    if len(values["decision_number"]) > 100:
        problems.append(_("G: a decision number has at most 100 characters."))
    if isinstance(actual_on, dt.datetime):
        actual_on = actual_on.date()
    elif actual_on not in (None, "") and not isinstance(actual_on, dt.date):
        actual_on = parse_date(str(actual_on)) or False
    if actual_on is False:
        problems.append(_("I: write the date as dd/mm/yyyy."))
    else:
        values["actual_on"] = actual_on or None
    return values, problems


def _people(value) -> int | None | bool:
    """A number of people from a cell: None when empty, False when it is not a
    whole number (a negative one is left for the service's message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _whole(value)
    return False if number is None else number


def _whole(value) -> int | None:
    """A number cell as a whole number (a negative one is kept for the service's
    message); text as a count of people."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else None
    return parse_count(value)


def _units_by_code(codes: set[str], year: int, preview: ImportPreview, parsed) -> dict:
    """The unit each code names in `year` (the one active on 31/12, else the last
    one active in the year); the lines whose code names none get a problem."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ids = {parse_id(c[1:]): c for c in codes if c.startswith("#") and parse_id(c[1:])}
    plain = sorted(c for c in codes if not c.startswith("#"))
    found: dict[str, list[Unit]] = {}
    fields = ("pk", "code", "name", "established_on", "closed_on")
    for start in range(0, max(len(plain), 1), 5000):
        query = Q(code__in=plain[start : start + 5000])
        if start == 0:
            query |= Q(pk__in=ids)
        for unit in Unit.objects.filter(query).only(*fields):
            if unit.code in codes:
                found.setdefault(unit.code, []).append(unit)
            if unit.pk in ids:
                found.setdefault(ids[unit.pk], []).append(unit)
    chosen, reported = {}, set()
    for code, units in found.items():
        active = [u for u in units if u.established_on <= last and not _closed_by(u, first)]
        if active:
            chosen[code] = max(active, key=lambda u: (u.established_on, u.pk))
    for line, code, _row in parsed:
        if code in chosen or (line, code) in reported:
            continue
        reported.add((line, code))
        units = found.get(code)
        if not units:
            message = _("B: no unit has the code %(code)s.") % {"code": code}
        else:
            unit = max(units, key=lambda u: (u.established_on, u.pk))
            closed = _closed_by(unit, first)
            values = {
                "unit": unit.name,
                "code": code,
                "year": year,
                "day": date_format(
                    unit.closed_on if closed else unit.established_on, "SHORT_DATE_FORMAT"
                ),
            }
            if closed:
                message = _("B: %(unit)s (%(code)s) closed on %(day)s, before %(year)s.") % values
            else:
                message = (
                    _("B: %(unit)s (%(code)s) was established on %(day)s, after %(year)s.") % values
                )
        preview.problems.append((line, message))
    return chosen


def _closed_by(unit: Unit, day: dt.date) -> bool:
    return unit.closed_on is not None and unit.closed_on <= day
