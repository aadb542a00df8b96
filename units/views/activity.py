"""The activity log (audit entries the user may see)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..selectors import activity as audit
from .common import paginate


@login_required
@require_safe
def activity(request):
    entries = audit.activity(user=request.user, params=request.GET)
    # Entries are only ever added: the last one's id versions the row count.
    context = {
        **paginate(request, entries, version=audit.last_entry_id()),
        "params": request.GET,
    }
    return render(request, "units/activity.html", context)
