"""What follows a recommendation: the addressee answers and may ask for a new
due date (with a reason); the body's supervisors judge the answer, decide the
date, move it themselves (with a reason) or escalate. Each write audited once."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.audit import audit_record, snapshot
from units.models import User
from units.models.registry import plausible_decision_date
from units.uploads import is_what_its_name_says

from ..choices import (
    ACTIONABLE,
    PENDING,
    SETTLED,
    DeadlineChangeStatus,
    RecommendationStatus,
    SessionStatus,
)
from ..models import DeadlineChange, Escalation, Recommendation, Response
from ..permissions import is_body_supervisor, may_respond
from ..versions import supervision_changed
from .notifications import answer_notify

R = RecommendationStatus
REC_FIELDS = ("status", "current_due", "settled_on")
MAX_ATTACHMENT = 20 * 2**20


def _locked(recommendation_id: int) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("session", "addressed_unit")
        .get(pk=recommendation_id)
    )


def _audit(actor, action, rec, before, extra=None) -> None:
    after = snapshot(rec, REC_FIELDS) | (extra or {})
    audit_record(
        actor=actor, action=action, obj=rec, before=before, after=after, units=[rec.addressed_unit]
    )
    supervision_changed()


def _check_sent(rec: Recommendation) -> None:
    if rec.session.status not in ACTIONABLE:
        raise ValidationError(
            _("This recommendation is not open to follow-up (the session is “%(status)s”).")
            % {"status": SessionStatus(rec.session.status).label}
        )


def _check_pending(rec: Recommendation) -> None:
    """Sent and still waiting: what the addressee and the supervisors act on."""
    _check_sent(rec)
    if rec.status not in PENDING:
        raise ValidationError(_("This recommendation is already settled."))


def _close_proposals(rec: Recommendation, actor: User) -> None:
    """A proposal still waiting when the date is moved or the recommendation
    settled is refused with it (its button would otherwise stay)."""
    rec.deadline_changes.filter(status=DeadlineChangeStatus.PROPOSED).update(
        status=DeadlineChangeStatus.REJECTED, decided_by=actor, decided_at=timezone.now()
    )


def _check_plausible(field: str, day: dt.date) -> None:
    """The window of the decisions' dates (1945 to ten years ahead): a typo such
    as 0001 or 9999 is refused, on its field."""
    try:
        plausible_decision_date(day)
    except ValidationError as error:
        raise ValidationError({field: list(error.messages)}) from None


def _check_attachment(file: UploadedFile | None) -> None:
    if file is None:
        return
    if file.size > MAX_ATTACHMENT:
        raise ValidationError({"attachment": [_("The attachment is larger than 20 MB.")]})
    if not is_what_its_name_says(file):
        raise ValidationError(
            {
                "attachment": [
                    _(
                        "Attach a PDF, Word, Excel, OpenDocument or image file; "
                        "this file is not what its name says."
                    )
                ]
            }
        )


def response_record(
    *,
    actor: User,
    recommendation_id: int,
    date: dt.date,
    text: str,
    attachment: UploadedFile | None = None,
) -> Response:
    """The addressee's answer: the recommendation becomes "responded". The
    attachment is stored first and removed again if the answer is not saved."""
    stored = []
    try:
        with transaction.atomic():
            return _respond(actor, recommendation_id, date, text, attachment, stored)
    except BaseException:
        for name in stored:
            Response._meta.get_field("attachment").storage.delete(name)
        raise


def _respond(actor, recommendation_id, date, text, attachment, stored) -> Response:
    rec = _locked(recommendation_id)
    if not may_respond(actor, rec):
        raise PermissionDenied
    _check_pending(rec)
    if not text.strip():
        raise ValidationError({"text": [_("Write the answer.")]})
    if date > timezone.localdate():
        raise ValidationError({"date": [_("An answer cannot be dated in the future.")]})
    _check_plausible("date", date)
    _check_attachment(attachment)
    before = snapshot(rec, REC_FIELDS)
    response = Response(recommendation=rec, date=date, text=text.strip(), author=actor)
    if attachment is not None:
        response.attachment.save(attachment.name, attachment, save=False)
        stored.append(response.attachment.name)
    response.save()
    rec.status = R.RESPONDED
    rec.save(update_fields=["status"])
    _audit(actor, "recommendation.respond", rec, before, {"response": snapshot(response)})
    answer_notify(rec, actor)
    return response


def _check_new_date(rec: Recommendation, new_due: dt.date | None, reason: str) -> None:
    errors = {}
    if not reason.strip():
        errors["reason"] = [_("A due date never moves without a reason.")]
    if new_due is None:
        errors["new_due"] = [_("Give the new due date (dd/mm/yyyy).")]
    elif new_due == rec.current_due:
        errors["new_due"] = [_("The new date is the current due date.")]
    elif new_due < rec.session.decision_date:
        errors["new_due"] = [_("The due date cannot be before the session's decision.")]
    else:
        try:
            plausible_decision_date(new_due)
        except ValidationError as error:
            errors["new_due"] = list(error.messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def deadline_propose(
    *, actor: User, recommendation_id: int, new_due: dt.date | None, reason: str
) -> DeadlineChange:
    """The addressee asks for a new due date, with a reason; the supervisors decide."""
    rec = _locked(recommendation_id)
    if not may_respond(actor, rec):
        raise PermissionDenied
    _check_pending(rec)
    _check_new_date(rec, new_due, reason)
    if rec.deadline_changes.filter(status=DeadlineChangeStatus.PROPOSED).exists():
        raise ValidationError(_("A new date is already waiting for a decision."))
    change = DeadlineChange.objects.create(
        recommendation=rec,
        old_due=rec.current_due,
        new_due=new_due,
        reason=reason.strip(),
        status=DeadlineChangeStatus.PROPOSED,
        proposed_by=actor,
    )
    before = snapshot(rec, REC_FIELDS)
    _audit(actor, "recommendation.propose_date", rec, before, {"change": snapshot(change)})
    return change


@transaction.atomic
def deadline_decide(*, actor: User, change_id: int, accept: bool) -> DeadlineChange:
    """The supervisors accept the proposed date (the due date moves) or reject it."""
    change = DeadlineChange.objects.select_for_update().get(pk=change_id)
    rec = _locked(change.recommendation_id)
    if not is_body_supervisor(actor, rec.session.body_id):
        raise PermissionDenied
    _check_pending(rec)
    if change.status != DeadlineChangeStatus.PROPOSED:
        raise ValidationError(_("This proposal is already decided."))
    if accept and rec.current_due != change.old_due:
        raise ValidationError(_("The due date moved since this proposal: decide it again."))
    before = snapshot(rec, REC_FIELDS)
    change.status = DeadlineChangeStatus.ACCEPTED if accept else DeadlineChangeStatus.REJECTED
    change.decided_by, change.decided_at = actor, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        rec.current_due = change.new_due
        rec.save(update_fields=["current_due"])
    _audit(actor, "recommendation.decide_date", rec, before, {"change": snapshot(change)})
    return change


@transaction.atomic
def deadline_move(
    *, actor: User, recommendation_id: int, new_due: dt.date | None, reason: str
) -> DeadlineChange:
    """The supervisors move the due date themselves, with a reason."""
    rec = _locked(recommendation_id)
    if not is_body_supervisor(actor, rec.session.body_id):
        raise PermissionDenied
    _check_pending(rec)
    _check_new_date(rec, new_due, reason)
    before = snapshot(rec, REC_FIELDS)
    _close_proposals(rec, actor)
    change = DeadlineChange.objects.create(
        recommendation=rec,
        old_due=rec.current_due,
        new_due=new_due,
        reason=reason.strip(),
        status=DeadlineChangeStatus.ACCEPTED,
        proposed_by=actor,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    rec.current_due = new_due
    rec.save(update_fields=["current_due"])
    _audit(actor, "recommendation.move_date", rec, before, {"change": snapshot(change)})
    return change


@transaction.atomic
def recommendation_assess(*, actor: User, recommendation_id: int, outcome: str) -> Recommendation:
    """The supervisors judge the implementation: implemented, partly or not."""
    rec = _locked(recommendation_id)
    if not is_body_supervisor(actor, rec.session.body_id):
        raise PermissionDenied
    if outcome not in SETTLED:
        raise ValidationError({"outcome": [_("Choose implemented, partly or not implemented.")]})
    _check_pending(rec)
    before = snapshot(rec, REC_FIELDS)
    rec.status, rec.settled_on = outcome, timezone.localdate()
    rec.save(update_fields=["status", "settled_on"])
    _close_proposals(rec, actor)
    _audit(actor, "recommendation.assess", rec, before)
    return rec


@transaction.atomic
def escalation_record(
    *, actor: User, recommendation_id: int, kind: str, date: dt.date, note: str
) -> Escalation:
    """One step up the ladder (reminder … report to the council)."""
    rec = _locked(recommendation_id)
    if not is_body_supervisor(actor, rec.session.body_id):
        raise PermissionDenied
    _check_pending(rec)
    escalation = Escalation(
        recommendation=rec, kind=kind, date=date, note=note.strip(), actor=actor
    )
    escalation.full_clean()
    escalation.save()
    before = snapshot(rec, REC_FIELDS)
    _audit(actor, "recommendation.escalate", rec, before, {"escalation": snapshot(escalation)})
    return escalation
