"""Pages that belong to the portal as a whole: the public landing page (units and,
later, supervision), /health/, and the error pages in the user's language."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from supervision.selectors.sessions import latest_published
from units.api.errors import problem_response
from units.selectors.units import heartbeat_last, national_headline

logger = logging.getLogger(__name__)


@require_safe
def landing(request):
    today = timezone.localdate()
    context = {"headline": national_headline(today), "published": latest_published(5)}
    return render(request, "landing.html", context)


@require_safe
def health(request):
    """Database, cache and the Celery heartbeat: JSON for machines, HTML for people.
    Anonymous callers (load balancers, the public) get the status only."""
    checks = {"database": _check_database(), "cache": _check_cache()}
    beat = _heartbeat() if checks["database"]["ok"] else None
    age = (timezone.now() - beat.last_run_at).total_seconds() if beat else None
    checks["celery"] = {
        "ok": beat is not None and age <= settings.HEARTBEAT_SECONDS * 3,
        "last_run_at": beat.last_run_at.isoformat() if beat else None,
        "age_seconds": round(age) if age is not None else None,
        "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    }
    ok = checks["database"]["ok"] and checks["cache"]["ok"]
    status = 200 if ok else 503
    detailed = request.user.is_authenticated
    payload = {"ok": ok}
    if detailed:
        payload |= {"checks": checks, "mode": "embedded" if settings.EMBEDDED else "production"}
    wants_json = request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        return JsonResponse(payload, status=status)
    context = {"health": payload, "checks": checks if detailed else None, "beat": beat}
    return render(request, "health.html", context, status=status)


def _heartbeat():
    try:
        return heartbeat_last()
    except Exception:  # noqa: BLE001 - the database check already says what failed
        return None


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}


def _check_cache() -> dict:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    try:
        cache.set("health-probe", "1", 10)
        return {"ok": cache.get("health-probe") == "1", "backend": backend}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "backend": backend, "error": str(exc)[:200]}


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


def server_error(request):
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
