"""Every error the API answers, as RFC 9457 problem details
(`application/problem+json`): `type`, `title`, `status`, `detail` and `errors`,
a list of {field, code, message} whose field is the path of the input it is
about ("decision.number", "new_units.0.name", "findings.2.text") or null.

drf-standardized-errors runs the handler; here a Django ValidationError raised
by a service becomes a 400 with its field paths and messages (in the request's
language), or a 409 when another decision got to the units first; a refused
permission a 403; nothing of bad input becomes a 500. The pages' error views
answer the same body for a path under /api/ (`problem_response`)."""

import json
from http import HTTPStatus

from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..services.restructuring_checks import CONFLICT

CONTENT_TYPE = "application/problem+json"
# The problem types: names, not addresses (nothing to fetch). A problem that is
# no more than its HTTP status is "about:blank", titled with the status phrase.
BLANK = "about:blank"
INVALID_INPUT = "urn:reformwatch:problem:invalid-input"
CONFLICT_TYPE = "urn:reformwatch:problem:conflict"


def title_for(status_code: int) -> str:
    """The status phrase in the request's language."""
    titles = {
        400: _("Bad Request"),
        401: _("Unauthorized"),
        403: _("Forbidden"),
        404: _("Not Found"),
        405: _("Method Not Allowed"),
        406: _("Not Acceptable"),
        409: _("Conflict"),
        413: _("Content Too Large"),
        415: _("Unsupported Media Type"),
        429: _("Too Many Requests"),
        500: _("Internal Server Error"),
        503: _("Service Unavailable"),
    }
    if status_code in titles:
        return titles[status_code]
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return str(status_code)


# What the database raises when it cannot be reached or dropped the connection
# (a restart, a failover, pg_terminate_backend): transient, so a 503 with
# Retry-After rather than a 500 a client cannot tell from a bug.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER = 5  # seconds: a restart takes about that


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` is the database gone: one of UNAVAILABLE, or raised from
    or while handling one (Django's SessionInterrupted, a 400, is raised while
    handling the failed save of a session; code that wraps a lost
    connection's error in its own)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, UNAVAILABLE):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy(
        "The database cannot be reached for a moment. Please try again in a few seconds."
    )
    default_code = "unavailable"
    wait = RETRY_AFTER


class Conflict(exceptions.APIException):
    """Another decision changed the unit first: nothing was written."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Another decision changed these units first.")
    default_code = CONFLICT


def problem(
    status_code: int,
    errors: list[dict],
    kind: str = BLANK,
    title: str | None = None,
    detail: str | None = None,
) -> dict:
    """The body: `detail` is the one message there is, or the first with a count
    of the others."""
    title = str(title or title_for(status_code))
    if detail is None and len(errors) == 1:
        detail = errors[0]["message"]
    elif detail is None and errors:
        detail = _("%(message)s (and %(count)d more: see errors)") % {
            "message": errors[0]["message"],
            "count": len(errors) - 1,
        }
    return {
        "type": kind,
        "title": title,
        "status": status_code,
        "detail": str(detail or title),
        "errors": errors,
    }


def problem_response(status_code: int, message: str, code: str, headers=None) -> HttpResponse:
    """A problem answered by a Django view (an unknown URL, a failing middleware)."""
    body = problem(status_code, [{"field": None, "code": code, "message": str(message)}])
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status_code,
        content_type=CONTENT_TYPE,
        headers=headers,
    )


NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS}


def field_path(attr: str | None) -> str | None:
    """ "decision.non_field_errors" is about "decision"; a top-level one about
    nothing in particular (null)."""
    if attr is None:
        return None
    parts = attr.split(".")
    if parts[-1] in NON_FIELD_KEYS:
        parts.pop()
    return ".".join(parts) or None


class ProblemFormatter(ExceptionFormatter):
    """drf-standardized-errors' flattened errors, as problem details."""

    def run(self) -> dict:
        errors = [
            {"field": field_path(error.attr), "code": error.code, "message": error.detail}
            for error in self.get_errors()
        ]
        status_code = self.exc.status_code
        if isinstance(self.exc, exceptions.ValidationError):
            return problem(status_code, errors, INVALID_INPUT, _("Invalid input"))
        if isinstance(self.exc, Conflict):
            return problem(status_code, errors, CONFLICT_TYPE, _("Changed by another decision"))
        return problem(status_code, errors)


class ProblemHandler(ExceptionHandler):
    """Django's exceptions as the services raise them, in DRF's terms."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            return self._validation(exc)
        if isinstance(exc, DjangoPermissionDenied):
            return exceptions.PermissionDenied(exc.args[0] if exc.args else None)
        if isinstance(exc, Http404):  # Django's words ("No Unit matches…") are not ours
            return exceptions.NotFound()
        if isinstance(exc, exceptions.ParseError):  # not the JSON parser's English words
            return exceptions.ParseError(_("The body is not valid JSON."))
        return exc

    def _validation(self, exc: DjangoValidationError) -> exceptions.APIException:
        detail = get_error_detail(exc)
        messages = detail if isinstance(detail, list) else sum(detail.values(), [])
        if any(message.code == CONFLICT for message in messages):
            return Conflict(messages)
        if isinstance(detail, dict):
            # The service names a field as the model does; the view's input may
            # nest it ("effective_on" is "decision.effective_on").
            paths = getattr(self.context.get("view"), "error_paths", {})
            detail = {paths.get(key, key): value for key, value in detail.items()}
        return exceptions.ValidationError(detail)

    def should_not_handle(self, exc: Exception) -> bool:
        # A suspicious request (a body too large, a bad host) is Django's to log
        # and answer (400, through handler400).
        return isinstance(exc, SuspiciousOperation) or super().should_not_handle(exc)

    def convert_unhandled_exceptions(self, exc: Exception) -> exceptions.APIException:
        if database_unavailable(exc):
            return DatabaseUnavailable()
        if not isinstance(exc, exceptions.APIException):
            return exceptions.APIException(
                _("The error has been recorded. Please try again in a moment.")
            )
        return exc

    def get_headers(self, exc: exceptions.APIException) -> dict:
        headers = super().get_headers(exc)
        if isinstance(exc, exceptions.Throttled):
            # Always said (a throttle may not know when): the rates are per minute.
            headers.setdefault("Retry-After", str(60 if exc.wait is None else int(exc.wait)))
        return headers

    def report_exception(self, exc: exceptions.APIException, response: Response) -> None:
        """Logged in English whatever the reader's language (the body keeps it)."""
        logged = exceptions.APIException(HTTPStatus(exc.status_code).phrase)
        logged.status_code = exc.status_code
        super().report_exception(logged, response)

    def get_response(self, exc: exceptions.APIException, data: dict) -> Response:
        return Response(
            data, status=exc.status_code, headers=self.get_headers(exc), content_type=CONTENT_TYPE
        )
