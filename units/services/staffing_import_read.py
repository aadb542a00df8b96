"""Reading an uploaded staffing workbook (DESIGN §2): its lines as rows of
figures with their units, and every invalid line as a `Problem` that names the
line, the column, the unit and the bad value. Done once, at upload; what it
found is kept with the upload (`ImportPreview.stored`)."""

import dataclasses
import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import StaffingFigure, StaffingImport, Unit
from ..staffing_sheet import SheetError, category_names, read_lines
from ..text import fold, parse_count, parse_date, parse_id
from .staffing import StaffingPlan, StaffingRow, category_label

# Where each field of a row is in the sheet, for the messages.
COLUMN = {"unit": "B", "year": "D", "category": "E", "assigned": "F", "decision_number": "G"}
COLUMN |= {"actual": "H", "actual_on": "I", "streamlined": "J"}
# The figures' names, as the subject of a message.
FIELD = {
    "assigned": gettext_noop("The assigned quota"),
    "actual": gettext_noop("The actual headcount"),
    "streamlined": gettext_noop("The number streamlined"),
}


@dataclasses.dataclass(frozen=True)
class Problem:
    """An invalid line: where (line, column), which unit (name and code, as far
    as the line names one) and why. The reason is kept as its English text and
    values, and read in the reader's language."""

    line: int
    column: str = ""
    unit: str = ""
    message: str = ""
    params: dict = dataclasses.field(default_factory=dict)

    @property
    def text(self) -> str:
        params = dict(self.params)
        if "category" in params:
            params["category"] = category_label(params["category"])
        if "field" in params:
            params["field"] = _(params["field"])
        return _(self.message) % params

    def __str__(self) -> str:
        return f"{self.unit}: {self.text}" if self.unit else self.text

    def stored(self) -> list:
        return [self.line, self.column, self.unit, self.message, self.params]


@dataclasses.dataclass
class ImportPreview:
    """The file's rows and problems, and, compared with the saved figures, the
    plan; `created`, `changed` and `unchanged` count only the valid lines (an
    invalid line is an error, nothing else)."""

    upload: StaffingImport
    plan: StaffingPlan | None = None
    lines: list[int] = dataclasses.field(default_factory=list)  # the line of each row
    rows: list[StaffingRow] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    skipped: int = 0
    created: list[StaffingRow] = dataclasses.field(default_factory=list)
    changed: list[tuple[StaffingFigure, StaffingRow]] = dataclasses.field(default_factory=list)
    unchanged: int = 0

    @property
    def digest(self) -> str:
        return self.plan.digest if self.plan else ""

    def line_by_key(self) -> dict[tuple[int, str], int]:
        return {row.key: line for row, line in zip(self.rows, self.lines, strict=True)}

    def stored(self) -> dict:
        """What is kept with the upload: the file's rows and problems."""
        rows = [
            [line, *(getattr(row, f.name) for f in dataclasses.fields(StaffingRow))]
            for line, row in zip(self.lines, self.rows, strict=True)
        ]
        for row in rows:
            row[-1] = row[-1].isoformat() if row[-1] else None
        problems = [problem.stored() for problem in self.problems]
        return {"rows": rows, "problems": problems, "skipped": self.skipped}

    @classmethod
    def restored(cls, upload: StaffingImport) -> "ImportPreview":
        kept = upload.preview
        preview = cls(upload, skipped=kept["skipped"])
        preview.problems = [Problem(*problem) for problem in kept["problems"]]
        for line, *values in kept["rows"]:
            day = values[-1]
            values[-1] = dt.date.fromisoformat(day) if day else None
            preview.lines.append(line)
            preview.rows.append(StaffingRow(*values))
        return preview


def unit_label(unit: Unit, code: str) -> str:
    return f"{unit.name} ({code})"


def read_upload(upload: StaffingImport) -> ImportPreview:
    """The file's rows with their units, and the problems found in the file
    alone (before it is compared with the saved figures)."""
    content = bytes(upload.content)
    if hashlib.sha256(content).hexdigest() != upload.sha256:
        raise ValidationError(_("The file changed since it was uploaded: upload it again."))
    preview = ImportPreview(upload)
    try:
        parsed = list(_parse(read_lines(content), upload.year, preview))
    except SheetError as error:
        raise ValidationError(str(error)) from error
    units, found = _units_by_code({code for _line, code, _row, _p in parsed}, upload.year)
    seen: dict[tuple[int, str], int] = {}
    for line, code, row, problems in parsed:
        unit = units.get(code)
        if unit is None:
            reason = _no_unit(line, code, found, upload.year)
            preview.problems += [
                reason,
                *(dataclasses.replace(p, unit=reason.unit) for p in problems),
            ]
            continue
        label = unit_label(unit, code)
        if problems:
            preview.problems += [dataclasses.replace(p, unit=label) for p in problems]
            continue
        row = dataclasses.replace(row, unit_id=unit.pk)
        if row.key in seen:
            text = gettext_noop("The %(category)s of this unit are already on line %(line)s.")
            params = {"category": row.category, "line": seen[row.key]}
            preview.problems.append(Problem(line, "E", label, text, params))
            continue
        seen[row.key] = line
        preview.rows.append(row)
        preview.lines.append(line)
    preview.problems.sort(key=lambda problem: (problem.line, problem.column))
    return preview


