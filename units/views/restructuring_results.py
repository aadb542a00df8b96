"""The results step of the guided form, one variant per kind: the new units
(establish, consolidate, split, spin off), the absorbing unit of a merger, the
destination of a transfer, the new name of a rename."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..choices import RestructuringKind, UnitKind
from ..forms import restructuring_draft as drafts
from ..forms.restructuring_form import RenameForm, new_unit_formset
from ..selectors import pickers
from ..selectors.areas import area_choices_for
from ..text import parse_id
from .common import advance, back_to, id_param, pickable_posted, picker, posted, render_step

K = RestructuringKind


def step_results(request, key, draft):
    kind = draft["kind"]
    if kind == K.MERGE:
        return _merge_target(request, key, draft)
    if kind == K.TRANSFER:
        return _transfer_destination(request, key, draft)
    sources = pickers.chosen_units(draft["sources"])
    if kind == K.RENAME:
        return _rename(request, key, draft, sources[0])
    return _new_units(request, key, draft, sources)


def _new_units(request, key, draft, sources):
    low, high = drafts.NEW_UNIT_LIMITS[draft["kind"]]
    formset_class = new_unit_formset(low, high)
    day = drafts.effective_on(draft)
    near = sources[0].area if sources else request.user.scope_area
    options = {
        "agencies": pickers.agency_options(request.user, day, near),
        "areas": area_choices_for(request.user, scoped=True, day=day),
        "day": day,
    }
    errors = []
    initial = draft["new_units"] or drafts.new_unit_initial(draft, sources, request.user)
    if request.method == "POST":
        formset = formset_class(request.POST, prefix="new", **options)
        action = request.POST.get("action", "")
        if not formset.management_form.is_valid():
            # The row count came back unreadable: show the rows as last saved.
            errors.append(_("The form was sent incomplete; please try again."))
            formset = formset_class(initial=initial, prefix="new", **options)
        elif action.startswith("remove_row:"):
            # A row being removed need not be valid: keep what was typed in the others.
            rows = [{name: form[name].value() for name in form.fields} for form in formset]
            index = parse_id(action.removeprefix("remove_row:"))
            if index is None or index >= len(rows) or len(rows) <= low:
                errors.append(_("That row cannot be removed."))
            else:
                rows.pop(index)
                draft.update(new_units=rows, results_done=False)
                drafts.draft_save(request.session, key, draft)
                return redirect("units:restructuring_step", key=key, step="results")
        elif formset.is_valid():
            rows = [form.cleaned_data for form in formset]
            if action == "next":
                draft.update(new_units=rows, results_done=True)
                return advance(request, key, draft, "results")
            if action == "add_row" and (high is None or len(rows) < high):
                rows.append({**rows[-1], "name": "", "code": "", "staff_moved": None})
            draft.update(new_units=rows, results_done=False)
            drafts.draft_save(request.session, key, draft)
            return redirect("units:restructuring_step", key=key, step="results")
    else:
        formset = formset_class(initial=initial, prefix="new", **options)
    count = len(formset.forms)
    context = {
        "formset": formset,
        "sources": sources,
        "errors": errors + list(formset.non_form_errors() if formset.is_bound else []),
        "can_add": high is None or count < high,
        "can_remove": count > low,
    }
    return render_step(request, key, draft, "results", context)


def _rename(request, key, draft, source):
    initial = draft.get("rename") or {
        "name": source.name,
        "sector": source.sector,
        "autonomy_group": source.autonomy_group,
    }
    form = RenameForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        rename = {"name": form.cleaned_data["name"].strip()}
        if source.kind == UnitKind.SERVICE:
            rename["sector"] = form.cleaned_data["sector"] or source.sector
            rename["autonomy_group"] = form.cleaned_data["autonomy_group"]
        draft.update(rename=rename, results_done=True)
        return advance(request, key, draft, "results")
    return render_step(request, key, draft, "results", {"form": form, "sources": [source]})


def _merge_target(request, key, draft):
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "target":
            unit_id = pickable_posted(request, draft, errors)
            if unit_id in draft["sources"]:
                errors.append(_("The absorbing unit cannot also be one of the absorbed units."))
            elif unit_id is not None:
                draft["target"] = unit_id
        elif action == "clear_target":
            draft["target"] = None
        elif action == "next":
            if draft.get("target"):
                draft["results_done"] = True
                return advance(request, key, draft, "results")
            errors.append(_("Choose the unit that absorbs the others."))
        drafts.draft_save(request.session, key, draft)
        if not errors:
            return back_to(request, key, "results", q=request.POST.get("q", ""), picked=1)
    target = pickers.chosen_units([draft["target"]]) if draft.get("target") else []
    extra = {"sources": pickers.chosen_units(draft["sources"]), "target": target, "errors": errors}
    return picker(request, key, draft, "results", extra)


def _transfer_destination(request, key, draft):
    """The new managing body, picked from every active agency in the country (the
    units moved must be in the clerk's scope, their destination need not), and
    the new area: the body's, one searched for, or unchanged."""
    day = drafts.effective_on(draft)
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "parent":
            body = pickers.destination_agency(day=day, pk=id_param(request.POST, "unit"))
            if body is None:
                errors.append(_("Choose a managing body active on the effective date."))
            else:
                draft["new_parent"] = body.pk
        elif action == "area_of_parent":
            body = pickers.destination_agency(day=day, pk=draft.get("new_parent"))
            if body is None:
                errors.append(_("Choose the new managing body first."))
            elif not body.area.is_valid_on(day):
                errors.append(_("The managing body's area is not valid on the effective date."))
            else:
                draft["new_area"] = body.area_id
        elif action == "area":
            area = pickers.destination_area(day=day, pk=id_param(request.POST, "area"))
            if area is None:
                errors.append(_("Choose an area valid on the effective date."))
            else:
                draft["new_area"] = area.pk
        elif action in ("clear_parent", "clear_area"):
            draft["new_parent" if action == "clear_parent" else "new_area"] = None
        elif action == "next":
            if draft.get("new_parent") or draft.get("new_area"):
                draft["results_done"] = True
                return advance(request, key, draft, "results")
            errors.append(_("A transfer needs its new managing body or area."))
        draft["results_done"] = False
        drafts.draft_save(request.session, key, draft)
        if not errors:
            return back_to(request, key, "results")
    q_parent, q_area = request.GET.get("q_parent", ""), request.GET.get("q_area", "")
    context = {
        "sources": pickers.chosen_units(draft["sources"]),
        "new_parent": pickers.chosen_units(
            [draft["new_parent"]] if draft.get("new_parent") else []
        ),
        "new_area": pickers.destination_area(day=day, pk=draft.get("new_area")),
        "q_parent": q_parent,
        "q_area": q_area,
        "agencies": pickers.destination_agencies(day=day, query=q_parent) if q_parent else [],
        "areas": pickers.destination_areas(day=day, query=q_area) if q_area else [],
        "limit": pickers.PICKER_LIMIT,
        "errors": errors,
    }
    if request.htmx and request.GET.get("pick") in ("parent", "area"):
        partial = "agencies" if request.GET["pick"] == "parent" else "areas"
        return render(request, f"units/_destination.html#{partial}", context)
    return render_step(request, key, draft, "results", context)
