"""Importing a staffing workbook: upload, a dry-run preview (figures to create,
figures to change old → new, and every invalid line with its reason), then a
commit of exactly what was previewed, all or nothing, through `staffing_save`.

The file is read once, at upload, after its archive is checked against the
limits (`check_archive`: a small file can unpack to gigabytes), and what it
holds is kept with the uploaded bytes: any web worker shows the preview from
it, comparing it with the saved figures, and commits it. The commit refuses a
file or figures that changed since the preview."""

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import StaffingImport, User
from ..models.staffing import MAX_PEOPLE
from .staffing import (
    NUMBERS,
    StaffingPlan,
    StaffingRow,
    may_enter_staffing,
    staffing_plan,
    staffing_save,
)
from .staffing_import_read import COLUMN, FIELD, ImportPreview, Problem, read_upload, unit_label

MAX_BYTES = 20 * 1024 * 1024


def import_upload(*, actor: User, year: int, filename: str, content: bytes) -> StaffingImport:
    """Read an uploaded file and keep it, with what it holds, for its preview
    and commit (and forget the user's uploads of earlier days that were never
    committed). A file that cannot be read, or would unpack beyond the limits,
    is refused (ValidationError) and not kept."""
    if not may_enter_staffing(actor):
        raise PermissionDenied
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    upload = StaffingImport(
        user=actor,
        year=year,
        filename=filename[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    upload.preview = read_upload(upload).stored()
    imports_forget_stale(user=actor)
    upload.save()
    return upload


def imports_forget_stale(user: User | None = None) -> int:
    """Delete uploads older than a day that were never committed (a user's own
    at their next upload, everyone's in the daily task); committed files stay
    as the record behind their audit entry."""
    stale = timezone.now() - dt.timedelta(days=1)
    old = StaffingImport.objects.filter(committed_at__isnull=True, created_at__lt=stale)
    return old.filter(**({"user": user} if user else {})).delete()[0]


def import_preview(*, actor: User, upload: StaffingImport) -> ImportPreview:
    """What the file kept with the upload would change, compared with the saved
    figures now; writes nothing (an upload kept before the files were read at
    upload is read once here, and what it holds kept)."""
    preview = _kept(actor, upload)
    plan = staffing_plan(actor=actor, year=upload.year, rows=preview.rows)
    invalid = set(plan.outside)
    for index in plan.outside:
        preview.problems.append(
            Problem(
                preview.lines[index],
                "B",
                _unit_label(plan, preview.rows[index]),
                gettext_noop("This unit is outside your scope."),
            )
        )
    for key, messages in plan.errors.items():
        index, _dot, field = key.partition(".")
        invalid.add(int(index))
        preview.problems.append(_plan_problem(plan, preview, int(index), field, messages[0]))
    preview.problems.sort(key=lambda problem: (problem.line, problem.column))
    preview.plan = plan
    bad = {preview.rows[index].key for index in invalid}
    preview.created = [row for row in plan.created if row.key not in bad]
    preview.changed = [(f, row) for f, row in plan.changed if row.key not in bad]
    valid = len(preview.rows) - len(bad)
    preview.unchanged = valid - len(preview.created) - len(preview.changed)
    return preview


def _kept(actor: User, upload: StaffingImport) -> ImportPreview:
    """The file's rows and problems as kept with the upload."""
    if upload.user_id != actor.pk or not may_enter_staffing(actor):
        raise PermissionDenied
    if upload.preview is None:
        upload.preview = read_upload(upload).stored()
        upload.save(update_fields=["preview"])
    return ImportPreview.restored(upload)


def _unit_label(plan: StaffingPlan, row: StaffingRow) -> str:
    unit = plan.units.get(row.unit_id)
    return unit_label(unit, unit.code or f"#{unit.pk}") if unit else ""


def _plan_problem(plan, preview, index: int, field: str, message: str) -> Problem:
    """A row's error found by the service, told with the unit and the value."""
    row, line = preview.rows[index], preview.lines[index]
    column, unit = COLUMN.get(field, ""), _unit_label(plan, row)
    value = getattr(row, field, None)
    if field in NUMBERS and isinstance(value, int):
        text = gettext_noop("%(field)s “%(value)s” is more people than any unit has.")
        if value <= MAX_PEOPLE:
            text = gettext_noop("%(field)s “%(value)s” is not a whole number of people, 0 or more.")
        return Problem(line, column, unit, text, {"field": FIELD[field], "value": value})
    if field == "category":
        text = gettext_noop(
            "This unit has no %(category)s (agencies have civil servants, service units employees)."
        )
        return Problem(line, column, unit, text, {"category": row.category})
    if field == "actual_on" and value:
        text = gettext_noop("The headcount date %(day)s must fall in %(year)s or the next year.")
        params = {"day": value.strftime("%d/%m/%Y"), "year": plan.year}
        return Problem(line, column, unit, text, params)
    return Problem(line, column, unit, "%(text)s", {"text": message})


def import_commit(*, actor: User, upload: StaffingImport, digest: str) -> dict:
    """Save the previewed figures, all or nothing; refused when the file has
    errors, was committed already, or no longer gives the plan previewed (whose
    `digest` the preview showed: without it nothing is saved). The result
    names the units whose figures it created or changed."""
    if not digest:
        raise ValidationError(_("The figures changed since the preview: preview the file again."))
    upload = StaffingImport.objects.get(pk=upload.pk)  # the stored bytes, not a copy
    kept = _kept(actor, upload)
    if upload.committed_at is not None:
        raise ValidationError(_("This file was imported already."))
    if hashlib.sha256(bytes(upload.content)).hexdigest() != upload.sha256:
        raise ValidationError(_("The file changed since it was uploaded: upload it again."))
    if kept.problems:
        raise ValidationError(_("The file has errors: correct them and upload it again."))
    # The plan previewed (its digest), whose new and changed figures name the
    # units the overview marks after the import; the save checks it again.
    plan = staffing_plan(actor=actor, year=upload.year, rows=kept.rows)
    if plan.digest != digest:
        raise ValidationError(_("The figures changed since the preview: preview the file again."))
    touched = sorted({row.unit_id for row in plan.created} | {r.unit_id for _f, r in plan.changed})
    with transaction.atomic():
        locked = StaffingImport.objects.select_for_update().defer("content").get(pk=upload.pk)
        if locked.committed_at is not None:
            raise ValidationError(_("This file was imported already."))
        if locked.sha256 != upload.sha256:
            raise ValidationError(_("The file changed since it was uploaded: upload it again."))
        try:
            result = staffing_save(
                actor=actor, year=upload.year, rows=kept.rows, about=upload, expect=digest
            )
        except PermissionDenied as error:  # a unit left the clerk's scope meanwhile
            raise ValidationError(str(error)) from error
        result["units"] = touched
        upload.committed_at, upload.result = timezone.now(), result
        upload.save(update_fields=["committed_at", "result"])
    return result
