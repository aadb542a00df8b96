"""/api/v1/audit/: the activity log as the activity page shows it to the reader."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from ..models import AuditEntry
from ..selectors.activity import activity
from .pagination import NewestCursorPagination


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "request_id",
        ]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The activity log as the activity page shows it to the reader (admins all,
    others their scope's and their own), newest first, by cursor; ?user=,
    ?object=, ?object_type=, ?request=."""

    queryset = AuditEntry.objects.none()
    serializer_class = AuditEntrySerializer
    pagination_class = NewestCursorPagination
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR)
            for name in ("user", "object", "object_type", "request")
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return activity(user=self.request.user, params=self.request.query_params)
