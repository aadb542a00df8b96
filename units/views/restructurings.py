"""Restructurings: the list of decisions (with exports), a decision's page, its
file, and annulling it after a confirmation that shows what will be restored."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import exports
from ..forms.restructuring_form import ReverseForm
from ..models import Restructuring
from ..scope import may_restructure
from ..selectors import restructurings as decisions
from ..selectors.lineage import links_by_role
from ..selectors.restructuring_export import decision_rows_all
from ..services.restructuring_rules import can_reverse
from ..services.restructurings import restructuring_reverse, reversal_blocker
from ..versions import data_version
from .common import paginate


@login_required
@require_safe
def restructuring_list(request):
    filterset = decisions.restructuring_filterset(user=request.user, params=request.GET)
    if filterset.is_valid():
        groups = decisions.decision_groups(filterset)
    else:
        groups = Restructuring.objects.none().values("id")
    context = {
        "filter": filterset,
        **paginate(request, groups, version=data_version()),
        "may_record": may_restructure(request.user),
    }
    context["rows"] = decisions.decision_rows_page(context["page"].object_list, filterset)
    return render(request, "units/restructuring_list.html", context)


@login_required
@require_safe
def restructuring_export(request, fmt: str):
    filterset = decisions.restructuring_filterset(user=request.user, params=request.GET)
    if not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("units:restructuring_list")
    rows = exports.decision_rows(decision_rows_all(filterset))
    name = f"sap-xep-{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        return exports.csv_response(name, exports.decision_columns(), rows)
    return exports.xlsx_response(name, exports.decision_columns(), rows)


def _visible_or_404(request, pk: int) -> Restructuring:
    restructuring = decisions.restructuring_for_page(user=request.user, pk=pk)
    if restructuring is None:
        raise Http404
    return restructuring


@login_required
@require_safe
def restructuring_detail(request, pk: int):
    restructuring = _visible_or_404(request, pk)
    counts = decisions.link_counts(restructuring)
    pages = paginate(request, range(max(counts.values())), size=decisions.LINKS_PER_PAGE)
    page = pages["page"]
    sources, results = decisions.links_page(
        restructuring, start=page.start_index() - 1, stop=page.end_index()
    )
    siblings, siblings_total = decisions.decision_siblings(
        user=request.user, restructuring=restructuring
    )
    context = {
        "r": restructuring,
        "sources": sources,
        "results": results,
        "counts": counts,
        **pages,
        "siblings": siblings,
        "siblings_more": siblings_total - len(siblings),
        "may_reverse": not restructuring.is_reversed and can_reverse(request.user, restructuring),
    }
    return render(request, "units/restructuring_detail.html", context)


@login_required
@require_safe
def decision_file(request, pk: int):
    """The decision's PDF, for whoever may see the decision."""
    restructuring = _visible_or_404(request, pk)
    if not restructuring.decision_file:
        raise Http404
    try:
        handle = restructuring.decision_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = f"{restructuring.decision_number.replace('/', '-')}.pdf"
    return FileResponse(handle, content_type="application/pdf", filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
def restructuring_reverse_view(request, pk: int):
    """GET shows what annulling the decision restores and removes; POST, with a
    reason, annuls it."""
    restructuring = _visible_or_404(request, pk)
    if not can_reverse(request.user, restructuring):
        raise PermissionDenied
    if restructuring.is_reversed:
        messages.error(request, _("This decision has already been reversed."))
        return redirect("units:restructuring_detail", pk=pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restructuring_reverse(
                restructuring_id=restructuring.pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision was annulled."))
        return redirect("units:restructuring_detail", pk=pk)
    sources, results = links_by_role(restructuring)
    context = {
        "r": restructuring,
        "form": form,
        "reopened": [link for link in sources if link.ceases],
        "restored": [link for link in sources if link.before and link.after],
        "removed": [link for link in results if link.created],
        "blocker": reversal_blocker(restructuring, [*sources, *results]),
    }
    return render(request, "units/restructuring_reverse.html", context)
