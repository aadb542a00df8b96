"""Supervision sessions: list, create from the decision, edit, the session's
page with its deadlines and states, working sessions, publishing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from units.filters import search_q
from units.forms.common import add_service_errors
from units.models import Unit
from units.text import parse_id
from units.views.common import paginate

from ..choices import SessionStatus
from ..filters import SessionFilter
from ..forms.sessions import SessionForm, WorkingSessionForm, session_initial
from ..permissions import (
    bodies_of,
    may_edit_session,
    may_read_session,
    pickable_units,
    visible_sessions,
)
from ..rules import missed_steps
from ..selectors.sessions import deadlines_of, findings_by_kind, session_detail, session_list
from ..services.sessions import (
    PUBLISHABLE,
    REPORT_EDITABLE,
    TRANSITIONS,
    session_create,
    session_publish,
    session_transition,
    session_update,
    working_session_add,
    working_session_remove,
)
from .common import session_or_404, show_problems

PICK_LIMIT = 20


@login_required
@require_safe
def session_list_view(request):
    base = visible_sessions(request.user, session_list())
    filters = SessionFilter(request.GET or None, queryset=base)
    queryset = filters.qs if filters.is_bound and filters.is_valid() else base
    context = {
        "filters": filters,
        "may_create": bodies_of(request.user).exists(),
        **paginate(request, queryset.order_by("-decision_date", "-id")),
    }
    missed = missed_steps(list(context["page"]))
    for session in context["page"]:
        session.missed_steps = missed[session.pk]
    return render(request, "supervision/session_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    if not bodies_of(request.user).exists():
        raise PermissionDenied
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(actor=request.user, data=form.session_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session is recorded: schedule its working sessions."))
            return redirect("supervision:session_detail", pk=session.pk)
    return render(request, "supervision/session_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    session = session_or_404(pk)
    if not may_edit_session(request.user, session):
        raise PermissionDenied
    form = SessionForm(
        request.POST or None, user=request.user, session=session, initial=session_initial(session)
    )
    if request.method == "POST" and form.is_valid():
        try:
            session_update(actor=request.user, session_id=pk, data=form.session_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("supervision:session_detail", pk=pk)
    return render(request, "supervision/session_form.html", {"form": form, "session": session})


@login_required
@require_safe
def unit_pick(request):
    """The type-ahead of the session form: units matching the search, as boxes
    to tick (the ones already chosen are left out). Units closed since count
    too: a session examines years past (a district's committee closed in 2025).
    Only the units of the user's scope."""
    query = request.GET.get("q", "").strip()
    chosen = [pk for pk in map(parse_id, request.GET.getlist("units")) if pk]
    units = []
    if len(query) >= 2:
        units = list(
            pickable_units(request.user, Unit.objects.filter(search_q(query)))
            .exclude(pk__in=chosen)
            .select_related("area")
            .order_by(F("closed_on").desc(nulls_first=True), "name_folded")[:PICK_LIMIT]
        )
    return render(request, "supervision/_unit_options.html", {"units": units, "query": query})


@login_required
@require_safe
def session_detail_view(request, pk: int):
    session = session_detail(pk)
    if session is None or not may_read_session(request.user, session):
        raise Http404
    editable = may_edit_session(request.user, session)
    context = {
        "session": session,
        "editable": editable,
        "deadlines": deadlines_of(session),
        "findings": findings_by_kind(session),
        "transitions": [SessionStatus(s) for s in TRANSITIONS.get(session.status, ())],
        "statuses": list(SessionStatus),
        "report_editable": session.status in REPORT_EDITABLE,
        "publishable": session.status in PUBLISHABLE,
        "scheduling": session.status
        in (SessionStatus.PLANNED, SessionStatus.NOTIFIED, SessionStatus.IN_PROGRESS),
        "working_form": WorkingSessionForm(session=session) if editable else None,
    }
    return render(request, "supervision/session_detail.html", context)


@login_required
@require_POST
def session_transition_view(request, pk: int):
    session = session_or_404(pk)
    if not may_edit_session(request.user, session):
        raise PermissionDenied
    try:
        session = session_transition(
            actor=request.user, session_id=pk, target=request.POST.get("to", "")
        )
    except ValidationError as error:
        show_problems(request, error)
    else:
        messages.success(
            request,
            _("The session is now “%(status)s”.") % {"status": session.get_status_display()},
        )
    return redirect("supervision:session_detail", pk=pk)


@login_required
@require_POST
def working_add(request, pk: int):
    session = session_or_404(pk)
    if not may_edit_session(request.user, session):
        raise PermissionDenied
    form = WorkingSessionForm(request.POST, session=session)
    if form.is_valid():
        try:
            working_session_add(
                actor=request.user,
                session_id=pk,
                unit_id=form.cleaned_data["unit"].pk,
                date=form.cleaned_data["date"],
                place=form.cleaned_data["place"],
            )
        except ValidationError as error:
            show_problems(request, error)
        else:
            messages.success(request, _("The working session is scheduled."))
    else:
        for items in form.errors.values():
            for message in items:
                messages.error(request, message)
    return redirect("supervision:session_detail", pk=pk)


@login_required
@require_POST
def working_remove(request, pk: int, working_pk: int):
    session = session_or_404(pk)
    if not may_edit_session(request.user, session):
        raise PermissionDenied
    if not session.working_sessions.filter(pk=working_pk).exists():
        raise Http404
    try:
        working_session_remove(actor=request.user, working_id=working_pk)
    except ValidationError as error:
        show_problems(request, error)
    return redirect("supervision:session_detail", pk=pk)


@login_required
@require_POST
def session_publish_view(request, pk: int):
    session = session_or_404(pk)
    if not may_edit_session(request.user, session):
        raise PermissionDenied
    publish = request.POST.get("publish") == "1"
    try:
        session_publish(actor=request.user, session_id=pk, publish=publish)
    except ValidationError as error:
        show_problems(request, error)
    else:
        messages.success(
            request,
            _("Published on the public page.") if publish else _("Withdrawn from the public page."),
        )
    return redirect("supervision:session_detail", pk=pk)
