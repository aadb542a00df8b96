"""Helpers shared by the supervision views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from units.forms.common import service_errors

from ..models import Session


def session_or_404(pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("body"), pk=pk)


def show_problems(request, error: ValidationError) -> None:
    """A service's refusal as messages at the top of the next page."""
    for items in service_errors(error).values():
        for message in items:
            messages.error(request, message)
