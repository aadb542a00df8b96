"""Recommendations in the API: sent ones with their answers, moved dates and
escalations, and the recommendation page's actions through its services (an
answer, a new date asked, decided or moved, the implementation judged, one
step up the ladder)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response as ApiResponse

from units.api.fields import id_field, record_date_field
from units.scope import reads_own_scope_only, scope_q

from ..choices import SETTLED as SETTLED_STATES
from ..choices import EscalationKind
from ..filters import RecommendationFilter
from ..models import DeadlineChange, Escalation, Recommendation, Response
from ..services import recommendations as services


class ResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Response
        fields = ["id", "date", "text", "author"]


class DeadlineChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineChange
        fields = ["old_due", "new_due", "reason", "status", "proposed_by", "proposed_at"]


class EscalationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Escalation
        fields = ["kind", "date", "note"]


class RecommendationSerializer(serializers.ModelSerializer):
    responses = ResponseSerializer(many=True, read_only=True)
    deadline_changes = DeadlineChangeSerializer(many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "session",
            "addressed_unit",
            "text",
            "original_due",
            "current_due",
            "priority",
            "status",
            "settled_on",
            "responses",
            "deadline_changes",
            "escalations",
        ]


class RespondInput(serializers.Serializer):
    date = record_date_field()
    text = serializers.CharField(max_length=20_000)


class NewDateInput(serializers.Serializer):
    new_due = record_date_field()
    reason = serializers.CharField(max_length=2_000)


class DecideInput(serializers.Serializer):
    change = id_field()
    accept = serializers.BooleanField()


# The judgements of an implementation (AssessmentOutcomeEnum in the schema).
OUTCOMES = [(state.value, state.label) for state in SETTLED_STATES]


def status_filter():
    """The list's `status` choices, overdue included (RecommendationStatusFilterEnum)."""
    return RecommendationFilter.base_filters["status"].extra["choices"]


class AssessInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=OUTCOMES)


class EscalateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EscalationKind.choices)
    date = record_date_field()
    note = serializers.CharField(max_length=2_000, required=False, allow_blank=True, default="")


class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    """Sent recommendations (not a running session's drafts), with the
    follow-up page's filters (status=overdue included)."""

    queryset = Recommendation.objects.none()
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter

    def get_queryset(self):
        queryset = Recommendation.objects.sent().prefetch_related(
            "responses", "deadline_changes", "escalations"
        )
        user = self.request.user
        if reads_own_scope_only(user):
            queryset = queryset.filter(scope_q(user, "addressed_unit__"))
        return queryset.order_by("current_due", "id")

    def _act(self, request, input_class, call):
        """Validate the body, call the service (which checks who may), answer
        the recommendation as it now stands."""
        rec = self.get_object()
        incoming = input_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        call(actor=request.user, recommendation_id=rec.pk, **incoming.validated_data)
        return ApiResponse(RecommendationSerializer(self.get_queryset().get(pk=rec.pk)).data)

    @extend_schema(request=RespondInput, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The addressee's answer (clerks of its scope)."""
        return self._act(request, RespondInput, services.response_record)

    @extend_schema(request=NewDateInput, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"], url_path="propose-date")
    def propose_date(self, request, pk=None):
        """A new due date asked for, with a reason (clerks of its scope)."""
        return self._act(request, NewDateInput, services.deadline_propose)

    @extend_schema(request=DecideInput, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"], url_path="decide-date")
    def decide_date(self, request, pk=None):
        """Accept or refuse the date asked for (the body's supervisors)."""
        return self._act(request, DecideInput, _decide)

    @extend_schema(request=NewDateInput, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"], url_path="move-date")
    def move_date(self, request, pk=None):
        """Move the due date, with a reason (the body's supervisors)."""
        return self._act(request, NewDateInput, services.deadline_move)

    @extend_schema(request=AssessInput, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """Judge the implementation (the body's supervisors)."""
        return self._act(request, AssessInput, services.recommendation_assess)

    @extend_schema(request=EscalateInput, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """One step up the ladder (the body's supervisors)."""
        return self._act(request, EscalateInput, services.escalation_record)


def _decide(*, actor, recommendation_id, change, accept):
    found = DeadlineChange.objects.filter(pk=change, recommendation_id=recommendation_id).first()
    if found is None:
        raise NotFound
    services.deadline_decide(actor=actor, change_id=found.pk, accept=accept)
