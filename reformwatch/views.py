"""Pages that belong to the portal as a whole: the public landing page (units and
supervision) and the error pages in the user's language (/health/ is in
reformwatch/health.py)."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from supervision.selectors.sessions import latest_published
from units.api.errors import (
    RETRY_AFTER,
    DatabaseUnavailable,
    database_unavailable,
    problem_response,
)
from units.selectors.data_quality import quality_total
from units.selectors.units import national_headline

logger = logging.getLogger(__name__)


@require_safe
def landing(request):
    today = timezone.localdate()
    context = {
        "headline": national_headline(today),
        "published": latest_published(5),
        "quality_total": quality_total(request.user, today),  # clerks only
    }
    return render(request, "landing.html", context)


def _error_page(request, status: int, title: str, message: str, code: str):
    if request.path.startswith("/api/"):  # other systems read problem details, not a page
        return problem_response(status, message, code)
    context = {"status": status, "title": title, "message": message}
    try:
        return render(request, "error.html", context, status=status)
    except Exception:  # noqa: BLE001 - an error page must not fail in turn
        logger.exception("The error page could not be rendered")
        body = loader.render_to_string("error_plain.html", context)
        return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    if database_unavailable(exception):  # a session that could not be saved
        return _unavailable(request)
    if isinstance(exception, RequestDataTooBig):  # more than DATA_UPLOAD_MAX_MEMORY_SIZE
        return _error_page(
            request,
            413,
            _("Too large"),
            _("What was sent is larger than the portal accepts."),
            "too_large",
        )
    return _error_page(
        request,
        400,
        _("Bad request"),
        _("The request could not be understood. Please try again."),
        "bad_request",
    )


def permission_denied(request, exception=None):
    return _error_page(
        request,
        403,
        _("Not allowed"),
        _("Your account may not do this, or the object lies outside your scope."),
        "permission_denied",
    )


def page_not_found(request, exception=None):
    return _error_page(
        request,
        404,
        _("Page not found"),
        _("The page does not exist or is no longer available. Check the address."),
        "not_found",
    )


def _unavailable(request):
    """The database gone for a moment: 503, and when to try again."""
    response = _error_page(
        request,
        503,
        _("Temporarily unavailable"),
        DatabaseUnavailable.default_detail,
        DatabaseUnavailable.default_code,
    )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request):
    if database_unavailable(sys.exception()):  # handler500 runs inside the except
        return _unavailable(request)
    return _error_page(
        request,
        500,
        _("Something went wrong"),
        _("The error has been recorded. Please try again in a moment."),
        "error",
    )


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page: why, for how long, and who can unlock."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def csrf_failure(request, reason=""):
    return _error_page(
        request,
        403,
        _("The form has expired"),
        _("Reload the page and send the form again (it was open too long, or cookies are off)."),
        "csrf_failed",
    )
