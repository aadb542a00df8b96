"""The guided restructuring form (kind → decision → units → results → preview →
confirm) and the reversal of a decision."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import wizard
from .choices import RestructuringKind, UnitKind
from .forms import (
    ConfirmForm,
    DecisionForm,
    KindForm,
    NewUnitFormSet,
    RenameForm,
    ReverseForm,
    TransferForm,
)
from .models import Restructuring, Unit
from .restructurings import (
    can_restructure,
    restructuring_apply,
    restructuring_plan,
    restructuring_reverse,
)
from .scope import area_subtree_q, changeable_units, may_restructure

K = RestructuringKind


@login_required
def restructuring_new(request):
    if not may_restructure(request.user):
        raise PermissionDenied
    key = wizard.draft_new(request.session)
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit() and changeable_units(request.user, Unit.objects.filter(pk=unit_id)):
        draft = wizard.draft_get(request.session, key)
        draft["sources"] = [int(unit_id)]
        wizard.draft_save(request.session, key, draft)
    return redirect("units:restructuring_step", key=key, step="kind")


@login_required
@require_http_methods(["GET", "POST"])
def restructuring_step(request, key: str, step: str):
    if not may_restructure(request.user):
        raise PermissionDenied
    draft = wizard.draft_get(request.session, key)
    steps = wizard.steps_for(draft.get("kind"))
    if step not in steps:
        raise Http404
    open_step = wizard.first_open_step(draft)
    if steps.index(step) > steps.index(open_step):
        return redirect("units:restructuring_step", key=key, step=open_step)
    return STEPS[step](request, key, draft)


def _render(request, key, draft, step, context, status=200):
    steps = wizard.steps_for(draft.get("kind"))
    context.update(
        key=key,
        draft=draft,
        step=step,
        kind_label=K(draft["kind"]).label if draft.get("kind") else "",
        steps=[(name, wizard.STEP_LABELS[name], wizard.step_done(draft, name)) for name in steps],
        day=wizard.effective_on(draft),
    )
    return render(request, "units/restructuring_form.html", context, status=status)


def _posted(request):
    """The POST data to bind a form to, even when it is empty; None on GET."""
    return request.POST if request.method == "POST" else None


def _advance(request, key, draft, step):
    wizard.draft_save(request.session, key, draft)
    steps = wizard.steps_for(draft["kind"])
    return redirect("units:restructuring_step", key=key, step=steps[steps.index(step) + 1])


def _step_kind(request, key, draft):
    form = KindForm(_posted(request), initial={"kind": draft.get("kind")})
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        if kind != draft.get("kind"):
            _low, high = wizard.SOURCE_LIMITS[kind]
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
        return _advance(request, key, draft, "kind")
    choices = [(value, label, wizard.KIND_HELP[value]) for value, label in K.choices]
    selected = form["kind"].value() or draft.get("kind")
    return _render(
        request, key, draft, "kind", {"form": form, "choices": choices, "selected": selected}
    )


def _step_decision(request, key, draft):
    saved = draft.get("decision") or {}
    initial = {
        **saved,
        **{
            f: dt.date.fromisoformat(saved[f]) for f in ("decided_on", "effective_on") if f in saved
        },
    }
    form = DecisionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft["decision"] = {
            **data,
            "decided_on": data["decided_on"].isoformat(),
            "effective_on": data["effective_on"].isoformat(),
        }
        return _advance(request, key, draft, "decision")
    return _render(request, key, draft, "decision", {"form": form})


def _picker(request, key, draft, step, extra):
    """Shared by the units step and the merge target: chosen units and a search."""
    query = request.GET.get("q", "")
    context = {
        "query": query,
        "candidates": wizard.candidates(request.user, draft, query),
        "pick_action": "target" if step == "results" else "add",
        "limit": wizard.PICKER_LIMIT,
        **extra,
    }
    if request.htmx:
        return render(request, "units/_picker.html#candidates", context)
    return _render(request, key, draft, step, context)


def _pickable(request, draft, errors: list) -> int | None:
    """The posted unit id if the user may pick it on the effective date; otherwise
    None, with the reason added to `errors`."""
    value = request.POST.get("unit", "")
    day = wizard.effective_on(draft)
    if (
        value.isdigit()
        and changeable_units(request.user, Unit.objects.active_on(day).filter(pk=value)).exists()
    ):
        return int(value)
    errors.append(_("This unit is outside your scope or not active on that date."))
    return None


def _back_to_picker(request, key, step):
    url = reverse("units:restructuring_step", args=[key, step])
    query = request.POST.get("q", "")
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


def _step_sources(request, key, draft):
    low, high = wizard.SOURCE_LIMITS[draft["kind"]]
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            unit_id = _pickable(request, draft, errors)
            if unit_id is not None and unit_id not in draft["sources"]:
                draft["sources"] = ([] if high == 1 else draft["sources"]) + [unit_id]
        elif action == "remove":
            draft["sources"] = [i for i in draft["sources"] if str(i) != request.POST.get("unit")]
        elif action == "next":
            if wizard.step_done(draft, "sources"):
                return _advance(request, key, draft, "sources")
            errors.append(_source_count_message(draft["kind"], low, high))
        wizard.draft_save(request.session, key, draft)
        if not errors:
            return _back_to_picker(request, key, "sources")
    extra = {"chosen": wizard.chosen_units(draft["sources"]), "errors": errors}
    return _picker(request, key, draft, "sources", extra)


def _source_count_message(kind, low, high) -> str:
    if high == 1:
        return _("Choose exactly one unit for this kind of restructuring.")
    if low >= 2:
        return _("Choose at least two units: a consolidation joins two or more units.")
    return _("Choose at least one unit.")


def _step_results(request, key, draft):
    kind = draft["kind"]
    if kind == K.MERGE:
        return _results_merge(request, key, draft)
    sources = wizard.chosen_units(draft["sources"])
    near = sources[0].area if sources else request.user.scope_area
    day = wizard.effective_on(draft)
    options = {
        "agencies": wizard.agency_options(request.user, day, near),
        "areas": wizard.area_options(request.user, day, near),
    }
    if kind == K.TRANSFER:
        initial = {"new_parent": draft.get("new_parent"), "new_area": draft.get("new_area")}
        form = TransferForm(_posted(request), initial=initial, **options)
        if request.method == "POST" and form.is_valid():
            draft.update(form.cleaned_data, results_done=True)
            return _advance(request, key, draft, "results")
        return _render(request, key, draft, "results", {"form": form, "sources": sources})
    if kind == K.RENAME:
        source = sources[0]
        initial = draft.get("rename") or {
            "name": source.name,
            "sector": source.sector,
            "autonomy_group": source.autonomy_group,
        }
        form = RenameForm(_posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            rename = {"name": form.cleaned_data["name"].strip()}
            if source.kind == UnitKind.SERVICE:
                rename["sector"] = form.cleaned_data["sector"] or source.sector
                rename["autonomy_group"] = form.cleaned_data["autonomy_group"]
            draft.update(rename=rename, results_done=True)
            return _advance(request, key, draft, "results")
        return _render(request, key, draft, "results", {"form": form, "sources": sources})
    return _results_new_units(request, key, draft, sources, options)


def _results_new_units(request, key, draft, sources, options):
    low, high = wizard.NEW_UNIT_LIMITS[draft["kind"]]
    initial = draft["new_units"] or wizard.new_unit_initial(draft, sources, request.user)
    errors = []
    if request.method == "POST":
        formset = NewUnitFormSet(request.POST, prefix="new", **options)
        if formset.is_valid():
            rows = [form.cleaned_data for form in formset]
            action = request.POST.get("action")
            if action == "add_row" and (high is None or len(rows) < high):
                rows.append({**rows[-1], "name": "", "code": "", "staff_moved": None})
            elif action and action.startswith("remove_row:") and len(rows) > low:
                rows.pop(int(action.split(":", 1)[1]))
            draft["new_units"] = rows
            if action == "next":
                if len(rows) < low:
                    errors.append(_("This kind of restructuring needs more new units."))
                else:
                    draft["results_done"] = True
                    return _advance(request, key, draft, "results")
            wizard.draft_save(request.session, key, draft)
            if not errors:
                return redirect("units:restructuring_step", key=key, step="results")
    else:
        formset = NewUnitFormSet(initial=initial, prefix="new", **options)
    context = {
        "formset": formset,
        "sources": sources,
        "errors": errors,
        "can_add": high is None or len(initial) < high,
        "can_remove": len(initial) > low,
    }
    return _render(request, key, draft, "results", context)


def _results_merge(request, key, draft):
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "target":
            unit_id = _pickable(request, draft, errors)
            if unit_id is not None:
                draft["target"] = unit_id
        elif action == "clear_target":
            draft["target"] = None
        elif action == "next":
            if draft.get("target"):
                draft["results_done"] = True
                return _advance(request, key, draft, "results")
            errors.append(_("Choose the unit that absorbs the others."))
        wizard.draft_save(request.session, key, draft)
        if not errors:
            return _back_to_picker(request, key, "results")
    target = wizard.chosen_units([draft["target"]]) if draft.get("target") else []
    extra = {"sources": wizard.chosen_units(draft["sources"]), "target": target, "errors": errors}
    return _picker(request, key, draft, "results", extra)


def _step_preview(request, key, draft):
    kwargs = wizard.plan_kwargs(draft)
    form = ConfirmForm(_posted(request), request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            restructuring = restructuring_apply(
                actor=request.user, decision_file=form.cleaned_data["decision_file"], **kwargs
            )
        except ValidationError as error:
            errors = error.messages
        else:
            wizard.draft_drop(request.session, key)
            messages.success(
                request,
                _("Decision %(number)s was recorded.") % {"number": restructuring.decision_number},
            )
            return redirect("units:restructuring_detail", pk=restructuring.pk)
    plan = allowed = None
    try:
        plan = restructuring_plan(**kwargs)
    except ValidationError as error:
        errors = errors or error.messages
    else:
        allowed = can_restructure(request.user, plan)
    context = {
        "form": form,
        "plan": plan,
        "allowed": allowed,
        "errors": errors,
        "scopes": _scope_changes(plan) if plan else [],
    }
    status = 400 if errors and request.method == "POST" else 200
    return _render(request, key, draft, "preview", context, status=status)


def _scope_changes(plan) -> list[dict]:
    """Active service units on the effective date per affected area and managing
    body: now, the change, and after the decision."""
    day = plan.decision.effective_on
    services = Unit.objects.filter(kind=UnitKind.SERVICE).active_on(day)
    rows = []
    for area, change in plan.deltas():
        now = services.filter(area_subtree_q(area)).count()
        rows.append(
            {"label": area.name, "level": area.get_level_display(), "now": now, "change": change}
        )
    bodies: dict[int, int] = {}
    for units, sign in ((plan.ceasing, -1), (plan.results, +1)):
        for unit in units:
            if unit.kind == UnitKind.SERVICE and unit.parent_id:
                bodies[unit.parent_id] = bodies.get(unit.parent_id, 0) + sign
    for body in Unit.objects.filter(pk__in=bodies).order_by("name_folded"):
        now = services.filter(parent=body).count()
        rows.append(
            {"label": body.name, "level": _("Managing body"), "now": now, "change": bodies[body.pk]}
        )
    for row in rows:
        row["after"] = row["now"] + row["change"]
    return rows


STEPS = {
    "kind": _step_kind,
    "decision": _step_decision,
    "sources": _step_sources,
    "results": _step_results,
    "preview": _step_preview,
}


@login_required
@require_POST
def restructuring_reverse_view(request, pk: int):
    restructuring = get_object_or_404(Restructuring, pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("units:restructuring_detail", pk=pk)
    try:
        restructuring_reverse(
            restructuring_id=restructuring.pk,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The decision was reversed."))
    return redirect("units:restructuring_detail", pk=pk)
