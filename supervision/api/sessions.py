"""Sessions in the API: read in the reader's scope, with their step deadlines
and whether each was kept (GET /sessions/{id}/ adds the working sessions and the
report's recommendations); created and edited from their
decision, working sessions scheduled, the result report filed, published and
moved to the next state — each through the session pages' service, with its
permissions and audit entry."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response as ApiResponse

from units.api.fields import AnswerSerializer

from ..filters import SessionFilter
from ..forms.sessions import session_initial
from ..models import Finding, LegalRule, Recommendation, Session, WorkingSession
from ..permissions import bodies_of, may_edit_session, visible_sessions
from ..rules import step_deadlines
from ..services.report import report_file
from ..services.sessions import (
    session_create,
    session_publish,
    session_transition,
    session_update,
    working_session_add,
    working_session_remove,
)
from .session_inputs import (
    PublishInput,
    ReportInput,
    SessionInput,
    TransitionInput,
    WorkingSessionInput,
)


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["kind", "text", "unit"]


class StepDeadlineSerializer(serializers.Serializer):
    """One legal step's date, from the rule in force on the decision date
    (`due` null until its anchor is known: the first or last working session,
    the report's date; `before`: the step is due that many days ahead), and
    whether it was kept: `done`, `late`, `missed` or "" (not due yet, or the
    answers, followed per recommendation)."""

    step = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    days = serializers.IntegerField(source="rule.days", allow_null=True, default=None)
    law = serializers.CharField(source="rule.law", allow_null=True, default=None)
    article = serializers.CharField(source="rule.article", allow_null=True, default=None)
    before = serializers.BooleanField()
    state = serializers.CharField()


class SessionSerializer(AnswerSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()

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
            "lead",
            "members",
            "status",
            "report_number",
            "report_date",
            "report_place",
            "general_info",
            "situation",
            "conclusions",
            "published_at",
            "findings",
            "deadlines",
        ]

    @extend_schema_field(StepDeadlineSerializer(many=True))
    def get_deadlines(self, session):
        """From the working sessions (prefetched) and the legal rules, read once
        for the whole answer (the view's context)."""
        dates = [working.date for working in session.working_sessions.all()]
        rules = self.context.get("legal_rules")
        return StepDeadlineSerializer(step_deadlines(session, dates, rules=rules), many=True).data


class WorkingSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkingSession
        fields = ["id", "unit", "date", "place"]


class ReportRecommendationSerializer(serializers.ModelSerializer):
    """A recommendation as the report states it (GET /recommendations/{id}/ for
    its answers, moved dates and escalations once sent)."""

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "addressed_unit",
            "text",
            "original_due",
            "current_due",
            "priority",
            "status",
        ]


class SessionDetailSerializer(SessionSerializer):
    working_sessions = WorkingSessionSerializer(many=True, read_only=True)
    recommendations = ReportRecommendationSerializer(many=True, read_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [
            *SessionSerializer.Meta.fields,
            "working_sessions",
            "recommendations",
        ]


class SessionViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Sessions the reader may see (`q`, `body`, `year`, `status`); the body's
    supervisors (and admins) write them."""

    queryset = Session.objects.none()  # for the schema; get_queryset applies the scope
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        queryset = Session.objects.select_related("body").prefetch_related(
            "supervised_units",
            "members",
            "working_sessions",
            Prefetch("findings", queryset=Finding.objects.all()),
        )
        if self.action != "list":
            queryset = queryset.prefetch_related("recommendations")
        return visible_sessions(self.request.user, queryset).order_by("-decision_date", "-id")

    def get_serializer_class(self):
        return SessionSerializer if self.action == "list" else SessionDetailSerializer

    def get_serializer_context(self):
        # The few legal rules, read once for a page of sessions.
        return {**super().get_serializer_context(), "legal_rules": list(LegalRule.objects.all())}

    def _answer(self, session_id: int, code=status.HTTP_200_OK) -> ApiResponse:
        """The session as it now stands, as its own page (GET) gives it."""
        session = self.get_queryset().get(pk=session_id)
        context = self.get_serializer_context()
        return ApiResponse(SessionDetailSerializer(session, context=context).data, status=code)

    def _editable(self) -> Session:
        """The session of the URL, if the reader sees it (404) and may edit it (403)."""
        session = self.get_object()
        if not may_edit_session(self.request.user, session):
            raise PermissionDenied
        return session

    @extend_schema(request=SessionInput, responses={201: SessionDetailSerializer})
    def create(self, request, *args, **kwargs):
        """A new session, planned, for a body you supervise (as the session form)."""
        if not bodies_of(request.user).exists():
            raise PermissionDenied
        incoming = SessionInput(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        session = session_create(actor=request.user, data=incoming.session_data())
        return self._answer(session.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SessionInput(partial=True), responses=SessionDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """The fields sent; the others stay as they are."""
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=SessionInput, responses=SessionDetailSerializer)
    def update(self, request, *args, **kwargs):
        """The decision's details (PUT: all of them; PATCH: those sent). Units
        with working sessions, findings or recommendations stay."""
        session = self._editable()
        data = request.data
        if kwargs.get("partial") and isinstance(data, dict):
            data = {**session_initial(session), **data}  # the form's: what a PATCH keeps
        incoming = SessionInput(data=data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        session_update(actor=request.user, session_id=session.pk, data=incoming.session_data())
        return self._answer(session.pk)

    @extend_schema(request=ReportInput, responses=SessionDetailSerializer)
    @action(detail=True, methods=["put"])
    def report(self, request, pk=None):
        """File or correct the result report while the session runs, until it is
        concluded: the header, the findings (replaced as listed) and the
        recommendations (with `id`: rewritten; without: new; left out: removed),
        all or nothing; errors by row ("findings.2.text")."""
        session = self._editable()
        incoming = ReportInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        report_file(actor=request.user, session_id=session.pk, **incoming.rows())
        return self._answer(session.pk)

    @extend_schema(request=WorkingSessionInput, responses={201: SessionDetailSerializer})
    @action(detail=True, methods=["post"], url_path="working-sessions")
    def working_sessions(self, request, pk=None):
        """Schedule a working session at one of the supervised units."""
        session = self._editable()
        incoming = WorkingSessionInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        working_session_add(
            actor=request.user,
            session_id=session.pk,
            unit_id=data["unit"],
            date=data["date"],
            place=data["place"],
        )
        return self._answer(session.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SessionDetailSerializer)
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"working-sessions/(?P<working_id>[0-9]{1,18})",
    )
    def working_session_remove(self, request, pk=None, working_id=None):
        """Cancel a working session (before the report is filed)."""
        session = self._editable()
        if not session.working_sessions.filter(pk=int(working_id)).exists():
            raise NotFound
        working_session_remove(actor=request.user, working_id=int(working_id))
        return self._answer(session.pk)

    @extend_schema(request=PublishInput, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the plan, report, conclusions and recommendations on the
        public page once the report is filed (`publish`: true), or withdraw them."""
        session = self._editable()
        incoming = PublishInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        session_publish(
            actor=request.user, session_id=session.pk, publish=incoming.validated_data["publish"]
        )
        return self._answer(session.pk)

    @extend_schema(request=TransitionInput, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the session to its next state (the body's supervisors)."""
        session = self._editable()
        incoming = TransitionInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        target = incoming.validated_data["to"]
        session_transition(actor=request.user, session_id=session.pk, target=target)
        return self._answer(session.pk)
