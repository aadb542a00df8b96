"""Sessions: created from their decision, moved through their states (only the
valid transitions, each audited), working sessions scheduled, published."""

import dataclasses
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.audit import audit_record, snapshot
from units.models import Unit, User

from ..choices import PENDING, SessionStatus
from ..models import Session, WorkingSession
from ..permissions import bodies_of, may_edit_session, pickable_units
from ..versions import supervision_changed

S = SessionStatus
TRANSITIONS = {
    S.PLANNED: (S.NOTIFIED,),
    S.NOTIFIED: (S.IN_PROGRESS,),
    S.IN_PROGRESS: (S.REPORT_FILED,),
    S.REPORT_FILED: (S.CONCLUDED,),
    S.CONCLUDED: (S.FOLLOW_UP, S.CLOSED),
    S.FOLLOW_UP: (S.CLOSED,),
}
# The report (findings, recommendations) is written while the session runs and
# may be corrected until the council concludes.
REPORT_EDITABLE = (S.IN_PROGRESS, S.REPORT_FILED)
PUBLISHABLE = (S.REPORT_FILED, S.CONCLUDED, S.FOLLOW_UP, S.CLOSED)
# What the session form writes, compared by the audit entries of its writes; by
# name (`snapshot` keeps the model's order).
SESSION_FIELDS = (
    "body",
    "decision_date",
    "decision_number",
    "kind",
    "lead",
    "members",
    "period_from",
    "period_to",
    "supervised_units",
    "topic",
)


@dataclasses.dataclass
class SessionData:
    """What the session form gives: the decision and what it orders."""

    body_id: int
    decision_number: str
    decision_date: dt.date
    topic: str
    kind: str
    period_from: int
    period_to: int
    unit_ids: list[int]
    lead_id: int | None = None
    member_ids: list[int] = dataclasses.field(default_factory=list)


def _locked(session_id: int) -> Session:
    return Session.objects.select_for_update().select_related("body").get(pk=session_id)


def _units_of(session: Session) -> list[Unit]:
    return list(session.supervised_units.all())


def _fill(session: Session, data: SessionData) -> None:
    session.body_id = data.body_id
    session.decision_number = data.decision_number.strip()
    session.decision_date = data.decision_date
    session.topic = data.topic.strip()
    session.kind = data.kind
    session.period_from, session.period_to = data.period_from, data.period_to
    session.lead_id = data.lead_id


def _save(session: Session) -> None:
    """Save; a session with the same decision saved meanwhile is a form error."""
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        raise ValidationError(
            {"decision_number": [_("This body already has a session with this decision.")]}
        ) from None


def _write(actor: User, session: Session, data: SessionData, *, action: str, before) -> Session:
    """Fill, check and save the session with its units and members; audit once."""
    _check_units_in_scope(actor, session, data.unit_ids)
    _fill(session, data)
    session.full_clean()
    _save(session)
    session.supervised_units.set(data.unit_ids)
    session.members.set(data.member_ids)
    after = snapshot(session, SESSION_FIELDS)
    audit_record(
        actor=actor,
        action=action,
        obj=session,
        before=before,
        after=after,
        units=_units_of(session),
    )
    supervision_changed()
    return session


def _check_units_in_scope(actor: User, session: Session, unit_ids: list[int]) -> None:
    """A unit added to a session lies inside the actor's scope (those already
    on it stay, whoever added them)."""
    kept = set(session.supervised_units.values_list("pk", flat=True)) if session.pk else set()
    added = set(unit_ids) - kept
    if not added:
        return
    allowed = pickable_units(actor, Unit.objects.filter(pk__in=added))
    if allowed.count() != len(added):
        raise ValidationError({"units": [_("Choose the supervised units inside your scope.")]})


def _check_units_kept(session: Session, unit_ids: list[int]) -> None:
    """A supervised unit with working sessions, findings or recommendations
    stays on the session."""
    used = {
        *session.working_sessions.values_list("unit_id", flat=True),
        *session.findings.exclude(unit=None).values_list("unit_id", flat=True),
        *session.recommendations.values_list("addressed_unit_id", flat=True),
    }
    if used - set(unit_ids):
        raise ValidationError(
            {"units": [_("A unit with working sessions, findings or recommendations stays.")]}
        )


@transaction.atomic
def session_create(*, actor: User, data: SessionData) -> Session:
    """A new session, planned, for a body the actor supervises."""
    if not bodies_of(actor).filter(pk=data.body_id).exists():
        raise PermissionDenied
    return _write(actor, Session(), data, action="session.create", before=None)


