"""Fields the API's inputs share."""

from rest_framework import serializers

from ..text import MAX_ID


def id_field(**kwargs) -> serializers.IntegerField:
    """A row's id as a client sends it: a positive number the database can hold
    (a larger one would overflow the query that looks for it: a 500, not a 400)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)
