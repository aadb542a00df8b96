"""Supervision in the API (read): sessions with their findings and
recommendations, recommendations with answers, moved dates and escalations,
plans with their tasks. Writes stay on the pages until their endpoints land."""

from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from units.scope import reads_own_scope_only, scope_q

from .filters import RecommendationFilter, SessionFilter
from .models import (
    DeadlineChange,
    Escalation,
    Finding,
    Plan,
    PlanTask,
    Recommendation,
    Response,
    Session,
)
from .permissions import visible_sessions


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["kind", "text", "unit"]


class SessionSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "body",
            "body_name",
            "decision_number",
            "decision_date",
            "topic",
            "kind",
            "period_from",
            "period_to",
            "supervised_units",
            "status",
            "report_number",
            "report_date",
            "general_info",
            "situation",
            "conclusions",
            "published_at",
            "findings",
        ]


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Session.objects.none()  # for the schema; get_queryset applies the scope
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        queryset = Session.objects.select_related("body").prefetch_related(
            "supervised_units", Prefetch("findings", queryset=Finding.objects.all())
        )
        return visible_sessions(self.request.user, queryset).order_by("-decision_date", "-id")


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


class PlanTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTask
        fields = ["title", "responsible_unit", "due_on", "progress", "status", "weight"]


class PlanSerializer(serializers.ModelSerializer):
    tasks = PlanTaskSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "number", "date", "issuer", "title", "implements", "area", "tasks"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.prefetch_related("tasks").order_by("-date", "-id")
    serializer_class = PlanSerializer
