"""Pagination of every list: pages by number for the short ones, a cursor for
units and audit entries so that deep pages stay as fast as the first. A
page size that is not a positive whole number is refused, not ignored."""

import json

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from ..text import MAX_ID


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
        position = str(cursor.position) if cursor and cursor.position is not None else None
        if position is not None and not (position.isascii() and position.isdigit()):
            raise NotFound(self.invalid_cursor_message)
        return cursor


class NewestCursorPagination(IdCursorPagination):
    ordering = "-id"


def _not_a_number(constant: str):
    raise ValueError(constant)  # NaN, Infinity: no field holds them


class OrderedCursorPagination(IdCursorPagination):
    """A cursor that follows the list's `o` (its FilterSet's OrderingFilter:
    "name", "-code", "kind,-established_on"…), the id breaking ties: the
    position is the last row's values of those fields and its id, and the next
    page starts strictly after it (keyset), so that ties, however many, are
    neither skipped nor repeated. Empty values (a unit without a closing date)
    come last in either direction."""

    ordering_param = "o"

    def get_ordering(self, request, queryset, view):
        ordering_filter = view.filterset_class.base_filters[self.ordering_param]
        fields: list[str] = []
        # The FilterSet has refused unknown values (400) before the page is cut.
        for param in request.query_params.get(self.ordering_param, "").split(","):
            name = param.strip().removeprefix("-")
            if name in ordering_filter.param_map:
                field = ordering_filter.get_ordering_value(param.strip())
                if field.removeprefix("-") not in {f.removeprefix("-") for f in fields}:
                    fields.append(field)
        return (*fields, "id")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.model = queryset.model
        self.cursor = self.decode_cursor(request)
        reverse, position = (False, None) if self.cursor is None else self.cursor[1:]
        queryset = queryset.order_by(*self._order_by(reverse))
        if position is not None:
            queryset = queryset.filter(self._after(self._position_values(position), reverse))
        results = list(queryset[: self.page_size + 1])
        self.page = results[: self.page_size]
        following = len(results) > len(self.page)
        following_position = None
        if following:
            following_position = self._get_position_from_instance(results[-1], None)
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = position is not None, following
            self.next_position, self.previous_position = position, following_position
        else:
            self.has_next, self.has_previous = following, position is not None
            self.next_position, self.previous_position = following_position, position
        return self.page

    def decode_cursor(self, request):
        """Only cursors this class wrote: no offset (positions are unique)."""
        cursor = CursorPagination.decode_cursor(self, request)
        if cursor is not None and cursor.offset:
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _fields(self):
        """(path, descending, model field, may be empty) of each ordering field,
        the id last."""
        for item in self.ordering:
            path = item.removeprefix("-")
            model, *hops, name = [self.model, *path.split("__")]
            empty = False
            for hop in hops:
                relation = model._meta.get_field(hop)
                model, empty = relation.related_model, empty or relation.null
            field = model._meta.get_field(name)
            yield path, item.startswith("-"), field, empty or field.null

    def _order_by(self, reverse: bool) -> list:
        order = []
        for path, descending, _field, empty in self._fields():
            # Empty values last going forward, so first going back (said only
            # where a field may be empty: the others keep their indexes' order).
            nulls = {"nulls_first" if reverse else "nulls_last": True} if empty else {}
            order.append(F(path).desc(**nulls) if descending != reverse else F(path).asc(**nulls))
        return order

    def _after(self, values: list, reverse: bool) -> Q:
        """The rows strictly after the position in the (possibly reversed)
        order: for each field, the earlier fields equal and this one after."""
        after, equal = Q(pk__in=[]), Q()
        for (path, descending, _field, empty), value in zip(self._fields(), values, strict=True):
            nulls_after = not reverse  # empty values come last going forward
            if value is None:
                beyond = Q(pk__in=[]) if nulls_after else Q(**{f"{path}__isnull": False})
                same = Q(**{f"{path}__isnull": True})
            else:
                lookup = "lt" if descending != reverse else "gt"
                beyond = Q(**{f"{path}__{lookup}": value})
                if nulls_after and empty:
                    beyond |= Q(**{f"{path}__isnull": True})
                same = Q(**{path: value})
            after |= equal & beyond
            equal &= same
        return after & self._first_bound(values[0], reverse)

    def _first_bound(self, value, reverse: bool) -> Q:
        """The same rows, said again as a bound on the first field alone (not
        through the ORs), so that an index on it starts at the position instead
        of reading from the start of the order."""
        path, descending, _field, empty = next(self._fields())
        if value is None:
            return Q()
        bound = Q(**{f"{path}__{'lte' if descending != reverse else 'gte'}": value})
        return bound | Q(**{f"{path}__isnull": True}) if empty and not reverse else bound

    def _key(self) -> str:
        """The ordering a position was written for, kept in it: a cursor
        replayed with another `o` (a position of the same types would be read
        as this one's) is a 404, not other rows."""
        return ",".join(self.ordering)

    def _position_values(self, position: str) -> list:
        """The cursor's values, each read as its field reads it; a cursor
        written for another ordering, or by hand, is a 404. In id order the
        position is the bare id, as the cursors before `o` wrote it (a client's
        saved `next` link still works)."""
        if self.ordering == ("id",):
            if position.isascii() and position.isdigit() and 0 < int(position) <= MAX_ID:
                return [int(position)]
            raise NotFound(self.invalid_cursor_message)
        try:
            key, *values = json.loads(position, parse_constant=_not_a_number)
            if key != self._key() or len(values) != len(self.ordering):
                raise ValueError
            typed = []
            for (_path, _descending, field, empty), value in zip(
                self._fields(), values, strict=True
            ):
                if value is None and not empty:
                    raise ValueError
                value = None if value is None else field.to_python(value)
                # What the database would refuse (a 500): NUL in text, an
                # integer past 64 bits.
                if isinstance(value, str) and "\x00" in value:
                    raise ValueError
                if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
                    raise ValueError
                typed.append(value)
            if not isinstance(values[-1], int) or not 0 < values[-1] <= MAX_ID:
                raise ValueError
        except (ValueError, TypeError, OverflowError, DjangoValidationError, FieldDoesNotExist):
            raise NotFound(self.invalid_cursor_message) from None
        return typed

    def _get_position_from_instance(self, instance, ordering):
        values = []
        for path in (item.removeprefix("-") for item in self.ordering):
            value = instance
            for hop in path.split("__"):
                value = getattr(value, hop) if value is not None else None
            values.append(value if value is None or isinstance(value, (int, str)) else str(value))
        if self.ordering == ("id",):
            return str(values[0])
        return json.dumps([self._key(), *values], separators=(",", ":"))
