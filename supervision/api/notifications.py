"""The bell in the API: the reader's own notices (due soon, overdue, answered),
unread first; the overdue recommendations the reader follows not yet seen
(derived from the date, as the bell counts them); marking them read through the
notifications page's service."""

import django_filters
from django.db.models import F
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from units.api.fields import id_list_field

from ..models import Notification, Recommendation
from ..selectors.notices import overdue_unseen
from ..services.notifications import notifications_read, unread_count


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    text = serializers.CharField(source="recommendation.text", read_only=True)
    addressed_unit = serializers.IntegerField(
        source="recommendation.addressed_unit_id", read_only=True
    )
    addressed_unit_name = serializers.CharField(
        source="recommendation.addressed_unit.name", read_only=True
    )
    session = serializers.IntegerField(source="recommendation.session_id", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "recommendation",
            "text",
            "addressed_unit",
            "addressed_unit_name",
            "session",
            "due_on",
            "created_at",
            "read_at",
        ]


class OverdueSerializer(serializers.ModelSerializer):
    """An overdue recommendation the reader follows and has not seen yet."""

    recommendation = serializers.IntegerField(source="pk", read_only=True)
    addressed_unit_name = serializers.CharField(source="addressed_unit.name", read_only=True)
    days_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "recommendation",
            "text",
            "addressed_unit",
            "addressed_unit_name",
            "session",
            "current_due",
            "days_overdue",
        ]

    def get_days_overdue(self, rec) -> int:
        return rec.days_overdue(self.context["today"])


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread"]


class ReadInput(serializers.Serializer):
    ids = id_list_field(required=False, allow_null=True, default=None)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Your notices (`unread=true`: those not yet read); nobody reads another's."""

    queryset = Notification.objects.none()  # for the schema: get_queryset is the reader's
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        return (
            Notification.objects.filter(user=self.request.user)
            .select_related("recommendation__addressed_unit")
            .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")
        )

    @extend_schema(responses=OverdueSerializer(many=True))
    @action(detail=False, filter_backends=[])
    def overdue(self, request):
        """The overdue recommendations you follow (a clerk's scope, a
        supervisor's bodies) with no overdue notice for their current due date:
        the bell counts them; marking all read records them as seen."""
        today = timezone.localdate()
        unseen = overdue_unseen(request.user, today).select_related("addressed_unit")
        page = self.paginate_queryset(unseen.order_by("current_due", "pk"))
        context = {**self.get_serializer_context(), "today": today}
        return self.get_paginated_response(OverdueSerializer(page, many=True, context=context).data)

    @extend_schema(
        request=ReadInput,
        responses=inline_serializer(
            "NotificationsRead",
            {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()},
        ),
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def read(self, request):
        """Mark your notices read: those of `ids`, or all when `ids` is left out
        (the overdue recommendations not yet seen too). `unread`: what your bell
        shows now."""
        incoming = ReadInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        marked = notifications_read(actor=request.user, ids=incoming.validated_data["ids"])
        return ApiResponse({"marked": marked, "unread": unread_count(request.user)})
