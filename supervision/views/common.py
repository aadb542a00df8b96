"""Helpers shared by the supervision views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Session


def session_or_404(pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("body"), pk=pk)


def problems(error: ValidationError) -> list[str]:
    """The messages of a service's refusal, whatever its shape."""
    if hasattr(error, "error_dict"):
        return [message for items in error.message_dict.values() for message in items]
    return list(error.messages)


def show_problems(request, error: ValidationError) -> None:
    for message in problems(error):
        messages.error(request, message)


def form_errors(form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields (or the form itself)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, items in error.message_dict.items():
        for message in items:
            form.add_error(field if field in form.fields else None, message)


def require(condition: bool) -> None:
    if not condition:
        raise Http404