@transaction.atomic
def session_update(*, actor: User, session_id: int, data: SessionData) -> Session:
    """The decision's details; the body may change only to another body the
    actor supervises. Closed sessions are history."""
    session = _locked(session_id)
    if (
        not may_edit_session(actor, session)
        or not bodies_of(actor).filter(pk=data.body_id).exists()
    ):
        raise PermissionDenied
    if session.status == S.CLOSED:
        raise ValidationError(_("A closed session can no longer be changed."))
    before = snapshot(session, SESSION_FIELDS)
    _check_units_kept(session, data.unit_ids)
    return _write(actor, session, data, action="session.update", before=before)


def _transition_problem(session: Session, target: str) -> str | None:
    """Why `session` may not move to `target` now, in words; None if it may."""
    if target not in TRANSITIONS.get(session.status, ()):
        return _("A session that is “%(current)s” cannot become “%(target)s”.") % {
            "current": S(session.status).label,
            "target": S(target).label if target in S.values else target,
        }
    if target == S.NOTIFIED and not session.supervised_units.exists():
        return _("Choose at least one supervised unit before notifying.")
    if target == S.IN_PROGRESS and not session.working_sessions.exists():
        return _("Schedule at least one working session first.")
    if target == S.REPORT_FILED and not (
        session.report_number and session.report_date and session.findings.exists()
    ):
        return _("File the report first: its number, date and at least one finding.")
    if target == S.FOLLOW_UP and not session.recommendations.exists():
        return _("A session without recommendations has nothing to follow up.")
    if target == S.CLOSED and session.recommendations.filter(status__in=PENDING).exists():
        return _("Some recommendations are still waiting: settle them before closing.")
    return None


@transaction.atomic
def session_transition(*, actor: User, session_id: int, target: str) -> Session:
    """Move the session to its next state, if the state machine and the session's
    content allow it; refused with a message otherwise."""
    session = _locked(session_id)
    if not may_edit_session(actor, session):
        raise PermissionDenied
    problem = _transition_problem(session, target)
    if problem:
        raise ValidationError(problem, code="invalid_transition")
    before = {"status": session.status}
    session.status = target
    session.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="session.transition",
        obj=session,
        before=before,
        after={"status": target},
        units=_units_of(session),
    )
    supervision_changed()
    return session


@transaction.atomic
def working_session_add(
    *, actor: User, session_id: int, unit_id: int, date: dt.date, place: str
) -> WorkingSession:
    """Schedule a working session at one of the supervised units."""
    session = _locked(session_id)
    if not may_edit_session(actor, session):
        raise PermissionDenied
    if session.status not in (S.PLANNED, S.NOTIFIED, S.IN_PROGRESS):
        raise ValidationError(_("Working sessions are scheduled before the report is filed."))
    if not session.supervised_units.filter(pk=unit_id).exists():
        raise ValidationError({"unit": [_("Choose one of the supervised units.")]})
    working = WorkingSession(session=session, unit_id=unit_id, date=date, place=place.strip())
    working.full_clean()
    working.save()
    audit_record(
        actor=actor,
        action="session.working_add",
        obj=session,
        before=None,
        after=snapshot(working),
        units=[working.unit],
    )
    supervision_changed()
    return working


@transaction.atomic
def working_session_remove(*, actor: User, working_id: int) -> None:
    working = WorkingSession.objects.select_related("unit").get(pk=working_id)
    session = _locked(working.session_id)
    if not may_edit_session(actor, session):
        raise PermissionDenied
    if session.status not in (S.PLANNED, S.NOTIFIED, S.IN_PROGRESS):
        raise ValidationError(_("Working sessions are scheduled before the report is filed."))
    before = snapshot(working)
    working.delete()
    audit_record(
        actor=actor,
        action="session.working_remove",
        obj=session,
        before=before,
        after=None,
        units=[working.unit],
    )
    supervision_changed()


@transaction.atomic
def session_publish(*, actor: User, session_id: int, publish: bool) -> Session:
    """Publish the session's plan, report, conclusions and recommendations on the
    public page (Điều 89 of the 2015 law), or withdraw them."""
    session = _locked(session_id)
    if not may_edit_session(actor, session):
        raise PermissionDenied
    if publish and session.status not in PUBLISHABLE:
        raise ValidationError(_("A session is published once its report is filed."))
    before = {"published_at": session.published_at and session.published_at.isoformat()}
    session.published_at = timezone.now() if publish else None
    session.save(update_fields=["published_at"])
    after = {"published_at": session.published_at and session.published_at.isoformat()}
    audit_record(
        actor=actor,
        action="session.publish" if publish else "session.withdraw",
        obj=session,
        before=before,
        after=after,
        units=_units_of(session),
    )
    supervision_changed()
    return session
