"""Filing a session's result report: its header, findings and recommendations
on one page, all or nothing, with errors keyed by row ("findings.2.text")."""

import dataclasses
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from units.audit import audit_record, snapshot
from units.models import User
from units.models.registry import plausible_decision_date

from ..choices import SessionStatus
from ..models import (
    DeadlineChange,
    Escalation,
    Finding,
    Notification,
    Recommendation,
    Response,
    Session,
)
from ..permissions import may_edit_session
from ..versions import bells_changed, supervision_changed
from .sessions import REPORT_EDITABLE

HEADER_FIELDS = (
    "report_number",
    "report_date",
    "report_place",
    "general_info",
    "situation",
    "conclusions",
)


@dataclasses.dataclass
class FindingRow:
    kind: str
    text: str
    unit_id: int | None = None


@dataclasses.dataclass
class RecommendationRow:
    unit_id: int | None
    text: str
    due: dt.date | None
    priority: bool = False
    pk: int | None = None


def _touched(session: Session) -> set[int]:
    """Recommendations already answered, moved or escalated: they are sent and
    can no longer be rewritten."""
    activity = [
        Exists(model.objects.filter(recommendation=OuterRef("pk")))
        for model in (Response, DeadlineChange, Escalation)
    ]
    queryset = session.recommendations.filter(activity[0] | activity[1] | activity[2])
    return set(queryset.values_list("pk", flat=True))


def _check_due(session: Session, due: dt.date, report_date: dt.date | None) -> list[str]:
    """Why a recommendation may not be due on `due`: before the decision, or
    before the report that makes it (whose date is `report_date`)."""
    if session.decision_date and due < session.decision_date:
        return [_("The due date cannot be before the session's decision.")]
    if report_date and due < report_date:
        return [
            _("The due date cannot be before the report's date (%(date)s).")
            % {"date": f"{report_date:%d/%m/%Y}"}
        ]
    try:
        plausible_decision_date(due)
    except ValidationError as error:
        return list(error.messages)
    return []


def _check_rows(
    session, findings, recommendations, units, report_date=None
) -> dict[str, list[str]]:
    """Each row's problems; `units` are the session's supervised units,
    `report_date` the date of the report as saved now."""
    errors: dict[str, list[str]] = {}
    sent = session.status != SessionStatus.IN_PROGRESS
    saved = {rec.pk: rec for rec in session.recommendations.all()}
    for i, row in enumerate(findings):
        if not row.text.strip():
            errors[f"findings.{i}.text"] = [_("Write the finding.")]
        if row.unit_id and row.unit_id not in units:
            errors[f"findings.{i}.unit"] = [_("Choose one of the supervised units.")]
    touched = _touched(session)
    existing = set(saved)
    for i, row in enumerate(recommendations):
        if not row.text.strip():
            errors[f"recommendations.{i}.text"] = [_("Write the recommendation.")]
        if not row.unit_id or row.unit_id not in units:
            errors[f"recommendations.{i}.unit"] = [
                _("Choose the supervised unit it is addressed to.")
            ]
        if row.due is None:
            errors[f"recommendations.{i}.due"] = [_("Give a due date (dd/mm/yyyy).")]
        elif problems := _check_due(session, row.due, report_date):
            errors[f"recommendations.{i}.due"] = problems
        if row.pk is not None and row.pk not in existing:
            errors[f"recommendations.{i}.text"] = [_("This recommendation no longer exists.")]
        elif sent and row.pk in saved and row.due != saved[row.pk].original_due:
            # Sent with the report: its date moves only with a reason.
            errors[f"recommendations.{i}.due"] = [
                _("The report is filed: move this due date on the recommendation's page.")
            ]
        elif row.pk in touched:
            kept = saved[row.pk]
            if (kept.text, kept.addressed_unit_id, kept.original_due) != (
                row.text.strip(),
                row.unit_id,
                row.due,
            ):
                errors[f"recommendations.{i}.text"] = [
                    _("Already answered or moved: it can no longer be rewritten.")
                ]
    kept_ids = {row.pk for row in recommendations if row.pk}
    if touched - kept_ids:
        errors["recommendations"] = [
            _("A recommendation that was already answered or moved cannot be removed.")
        ]
    return errors


@transaction.atomic
def report_file(
    *,
    actor: User,
    session_id: int,
    header: dict,
    findings: list[FindingRow],
    recommendations: list[RecommendationRow],
) -> Session:
    """Save the report as written: the header, the findings (replaced) and the
    recommendations (new ones created, unsent ones rewritten or removed). All or
    nothing; one audit entry."""
    session = Session.objects.select_for_update().select_related("body").get(pk=session_id)
    if not may_edit_session(actor, session):
        raise PermissionDenied
    if session.status not in REPORT_EDITABLE:
        raise ValidationError(
            _("The report is written while the session runs, until it is concluded.")
        )
    # An answer saved meanwhile must be seen (and its recommendation kept).
    list(session.recommendations.select_for_update())
    units = set(session.supervised_units.values_list("pk", flat=True))
    report_date = header.get("report_date")
    errors = _check_rows(session, findings, recommendations, units, report_date)
    before = _report_snapshot(session)
    for name in HEADER_FIELDS:
        setattr(session, name, header.get(name) or ("" if name != "report_date" else None))
    try:
        session.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if not header.get("report_number"):
        errors["report_number"] = [_("Give the report's number.")]
    if not header.get("report_date"):
        errors["report_date"] = [_("Give the report's date (dd/mm/yyyy).")]
    if errors:
        raise ValidationError(errors)
    session.save(update_fields=list(HEADER_FIELDS))
    session.findings.all().delete()
    Finding.objects.bulk_create(
        Finding(session=session, kind=r.kind, text=r.text.strip(), unit_id=r.unit_id, position=i)
        for i, r in enumerate(findings)
    )
    _save_recommendations(session, recommendations)
    audit_record(
        actor=actor,
        action="session.report",
        obj=session,
        before=before,
        after=_report_snapshot(session),
        units=list(session.supervised_units.all()),
    )
    supervision_changed()
    return session


def _save_recommendations(session: Session, rows: list[RecommendationRow]) -> None:
    kept = {row.pk for row in rows if row.pk}
    removed = session.recommendations.exclude(pk__in=kept)
    notified = Notification.objects.filter(recommendation__in=removed)
    bells_changed(list(notified.values_list("user_id", flat=True)))
    removed.delete()
    existing = session.recommendations.in_bulk(kept)
    for i, row in enumerate(rows):
        rec = existing.get(row.pk) or Recommendation(session=session)
        moved = rec.pk is not None and rec.current_due != rec.original_due
        rec.addressed_unit_id, rec.text = row.unit_id, row.text.strip()
        rec.priority, rec.position = row.priority, i
        rec.original_due = row.due
        if not moved:
            rec.current_due = row.due
        rec.save()


def _report_snapshot(session: Session) -> dict:
    data = snapshot(session, HEADER_FIELDS)
    data["findings"] = [
        {"kind": f.kind, "text": f.text, "unit": f.unit_id} for f in session.findings.all()
    ]
    data["recommendations"] = [
        {
            "id": r.pk,
            "unit": r.addressed_unit_id,
            "text": r.text,
            "due": r.original_due.isoformat(),
            "priority": r.priority,
        }
        for r in session.recommendations.all()
    ]
    return data
