import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .area_changes import apply_area_changes, plan_area_changes
from .forms import DecisionForm
from .models import Area, AreaLineage, AuditEntry, Unit, User
from .restructurings import Decision
from .services import audit_record, snapshot

JULY_2025 = dt.date(2025, 7, 1)


class AuditedAdmin(admin.ModelAdmin):
    """Admin changes go to the same audit log as the services' changes."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.{'update' if change else 'create'}.admin",
                obj=obj,
                before=before,
                after=snapshot(obj),
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.delete.admin",
                obj=obj,
                before=snapshot(obj),
                after=None,
            )
            super().delete_model(request, obj)


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    actions = ["move_units_of_ended_areas"]

    @admin.action(description=_("Move the units of these ended areas (2025 rules)"))
    def move_units_of_ended_areas(self, request, queryset):
        """Shows the plan with a decision form; applies it when the form is posted."""
        if not getattr(request.user, "is_admin", False):
            raise PermissionDenied
        form = DecisionForm(
            request.POST if "confirm" in request.POST else None,
            initial={"effective_on": JULY_2025},
        )
        day = form.cleaned_data["effective_on"] if form.is_valid() else JULY_2025
        plans = [(area, plan_area_changes(area=area, day=day)) for area in queryset]
        if form.is_valid():
            d = form.cleaned_data
            decision = Decision(
                d["number"], d["decided_on"], d["effective_on"], d["authority"], d["note"]
            )
            try:
                with transaction.atomic():
                    results = [
                        apply_area_changes(plan=plan, decision=decision, actor=request.user)
                        for _area, plan in plans
                    ]
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                moved = sum(r["moved"] for r in results)
                dissolved = sum(r["dissolved"] for r in results)
                self.message_user(
                    request,
                    gettext("%(moved)s units moved and %(dissolved)s bodies dissolved.")
                    % {"moved": moved, "dissolved": dissolved},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Move the units of ended areas"),
            "form": form,
            "plans": plans,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/units/area/area_changes.html", context)


@admin.register(AreaLineage)
class AreaLineageAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "effective_on", "decision"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "level",
        "sector",
        "area",
        "established_on",
        "closed_on",
    ]
    list_filter = ["kind", "level", "sector", "autonomy_group"]
    search_fields = ["name", "name_folded", "code"]
    raw_id_fields = ["parent", "area"]
    list_select_related = ["area"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Scope"), {"fields": ("full_name", "scope_area", "scope_unit")}),
    )
    raw_id_fields = ["scope_area", "scope_unit"]
    list_display = ["username", "full_name", "scope_area", "scope_unit", "is_staff"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
