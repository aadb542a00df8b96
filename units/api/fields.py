"""Fields the API's inputs and outputs share: every id a client sends, every
date a record is dated by, every percentage it reads."""

from django.db import models
from rest_framework import serializers

from ..models.registry import plausible_decision_date
from ..text import MAX_ID


def id_field(**kwargs) -> serializers.IntegerField:
    """A row's id as a client sends it: a positive number the database can hold
    (a larger one would overflow the query that looks for it: a 500, not a 400)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def id_list_field(**kwargs) -> serializers.ListField:
    """Several ids (at most 10,000), each bounded as `id_field`."""
    kwargs.setdefault("max_length", 10_000)
    return serializers.ListField(child=id_field(), **kwargs)


def record_date_field(**kwargs) -> serializers.DateField:
    """A date a record is dated or due by: within the decisions' window (1945 to
    ten years ahead), so 0001-01-01 or 9999-12-31 is a 400 naming the field,
    never a stored typo or a date that overflows the deadline arithmetic."""
    return serializers.DateField(validators=[plausible_decision_date], **kwargs)


def percent_field(**kwargs) -> serializers.DecimalField:
    """A percentage as an exact decimal string ("14.29"), never a float."""
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs
    )


# A model's row as an answer only: every listed field read-only, so that no
# column's database bounds reach the schema (64-bit integers on SQLite, 32 on
# PostgreSQL: the schema would depend on the database), and empty text still
# declared where the column allows it (read-only fields lose `allow_blank`).
# (A comment, not a docstring: the schema would describe every answer with it.)
class AnswerSerializer(serializers.ModelSerializer):
    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        listed = set(self.Meta.fields)
        for field in self.Meta.model._meta.concrete_fields:
            if field.name in listed:
                extra.setdefault(field.name, {})["read_only"] = True
                if field.blank and isinstance(field, models.CharField | models.TextField):
                    extra[field.name]["allow_blank"] = True
        return extra
