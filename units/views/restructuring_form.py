"""The guided restructuring form: kind → decision → units → results → preview →
confirm. A draft is started only by a POST and lives in the session; nothing is
written to the database before the clerk confirms the preview."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..choices import RestructuringKind
from ..forms import restructuring_draft as drafts
from ..forms.restructuring_form import ConfirmForm, DecisionForm, KindForm
from ..forms.staffing import quota_inputs, quota_values
from ..scope import may_restructure
from ..selectors import pickers
from ..selectors.restructurings import recorded_by_this_form, scope_changes
from ..selectors.staffing_quota import quota_proposal
from ..services.restructuring_rules import outside_scope, restructuring_plan
from ..services.restructurings import restructuring_apply
from . import restructuring_results
from .common import advance, back_to, id_param, pickable_posted, picker, posted, render_step

K = RestructuringKind


def _kind_choices():
    return [(value, label, drafts.KIND_HELP[value]) for value, label in K.choices]


@login_required
@require_http_methods(["GET", "POST"])
def restructuring_new(request):
    """GET shows the kinds; POST starts a draft (so that merely opening the form,
    five times or fifty, never drops a draft in progress)."""
    if not may_restructure(request.user):
        raise PermissionDenied
    form = KindForm(posted(request))
    unit_id = id_param(request.POST if request.method == "POST" else request.GET, "unit")
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        sources = []
        if unit_id is not None and kind != K.ESTABLISH:
            sources = [unit_id] if _pickable_today(request.user, unit_id) else []
        key = drafts.draft_new(request.session, kind=kind, sources=sources)
        return redirect("units:restructuring_step", key=key, step="decision")
    context = {"form": form, "choices": _kind_choices(), "unit_id": unit_id}
    return render(request, "units/restructuring_start.html", context)


def _pickable_today(user, unit_id: int) -> bool:
    return pickers.pickable(user, day=timezone.localdate(), unit_id=unit_id)


@login_required
@require_http_methods(["GET", "POST"])
def restructuring_step(request, key: str, step: str):
    if not may_restructure(request.user):
        raise PermissionDenied
    draft = drafts.draft_get(request.session, key)
    if draft is None:
        raise Http404  # confirmed, left behind past the fifth, or never started
    steps = drafts.steps_for(draft.get("kind"))
    if step not in steps:
        raise Http404
    gone = pickers.missing_units([*draft["sources"], draft.get("target") or 0])
    if gone:
        # A unit chosen earlier was removed since (its decision annulled).
        drafts.draft_forget_units(draft, gone)
        drafts.draft_save(request.session, key, draft)
        messages.error(request, _("A unit chosen earlier no longer exists; choose again."))
    open_step = drafts.first_open_step(draft)
    if steps.index(step) > steps.index(open_step):
        return redirect("units:restructuring_step", key=key, step=open_step)
    return STEPS[step](request, key, draft)


def _step_kind(request, key, draft):
    form = KindForm(posted(request), initial={"kind": draft.get("kind")})
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        if kind != draft.get("kind"):
            _low, high = drafts.SOURCE_LIMITS[kind]
            draft.update(
                kind=kind,
                sources=draft["sources"][:high] if high is not None else draft["sources"],
                target=None,
                new_units=[],
                new_parent=None,
                new_area=None,
                rename=None,
                results_done=False,
            )
        return advance(request, key, draft, "kind")
    selected = form["kind"].value() or draft.get("kind")
    context = {"form": form, "choices": _kind_choices(), "selected": selected}
    return render_step(request, key, draft, "kind", context)


def _step_decision(request, key, draft):
    saved = draft.get("decision") or {}
    initial = {
        **saved,
        **{
            f: dt.date.fromisoformat(saved[f]) for f in ("decided_on", "effective_on") if f in saved
        },
    }
    form = DecisionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft["decision"] = {
            **data,
            "decided_on": data["decided_on"].isoformat(),
            "effective_on": data["effective_on"].isoformat(),
        }
        return advance(request, key, draft, "decision")
    return render_step(request, key, draft, "decision", {"form": form})


def _step_sources(request, key, draft):
    low, high = drafts.SOURCE_LIMITS[draft["kind"]]
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            unit_id = pickable_posted(request, draft, errors)
            if unit_id is not None and unit_id not in draft["sources"]:
                draft["sources"] = ([] if high == 1 else draft["sources"]) + [unit_id]
        elif action == "remove":
            removed = id_param(request.POST, "unit")
            draft["sources"] = [i for i in draft["sources"] if i != removed]
        elif action == "next":
            if drafts.step_done(draft, "sources"):
                return advance(request, key, draft, "sources")
            errors.append(_source_count_message(low, high))
        drafts.draft_save(request.session, key, draft)
        if not errors:
            return back_to(request, key, "sources", q=request.POST.get("q", ""), picked=1)
    extra = {"chosen": pickers.chosen_units(draft["sources"]), "errors": errors}
    return picker(request, key, draft, "sources", extra)


def _source_count_message(low, high) -> str:
    if high == 1:
        return _("Choose exactly one unit for this kind of restructuring.")
    if low >= 2:
        return _("Choose at least two units: a consolidation joins two or more units.")
    return _("Choose at least one unit.")


def _step_preview(request, key, draft):
    kwargs = drafts.plan_kwargs(draft)
    form = ConfirmForm(posted(request), request.FILES or None)
    errors, plan, allowed = [], None, None
    try:
        plan = restructuring_plan(**kwargs)
    except ValidationError as error:
        errors = error.messages
    proposal = quota_proposal(plan) if plan else None
    quotas, quota_errors = quota_values(posted(request), proposal)
    if request.method == "POST" and form.is_valid() and not quota_errors:
        try:
            restructuring = restructuring_apply(
                actor=request.user,
                decision_file=form.cleaned_data["decision_file"],
                submission_key=key,
                quotas=quotas,
                **kwargs,
            )
        except ValidationError as error:
            recorded = recorded_by_this_form(key)
            if recorded is not None:
                # Confirmed twice (a double click): show the one it recorded.
                drafts.draft_drop(request.session, key)
                return redirect("units:restructuring_detail", pk=recorded.pk)
            errors = error.messages
        else:
            drafts.draft_drop(request.session, key)
            messages.success(
                request,
                _("Decision %(number)s was recorded.") % {"number": restructuring.decision_number},
            )
            return redirect("units:restructuring_detail", pk=restructuring.pk)
    if plan is not None:
        outside = outside_scope(request.user, plan)
        allowed = not outside
        errors = errors or [
            _("%(unit)s is outside your scope (%(scope)s): you cannot record this decision.")
            % {"unit": unit.name, "scope": request.user.scope_label}
            for unit in outside
        ]
    context = {
        "form": form,
        "plan": plan,
        "allowed": allowed,
        "errors": errors,
        "scopes": scope_changes(plan) if plan else [],
        "quota": proposal,
        "quota_inputs": quota_inputs(proposal, posted(request), quota_errors),
    }
    failed = errors or form.errors or quota_errors
    status = 400 if failed and request.method == "POST" else 200
    return render_step(request, key, draft, "preview", context, status=status)


STEPS = {
    "kind": _step_kind,
    "decision": _step_decision,
    "sources": _step_sources,
    "results": restructuring_results.step_results,
    "preview": _step_preview,
}