def _parse(lines, year: int, preview: ImportPreview):
    """(line, unit code, row without its unit, problems) for each line of
    figures; the problems of lines that name no unit go to the preview."""
    names = category_names()
    for line, cells in lines:
        _no, code, _name, row_year, category, *figures = cells
        code = str(code or "").strip()
        values, problems = _figures(line, figures)
        # 0 people is a figure; a streamlined 0 is the default, not a figure.
        empty = not values.get("streamlined") and all(
            values.get(name) in (None, "") for name in values if name != "streamlined"
        )
        if not code:
            if not empty or problems:
                text = gettext_noop("This line has figures but no unit code.")
                preview.problems.append(Problem(line, "B", "", text))
            else:
                preview.skipped += 1  # a heading or a blank line
            continue
        if row_year not in (None, "") and _whole(row_year) != year:
            text = gettext_noop("The year “%(found)s” is not %(year)s, the year of this import.")
            problems.append(Problem(line, "D", "", text, {"found": _shown(row_year), "year": year}))
        category_code = names.get(fold(str(category or "")))
        if category_code is None:
            text = gettext_noop("Unknown category “%(name)s”.")
            problems.append(Problem(line, "E", "", text, {"name": _shown(category or "")}))
        if problems:
            yield line, code, None, problems
        elif empty:
            preview.skipped += 1  # a line of the template left empty
        else:
            yield line, code, StaffingRow(0, category_code, **values), []


def _shown(value) -> str:
    """A cell's value in a message, cut short."""
    text = str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def _figures(line: int, cells) -> tuple[dict, list[Problem]]:
    assigned, decision, actual, actual_on, streamlined = cells
    values, problems = {}, []
    for name, value in (("assigned", assigned), ("actual", actual), ("streamlined", streamlined)):
        number = _people(value)
        if number is False:
            text = gettext_noop("%(field)s “%(value)s” is not a whole number of people, 0 or more.")
            params = {"field": FIELD[name], "value": _shown(value)}
            problems.append(Problem(line, COLUMN[name], "", text, params))
        else:
            values[name] = 0 if number is None and name == "streamlined" else number
    if isinstance(decision, dt.date):  # Excel read "15/12" as a date
        text = gettext_noop("Excel turned this decision number into a date; type it as text.")
        problems.append(Problem(line, "G", "", text))
        decision = None
    if isinstance(decision, float) and decision.is_integer():
        decision = int(decision)
    values["decision_number"] = str(decision if decision is not None else "").strip()
    if len(values["decision_number"]) > 100:
        text = gettext_noop("A decision number has at most 100 characters.")
        problems.append(Problem(line, "G", "", text))
    if isinstance(actual_on, dt.datetime):
        actual_on = actual_on.date()
    elif actual_on not in (None, "") and not isinstance(actual_on, dt.date):
        shown = _shown(actual_on)
        actual_on = parse_date(str(actual_on)) or False
    if actual_on is False:
        text = gettext_noop("“%(value)s” is not a date: write it as dd/mm/yyyy.")
        problems.append(Problem(line, "I", "", text, {"value": shown}))
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


def _units_by_code(codes: set[str], year: int) -> tuple[dict, dict]:
    """The unit each code names in `year` (the one active on 31/12, else the last
    one active in the year), and every unit found by each code."""
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
    chosen = {}
    for code, units in found.items():
        active = [u for u in units if u.established_on <= last and not _closed_by(u, first)]
        if active:
            chosen[code] = max(active, key=lambda u: (u.established_on, u.pk))
    return chosen, found


def _no_unit(line: int, code: str, found: dict, year: int) -> Problem:
    """Why a line's code names no unit in the year."""
    units = found.get(code)
    if not units:
        return Problem(
            line, "B", code, gettext_noop("No unit has the code %(code)s."), {"code": code}
        )
    unit = max(units, key=lambda u: (u.established_on, u.pk))
    closed = _closed_by(unit, dt.date(year, 1, 1))
    day = (unit.closed_on if closed else unit.established_on).strftime("%d/%m/%Y")
    text = gettext_noop("This unit was established on %(day)s, after %(year)s.")
    if closed:
        text = gettext_noop("This unit closed on %(day)s, before %(year)s.")
    return Problem(line, "B", unit_label(unit, code), text, {"day": day, "year": year})


def _closed_by(unit: Unit, day: dt.date) -> bool:
    return unit.closed_on is not None and unit.closed_on <= day
