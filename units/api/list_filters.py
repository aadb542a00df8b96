"""The lists' filters (django-filter) filter lists only."""

from django_filters.rest_framework import DjangoFilterBackend


class ListFilterBackend(DjangoFilterBackend):
    """A list's FilterSet, for the list: a row by its id (GET, PUT or an action
    on it) is found in the reader's scope whatever the query says, as the schema
    declares the filters on lists only. (DRF's backend filtered the row too:
    /restructurings/7/?kind=merge was a 404 for a consolidation, ?kind=x a 400.)"""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            return queryset
        return super().filter_queryset(request, queryset, view)
