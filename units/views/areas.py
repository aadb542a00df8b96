"""The area tree and the organisation tree as of a date."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from ..forms.area_picker import AreaPicker
from ..forms.common import DATE_WIDGET
from ..selectors import areas, units
from ..text import clean_text
from .common import date_param, id_param


@login_required
@require_safe
def area_tree(request, pk: int | None = None):
    day = date_param(request, "on") or timezone.localdate()
    parent = None
    if pk is not None:
        parent = areas.area_for_tree(pk)
        if parent is None:
            raise Http404
    context = {
        "day": day,
        "parent": parent,
        "nodes": areas.area_nodes(user=request.user, day=day, parent=parent),
        "date_widget": DATE_WIDGET.render("on", day, attrs={"id": "id_on"}),
    }
    if parent is not None:
        if not request.htmx:
            raise Http404
        return render(request, "units/area_tree.html#children", context)
    context["unplaced"] = units.units_in_ended_areas(day, request.user)
    context["total"] = sum(node.service_count for node in context["nodes"])
    return render(request, "units/area_tree.html", context)


@login_required
@require_safe
def org_tree(request, pk: int | None = None):
    day = date_param(request, "on") or timezone.localdate()
    parent = None
    if pk is not None:
        parent = areas.org_parent(user=request.user, pk=pk)
        if parent is None:
            raise Http404
    context = {
        "day": day,
        "nodes": areas.org_nodes(user=request.user, day=day, parent=parent),
        "date_widget": DATE_WIDGET.render("on", day, attrs={"id": "id_on"}),
    }
    if parent is not None:
        if not request.htmx:
            raise Http404
        return render(request, "units/org_tree.html#children", context)
    return render(request, "units/org_tree.html", context)


FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]{0,40}")


@login_required
@require_GET
def area_pick(request):
    """The area type-ahead: the options matching `q`, or (with `choose`) the
    widget again with an area chosen, which tells the page with an event."""
    field = request.GET.get("field", "")
    if not FIELD_NAME.fullmatch(field):
        raise Http404
    scoped = request.GET.get("scoped") == "1"
    day = date_param(request, "on")
    widget = AreaPicker(scoped=scoped, day=day)
    if "choose" in request.GET:
        pk = id_param(request.GET, "choose")
        allowed = areas.area_choices_for(request.user, scoped=scoped, day=day)
        chosen = allowed.filter(pk=pk).first() if pk else None
        response = HttpResponse(widget.render(field, chosen.pk if chosen else None))
        # After the swap, so that the form sends the new hidden value.
        response["HX-Trigger-After-Swap"] = "area-chosen"
        return response
    query = clean_text(request.GET.get("q", ""))
    context = {
        "areas": areas.area_search(user=request.user, query=query, scoped=scoped, day=day),
        "query": query,
        "field": field,
        "search_url": reverse("units:area_pick"),
        "params": widget.get_context(field, None, {})["widget"]["params"],
        "limit": areas.PICK_LIMIT,
    }
    return render(request, "units/_area_options.html", context)
