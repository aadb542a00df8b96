"""A recommendation's page and what its addressee and its supervisors do there:
answer, ask for a new date, judge, decide the date, move it, escalate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from units.forms.common import add_service_errors

from ..choices import ACTIONABLE, PENDING, DeadlineChangeStatus
from ..forms.followup import AssessForm, EscalationForm, NewDateForm, ResponseForm
from ..models import DeadlineChange, Recommendation, Response
from ..permissions import (
    is_body_supervisor,
    may_read_attachment,
    may_read_recommendation,
    may_respond,
)
from ..services import recommendations as services

# In the order the page shows them: the addressee's, then the supervisors'.
FORMS = {
    "respond": ResponseForm,
    "propose": NewDateForm,
    "assess": AssessForm,
    "move": NewDateForm,
    "escalate": EscalationForm,
}


def _recommendation(pk: int) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.select_related(
            "session__body", "addressed_unit__area", "addressed_unit__parent"
        ),
        pk=pk,
    )


def _page(request, rec, bound=None, status=200):
    """The recommendation with its history and the forms the user may use;
    `bound` is a posted form that failed (shown with its errors)."""
    responder = may_respond(request.user, rec)
    supervisor = is_body_supervisor(request.user, rec.session.body_id)
    allowed = {"respond", "propose"} if responder else set()
    if supervisor:
        allowed |= {"move", "assess", "escalate"}
    pending = rec.status in PENDING and rec.session.status in ACTIONABLE
    forms = {name: FORMS[name]() for name in FORMS if name in allowed} if pending else {}
    if bound is not None:
        forms[bound[0]] = bound[1]
    context = {
        "rec": rec,
        "today": timezone.localdate(),
        "days_overdue": rec.days_overdue(timezone.localdate()),
        "responses": rec.responses.select_related("author"),
        "changes": rec.deadline_changes.select_related("proposed_by", "decided_by"),
        "escalations": rec.escalations.select_related("actor"),
        "forms": forms,
        "supervisor": supervisor,
        "proposal": rec.deadline_changes.filter(status=DeadlineChangeStatus.PROPOSED).first(),
    }
    return render(request, "supervision/recommendation_detail.html", context, status=status)


@login_required
@require_safe
def recommendation_detail(request, pk: int):
    rec = _recommendation(pk)
    if not may_read_recommendation(request.user, rec):
        raise Http404
    return _page(request, rec)


@login_required
@require_POST
def recommendation_act(request, pk: int, action: str):
    """One form of the page, posted: the service decides, the page shows why not."""
    rec = _recommendation(pk)
    if action not in FORMS:
        raise Http404
    if action in ("respond", "propose") and not may_respond(request.user, rec):
        raise PermissionDenied
    if action in ("move", "assess", "escalate") and not is_body_supervisor(
        request.user, rec.session.body_id
    ):
        raise PermissionDenied
    form = FORMS[action](request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _act(request.user, rec, action, data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:recommendation_detail", pk=pk)
    return _page(request, rec, bound=(action, form), status=400)


def _act(actor, rec, action, data) -> None:
    if action == "respond":
        services.response_record(
            actor=actor,
            recommendation_id=rec.pk,
            date=data["date"],
            text=data["text"],
            attachment=data.get("attachment"),
        )
    elif action == "propose":
        services.deadline_propose(
            actor=actor, recommendation_id=rec.pk, new_due=data["new_due"], reason=data["reason"]
        )
    elif action == "move":
        services.deadline_move(
            actor=actor, recommendation_id=rec.pk, new_due=data["new_due"], reason=data["reason"]
        )
    elif action == "assess":
        services.recommendation_assess(
            actor=actor, recommendation_id=rec.pk, outcome=data["outcome"]
        )
    else:
        services.escalation_record(
            actor=actor,
            recommendation_id=rec.pk,
            kind=data["kind"],
            date=data["date"],
            note=data["note"],
        )


@login_required
@require_POST
def deadline_decide(request, pk: int, change_pk: int):
    change = get_object_or_404(DeadlineChange, pk=change_pk, recommendation_id=pk)
    rec = _recommendation(pk)
    if not is_body_supervisor(request.user, rec.session.body_id):
        raise PermissionDenied
    accept = request.POST.get("accept") == "1"
    try:
        services.deadline_decide(actor=request.user, change_id=change.pk, accept=accept)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The new due date is accepted.") if accept else _("The new date is refused.")
        )
    return redirect("supervision:recommendation_detail", pk=pk)


@login_required
@require_safe
def response_file(request, pk: int, response_pk: int):
    """A response's attachment, for those who may read it (never a public URL)."""
    response = get_object_or_404(Response, pk=response_pk, recommendation_id=pk)
    if not response.attachment or not may_read_attachment(request.user, _recommendation(pk)):
        raise Http404
    name = response.attachment.name.rsplit("/", 1)[-1]
    try:
        return FileResponse(response.attachment.open("rb"), as_attachment=True, filename=name)
    except FileNotFoundError:
        raise Http404 from None
