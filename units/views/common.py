"""Helpers shared by the views: pagination, query strings, parameters from the
URL, and the frame of the guided restructuring form."""

import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..choices import RestructuringKind
from ..forms import restructuring_draft as drafts
from ..selectors import pickers
from ..text import parse_date, parse_id
from ..versions import cached, digest

PAGE_SIZE = 50
PAGER_WINDOW = 2


def query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


class CachedCountPaginator(Paginator):
    """A paginator whose row count is cached for a version of the data (the COUNT
    of a national list costs more than the page itself): the registry's version
    for units and restructurings, the last entry's id for the audit log."""

    def __init__(self, *args, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version

    @cached_property
    def count(self) -> int:
        try:
            sql, params = self.object_list.query.sql_with_params()
        except EmptyResultSet:  # an invalid filter: .none()
            return 0
        key = f"count:{self.version}:{digest(sql, params)}"
        return cached(key, lambda: Paginator.count.func(self))


def paginate(request, queryset, *, size: int = PAGE_SIZE, version: str | None = None) -> dict:
    """The page asked for in the URL and what the pager needs: first, last and
    the page numbers around the current one. With a `version` of the data, the
    row count is cached for it."""
    if version is None:
        paginator = Paginator(queryset, size)
    else:
        paginator = CachedCountPaginator(queryset, size, version=version)
    page: Page = paginator.get_page(request.GET.get("page"))
    last = page.paginator.num_pages
    numbers = range(max(1, page.number - PAGER_WINDOW), min(last, page.number + PAGER_WINDOW) + 1)
    return {"page": page, "page_numbers": list(numbers), "query": query_without(request, "page")}


def date_param(request, name: str) -> dt.date | None:
    return parse_date(request.GET.get(name, ""))


def id_param(data, name: str) -> int | None:
    return parse_id(data.get(name, ""))


def full_page_wanted(request) -> bool:
    """An ordinary request, or htmx restoring a page the browser history lost:
    both need the whole page, not a fragment."""
    return not request.htmx or request.htmx.history_restore_request


# The frame of the guided restructuring form (views/restructuring_form.py and
# views/restructuring_results.py).


def posted(request):
    """The POST data to bind a form to, even when it is empty; None on GET."""
    return request.POST if request.method == "POST" else None


def render_step(request, key, draft, step, context, status=200):
    steps = drafts.steps_for(draft.get("kind"))
    kind = draft.get("kind")
    context.update(
        key=key,
        draft=draft,
        step=step,
        kind_label=RestructuringKind(kind).label if kind else "",
        steps=[(name, drafts.STEP_LABELS[name], drafts.step_done(draft, name)) for name in steps],
        day=drafts.effective_on(draft),
    )
    return render(request, "units/restructuring_form.html", context, status=status)


def advance(request, key, draft, step):
    drafts.draft_save(request.session, key, draft)
    steps = drafts.steps_for(draft["kind"])
    return redirect("units:restructuring_step", key=key, step=steps[steps.index(step) + 1])


def back_to(request, key, step, **params):
    """Back to a step with its searches kept (after a pick or a removal). After
    a pick (`picked`), the search the clerk picked from is focused (autofocus,
    which a URL fragment would cancel): the page opened at its top, the next
    unit 13 tabs away."""
    url = reverse("units:restructuring_step", args=[key, step])
    kept = {name: value for name, value in params.items() if value}
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


def picker(request, key, draft, step, extra):
    """Chosen units and a search over the units the clerk may pick (the units step
    and a merger's absorbing unit)."""
    query = request.GET.get("q", "")
    exclude = [*draft["sources"], draft.get("target") or 0]
    context = {
        "query": query,
        "candidates": pickers.candidates(
            request.user, day=drafts.effective_on(draft), query=query, exclude=exclude
        ),
        "pick_action": "target" if step == "results" else "add",
        "limit": pickers.PICKER_LIMIT,
        **extra,
    }
    if request.htmx:
        return render(request, "units/_picker.html#candidates", context)
    return render_step(request, key, draft, step, context)


def pickable_posted(request, draft, errors: list) -> int | None:
    """The posted unit id if the user may pick it on the effective date; otherwise
    None, with the reason added to `errors`."""
    unit_id = id_param(request.POST, "unit")
    day = drafts.effective_on(draft)
    if unit_id is not None and pickers.pickable(request.user, day=day, unit_id=unit_id):
        return unit_id
    errors.append(_("This unit is outside your scope or not active on that date."))
    return None
