"""The jobs page: the figures' recompute runs with their duration, rows,
progress and errors, and the admins' "recompute everything" button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ..models import RecomputeMark, RecomputeRun
from ..services.figures import figures_recompute_all
from .common import paginate


@login_required
@require_safe
def recompute_runs(request):
    runs = RecomputeRun.objects.all()
    context = {
        **paginate(request, runs),
        "running": runs.filter(status=RecomputeRun.Status.RUNNING).exists(),
        "pending": RecomputeMark.objects.count(),
    }
    template = "units/recompute_runs.html"
    if request.headers.get("HX-Request"):
        template += "#runs"
    return render(request, template, context)


@login_required
@require_POST
def recompute_all(request):
    if not request.user.is_admin:
        raise PermissionDenied
    figures_recompute_all(actor=request.user)
    messages.success(request, _("A full recompute was started; its progress shows below."))
    return redirect("units:recompute_runs")
