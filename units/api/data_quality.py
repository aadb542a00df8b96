"""/api/v1/data-quality/: each data-quality check's count in the token's scope
(clerks, supervisors and admins), with its rows' page and CSV on the portal."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ..selectors.data_quality import check_counts, checks, may_read_quality


class DataQualityCheckSerializer(serializers.Serializer):
    """One check: what it finds in the reader's scope and how to fix it."""

    id = serializers.SlugField()
    title = serializers.CharField(help_text="In the request's language")
    fix = serializers.CharField(help_text="How to fix the rows, in the request's language")
    count = serializers.IntegerField(help_text="Rows found in the token's scope")
    rows = serializers.CharField(help_text="The rows' page on the portal (a relative URL)")
    export = serializers.CharField(help_text="The rows as CSV (a relative URL)")


class DataQualityViewSet(viewsets.ViewSet):
    """The data-quality checks with their counts in the token's scope (issue 23):
    clerks, supervisors and admins; others are refused (403)."""

    pagination_class = None

    @extend_schema(responses=DataQualityCheckSerializer(many=True))
    def list(self, request):
        if not may_read_quality(request.user):
            raise PermissionDenied
        counts = check_counts(request.user, timezone.localdate())
        found = [
            {
                "id": check.id,
                "title": str(check.title),
                "fix": str(check.fix),
                "count": counts[check.id],
                "rows": reverse("data_quality:rows", args=[check.id]),
                "export": reverse("data_quality:export", args=[check.id]),
            }
            for check in checks()
        ]
        return Response(DataQualityCheckSerializer(found, many=True).data)
