"""Errors as JSON: a Django ValidationError raised by a service becomes a 400
with its field paths and messages (in the request's language); a refused
permission a 403; nothing of bad input becomes a 500."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_handler

from ..services.restructuring_checks import CONFLICT


class Conflict(exceptions.APIException):
    """Another decision changed the unit first: nothing was written."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Another decision changed these units first.")
    default_code = "conflict"


def _codes(error: DjangoValidationError) -> set:
    return (
        {item.code for item in error.error_list}
        if hasattr(error, "error_list")
        else {item.code for items in error.error_dict.values() for item in items}
    )


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError) and CONFLICT in _codes(exc):
        exc = Conflict({"detail": exc.messages})
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        paths = getattr(context.get("view"), "error_paths", {})
        exc = exceptions.ValidationError({paths.get(key, key): v for key, v in detail.items()})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(exc.args[0] if exc.args else None)
    elif isinstance(exc, Http404):  # Django's words ("No Unit matches…") are not ours
        exc = exceptions.NotFound()
    return drf_handler(exc, context)
