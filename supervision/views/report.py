"""The result report: written on one page (findings and recommendations with
rows to add), printed, and exported as a Word document in the official form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from units.forms.common import add_service_errors

from ..forms.report import (
    finding_rows,
    recommendation_rows,
    report_forms,
    with_extra_rows,
)
from ..permissions import may_edit_session, may_read_session
from ..reports import report_context, report_docx
from ..rules import response_due
from ..selectors.sessions import session_detail
from ..services.report import report_file
from ..services.sessions import REPORT_EDITABLE
from .common import session_or_404

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    session = session_or_404(pk)
    if not may_edit_session(request.user, session):
        raise PermissionDenied
    if session.status not in REPORT_EDITABLE:
        messages.error(
            request, _("The report is written while the session runs, until it is concluded.")
        )
        return redirect("supervision:session_detail", pk=pk)
    data = request.POST if request.method == "POST" else None
    if data is not None and "add_rows" in data:
        data = with_extra_rows(data)
    header, findings, recs = report_forms(session, data)
    if request.method == "POST" and "add_rows" not in request.POST:
        valid = all([header.is_valid(), findings.is_valid(), recs.is_valid()])
        if valid:
            finding_list = finding_rows(findings)
            rec_list = recommendation_rows(recs)
            try:
                report_file(
                    actor=request.user,
                    session_id=pk,
                    header=header.cleaned_data,
                    findings=[row for _i, row in finding_list],
                    recommendations=[row for _i, row in rec_list],
                )
            except ValidationError as error:
                shown = {
                    "findings": (findings, [i for i, _r in finding_list]),
                    "recommendations": (recs, [i for i, _r in rec_list]),
                }
                add_service_errors(header, error, shown)
            else:
                messages.success(request, _("The report is saved."))
                return redirect("supervision:session_detail", pk=pk)
        messages.error(request, _("Nothing was saved: correct what is marked below."))
    suggested = response_due(session, session.report_date) if session.report_date else None
    context = {
        "session": session,
        "header": header,
        "findings": findings,
        "recs": recs,
        "suggested_due": suggested,
    }
    return render(request, "supervision/report_form.html", context)


def _readable(request, pk: int):
    """The report as the signed-in may read it, or a published one for anyone."""
    session = session_detail(pk, published_only=not request.user.is_authenticated)
    if session is None or not session.report_date:
        raise Http404
    unpublished = request.user.is_authenticated and not session.is_published
    if unpublished and not may_read_session(request.user, session):
        raise Http404
    return session


@require_safe
def report_print(request, pk: int):
    session = _readable(request, pk)
    context = {**report_context(session), "printing": True}
    return render(request, "supervision/report_print.html", context)


@require_safe
def report_download(request, pk: int):
    session = _readable(request, pk)
    response = HttpResponse(report_docx(session), content_type=DOCX_TYPE)
    name = f"bao-cao-giam-sat-{session.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
