from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Area, AreaLineage, AuditEntry, Unit, User
from .services import audit_record, snapshot


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
