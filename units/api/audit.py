"""/api/v1/audit/: the activity log as the activity page shows it to the reader."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from ..models import AuditEntry
from ..selectors.activity import OBJECT_TYPES, activity
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
            OpenApiParameter(
                "user", OpenApiTypes.STR, description="A user name, or part of a name"
            ),
            OpenApiParameter("object", OpenApiTypes.STR, description="An id, or part of a name"),
            OpenApiParameter("object_type", OpenApiTypes.STR, enum=list(OBJECT_TYPES)),
            OpenApiParameter("request", OpenApiTypes.STR, description="A request's X-Request-ID"),
        ]
    )
    def list(self, request, *args, **kwargs):
        kind = request.query_params.get("object_type")
        if kind and kind not in OBJECT_TYPES:  # the page shows all; a program meant one
            raise ValidationError({"object_type": [_("Choose one of the listed types.")]})
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        """The list's filters filter the list; an entry by its id is found
        whatever they say."""
        params = self.request.query_params if self.action == "list" else {}
        return activity(user=self.request.user, params=params)
