"""Pagination of every list: pages by number for the short ones, a cursor for
units and audit entries so that deep pages stay as fast as the first. A
page size that is not a positive whole number is refused, not ignored."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class StrictPageSize:
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not raw.isascii() or int(raw) < 1:
            raise ValidationError({"page_size": [_("Give a whole number of rows, at least 1.")]})
        return min(int(raw), self.max_page_size)


class PagePagination(StrictPageSize, PageNumberPagination):
    page_size = 50
    max_page_size = 500


class IdCursorPagination(StrictPageSize, CursorPagination):
    page_size = 100
    max_page_size = 1000
    ordering = "id"

    def decode_cursor(self, request):
        """A cursor whose position is not an id (crafted by hand) is a 404,
        like any other cursor that cannot be read."""
        cursor = super().decode_cursor(request)
        if cursor and cursor.position is not None and not str(cursor.position).isdigit():
            raise NotFound(self.invalid_cursor_message)
        return cursor


class NewestCursorPagination(IdCursorPagination):
    ordering = "-id"
