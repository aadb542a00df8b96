"""/api/v1/recompute-runs/: the figures' recompute jobs, and an admin's full
recompute."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from ..models import RecomputeRun
from ..services.figures import figures_recompute_all
from .fields import AnswerSerializer


class RecomputeRunSerializer(AnswerSerializer):
    class Meta:
        model = RecomputeRun
        fields = [
            "id",
            "trigger",
            "status",
            "scopes",
            "years",
            "rows",
            "progress",
            "started_at",
            "finished_at",
            "error",
        ]


class RecomputeRunViewSet(viewsets.ReadOnlyModelViewSet):
    """The figures' recompute jobs, newest first; an admin may ask for a full
    recompute (202: it runs in the worker)."""

    queryset = RecomputeRun.objects.order_by("-started_at", "-id")
    serializer_class = RecomputeRunSerializer

    @extend_schema(request=None, responses={202: None})
    def create(self, request):
        figures_recompute_all(actor=request.user)  # refuses anyone but an admin
        return Response(status=status.HTTP_202_ACCEPTED)
