"""Plans and their tasks: list with progress, the plan's page, create and edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from units.forms.common import add_service_errors
from units.models import Area
from units.text import parse_id
from units.views.common import paginate

from ..forms.plans import PlanForm, task_formset, task_rows
from ..forms.report import with_extra_rows
from ..models import Plan
from ..permissions import may_create_plan, may_edit_plan
from ..plan_scope import may_read_plan, visible_plans
from ..selectors.plans import plan_list, plan_progress, responsible_choices
from ..services.plans import plan_save


@login_required
@require_safe
def plans(request):
    queryset = visible_plans(request.user, plan_list()).order_by("-date", "-id")
    context = {"may_create": may_create_plan(request.user), **paginate(request, queryset)}
    return render(request, "supervision/plan_list.html", context)


@login_required
@require_safe
def plan_detail(request, pk: int):
    plan = get_object_or_404(Plan.objects.select_related("area"), pk=pk)
    if not may_read_plan(request.user, plan):
        raise Http404
    tasks = list(plan.tasks.select_related("responsible_unit"))
    context = {
        "plan": plan,
        "tasks": tasks,
        "progress": plan_progress(tasks),
        "editable": may_edit_plan(request.user, plan),
    }
    return render(request, "supervision/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int | None = None):
    plan = get_object_or_404(Plan, pk=pk) if pk else None
    if plan is None and not may_create_plan(request.user):
        raise PermissionDenied
    if plan is not None and not may_edit_plan(request.user, plan):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    if data is not None and "add_rows" in data:
        data = with_extra_rows(data, prefixes=("tasks",))
    initial = None
    if plan is not None:
        initial = {
            name: getattr(plan, name)
            for name in ("number", "date", "issuer", "title", "implements")
        } | {"area": plan.area_id}
    form = PlanForm(data, initial=initial)
    area_id = parse_id((data or {}).get("area", "")) or (plan.area_id if plan else None)
    area = Area.objects.filter(pk=area_id).first() if area_id else None
    tasks = task_formset(plan, data, agencies=responsible_choices(area))
    if request.method == "POST" and "add_rows" not in request.POST:
        if form.is_valid() and tasks.is_valid():
            rows = task_rows(tasks)
            try:
                saved = plan_save(
                    actor=request.user,
                    plan_id=plan.pk if plan else None,
                    data=form.cleaned_data,
                    tasks=[row for _i, row in rows],
                )
            except ValidationError as error:
                add_service_errors(form, error, {"tasks": (tasks, [i for i, _row in rows])})
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("supervision:plan_detail", pk=saved.pk)
        messages.error(request, _("Nothing was saved: correct what is marked below."))
    return render(
        request, "supervision/plan_form.html", {"form": form, "tasks": tasks, "plan": plan}
    )
