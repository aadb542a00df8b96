"""/api/v1/areas/: the official areas through time with their lineage, searchable
without accents."""

import django_filters
from rest_framework import serializers, viewsets

from ..filters import IdFilter, search_q
from ..models import Area, AreaLineage


class PredecessorSerializer(serializers.ModelSerializer):
    area = serializers.IntegerField(source="predecessor_id")

    class Meta:
        model = AreaLineage
        fields = ["area", "effective_on", "decision", "main"]


class SuccessorSerializer(serializers.ModelSerializer):
    area = serializers.IntegerField(source="successor_id")

    class Meta:
        model = AreaLineage
        fields = ["area", "effective_on", "decision", "main"]


class AreaSerializer(serializers.ModelSerializer):
    """An area with its period of validity and its lineage: the areas it came
    from and those it went into (the 2025 mergers)."""

    predecessors = PredecessorSerializer(source="predecessor_links", many=True, read_only=True)
    successors = SuccessorSerializer(source="successor_links", many=True, read_only=True)

    class Meta:
        model = Area
        fields = [
            "id",
            "code",
            "name",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "predecessors",
            "successors",
        ]


class AreaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Name or code, accents optional")
    level = django_filters.ChoiceFilter(choices=Area._meta.get_field("level").choices)
    parent = IdFilter(queryset=Area.objects.all())

    class Meta:
        model = Area
        fields = ["q", "level", "parent"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value))


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """The official areas through time (valid from/to), searchable without accents."""

    queryset = Area.objects.prefetch_related("predecessor_links", "successor_links").order_by(
        "level", "code", "id"
    )
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
