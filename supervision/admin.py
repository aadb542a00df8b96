"""Administration of supervision's reference data: the bodies and their members,
and the legal rules (audited like every admin write). Sessions,
recommendations and plans change through the pages' services only (their state
machine and reasons); the admin shows them read-only."""

from django.contrib import admin

from units.admin import AuditedAdmin, ReadOnlyAdmin

from .models import LegalRule, Plan, Recommendation, Session, SupervisoryBody
from .versions import supervision_changed


@admin.register(SupervisoryBody)
class SupervisoryBodyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "level", "area"]
    list_filter = ["kind", "level"]
    search_fields = ["name"]
    autocomplete_fields = ["area", "parent"]
    filter_horizontal = ["members"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        supervision_changed()


@admin.register(LegalRule)
class LegalRuleAdmin(AuditedAdmin):
    list_display = ["law", "step", "body_kind", "days", "valid_from", "valid_to"]
    list_filter = ["law", "step"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["decision_number", "topic", "body", "status", "decision_date"]
    list_filter = ["status", "kind"]
    search_fields = ["decision_number", "topic_folded"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["text", "addressed_unit", "status", "original_due", "current_due"]
    list_filter = ["status", "priority"]
    list_select_related = ["addressed_unit"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "date", "area"]
