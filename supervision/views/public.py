"""The public page (no sign-in): published sessions with their report,
conclusions and recommendations and the state of each, searchable, with the
national headline figures (the publication duty of Điều 89, Luật 87/2015/QH13)."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from units.selectors.units import national_headline
from units.views.common import paginate

from ..selectors.sessions import deadlines_of, findings_by_kind, published_sessions, session_detail


@require_safe
def public_sessions(request):
    query = request.GET.get("q", "")
    context = {
        "query": query,
        "headline": national_headline(timezone.localdate()),
        **paginate(request, published_sessions(query), size=20),
    }
    return render(request, "supervision/public_list.html", context)


@require_safe
def public_session(request, pk: int):
    session = session_detail(pk, published_only=True)
    if session is None:
        raise Http404
    context = {
        "session": session,
        "findings": findings_by_kind(session),
        "deadlines": deadlines_of(session),
        "today": timezone.localdate(),
    }
    return render(request, "supervision/public_session.html", context)
