"""The administration site. Every write made here goes to the audit log, bulk
deletes and privilege changes included; a unit's history (name, managing body,
area, dates, how it ended) is read-only here, as it changes only by decisions."""

import datetime as dt

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .audit import audit_record, snapshot
from .forms.restructuring_form import DecisionForm
from .models import Area, AreaLineage, AuditEntry, Target, Unit, User
from .services.area_changes import apply_area_changes, plan_area_changes
from .services.figures import area_chain, figures_mark_stale
from .services.restructuring_rules import Decision
from .services.units import UNIT_REGISTER_FIELDS, editable_fields, unit_register, unit_update
from .text import fold
from .versions import areas_changed, figures_changed

JULY_2025 = dt.date(2025, 7, 1)
BASE_YEAR_START = dt.date(2015, 1, 1)

admin.site.site_header = _("ReformWatch · Administration")
admin.site.site_title = _("ReformWatch administration")
admin.site.index_title = _("Users, roles and reference data")


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes go to the same audit log as the services' writes, in the
    same transaction: additions, changes (many-to-many fields such as groups and
    permissions included), deletions one by one and in bulk."""

    def audit_targets(self, obj) -> dict:
        """The units and areas an entry about `obj` concerns (its scope's log)."""
        return {}

    def _audit(self, request, obj, verb: str, before, after) -> None:
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{verb}.admin",
            obj=obj,
            before=before,
            after=after,
            **self.audit_targets(obj),
        )

    def save_model(self, request, obj, form, change):
        request._audit_before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_audit_before", None)
        after = snapshot(obj)
        if not change or before != after:
            self._audit(request, obj, "update" if change else "create", before, after)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, obj, "delete", snapshot(obj), None)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "delete", snapshot(obj), None)
            super().delete_queryset(request, queryset)


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name_folded"]
    autocomplete_fields = ["parent"]
    actions = ["move_units_of_ended_areas"]

    def get_search_results(self, request, queryset, search_term):
        # The folded column matches "dak lak" and "Đắk Lắk" alike.
        return super().get_search_results(request, queryset, fold(search_term))

    # What places units and figures in time: fixed once anything refers to the area
    # (changes of that kind are new areas with lineage links, as in 2025).
    HISTORY_FIELDS = ("code", "level", "parent", "valid_from", "valid_to")

    def audit_targets(self, obj):
        return {"areas": [obj]}

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (
            obj.units.exists()
            or obj.children.exists()
            or AreaLineage.objects.filter(Q(predecessor=obj) | Q(successor=obj)).exists()
        ):
            return self.HISTORY_FIELDS
        return ()

    def save_model(self, request, obj, form, change):
        old = Area.objects.get(pk=obj.pk) if change else None
        request._stale_areas = area_chain(old) if old else []
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # What the figures of the area (and of the areas it left) count changed.
        areas = {a.pk: a for a in [*request._stale_areas, *area_chain(form.instance)]}
        figures_mark_stale(areas=areas.values(), since=BASE_YEAR_START, covers=True)
        areas_changed()

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


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    """Reduction targets (Nghị quyết 19 and any a scope sets itself), audited."""

    list_display = ["metric", "scope", "base_year", "target_year", "percent", "source"]
    list_filter = ["metric", "target_year"]
    autocomplete_fields = ["scope"]

    def audit_targets(self, obj):
        return {"areas": [obj.scope] if obj.scope else []}

    def _audit(self, request, obj, verb: str, before, after) -> None:
        super()._audit(request, obj, verb, before, after)
        figures_changed()  # the dashboards show the targets' progress


@admin.register(AreaLineage)
class AreaLineageAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "effective_on", "decision", "main"]
    autocomplete_fields = ["predecessor", "successor"]

    def audit_targets(self, obj):
        return {"areas": [obj.predecessor, obj.successor]}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._lineage_changed([form.instance])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._lineage_changed([obj])

    def delete_queryset(self, request, queryset):
        links = list(queryset.select_related("predecessor", "successor"))
        super().delete_queryset(request, queryset)
        self._lineage_changed(links)

    def _lineage_changed(self, links) -> None:
        """A successor's figures count its predecessors' units: both chains."""
        areas = {a.pk: a for link in links for a in (link.predecessor, link.successor)}
        chains = {a.pk: a for area in areas.values() for a in area_chain(area)}
        figures_mark_stale(areas=chains.values(), since=BASE_YEAR_START, covers=True)
        areas_changed()


class UnitAdminForm(forms.ModelForm):
    """Checks every rule of the table, those involving fields not on the form
    included (the code is unique among active units), so that a clash is a form
    error, not a refused save."""

    def _post_clean(self):
        super()._post_clean()
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Registering a unit that predates the recorded decisions, and correcting
    the few details that are not history, through the same services as the pages."""

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
    search_fields = ["name_folded", "code"]
    autocomplete_fields = ["parent", "area"]
    list_select_related = ["area"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))

    actions = None
    form = UnitAdminForm

    def get_fields(self, request, obj=None):
        return [*UNIT_REGISTER_FIELDS, "closed_on", "closed_by"] if obj else UNIT_REGISTER_FIELDS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = editable_fields(obj) if obj.closed_on is None else ()
        return [f for f in self.get_fields(request, obj) if f not in editable]

    def has_delete_permission(self, request, obj=None):
        return False  # units end by a decision (dissolve, merge…), never by deletion

    def has_change_permission(self, request, obj=None):
        # A closed unit's record is history: shown, not edited.
        return super().has_change_permission(request, obj) and (obj is None or not obj.closed_on)

    def save_model(self, request, obj, form, change):
        try:
            if change:
                data = {f: form.cleaned_data[f] for f in form.changed_data}
                saved = unit_update(unit_id=obj.pk, actor=request.user, data=data)
            else:
                data = {f: form.cleaned_data.get(f) for f in UNIT_REGISTER_FIELDS}
                saved = unit_register(actor=request.user, data=data)
        except ValidationError as error:
            # The form validated the same row; only a concurrent change gets here.
            raise PermissionDenied(" ".join(error.messages)) from error
        obj.pk = saved.pk


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Scope"), {"fields": ("full_name", "scope_area", "scope_unit")}),
    )
    autocomplete_fields = ["scope_area", "scope_unit"]
    list_display = ["username", "full_name", "scope_area", "scope_unit", "is_staff", "is_active"]

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                audit_record(
                    actor=request.user, action="user.password", obj=user, before=None, after=None
                )
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):
    def _audit(self, request, obj, verb, before, after):
        """A deleted group takes its memberships with it: the entry names the
        users who lost it (and so its role)."""
        if verb == "delete":
            before = {**before, "members": sorted(obj.user_set.values_list("pk", flat=True))}
        super()._audit(request, obj, verb, before, after)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AuditedAdmin, AccessAttemptAdmin):
    """Deleting a locked-out attempt unlocks the account or address; audited."""

    def _audit(self, request, obj, verb, before, after):
        if verb == "delete":
            audit_record(
                actor=request.user,
                action="user.login_unlock",
                obj=obj,
                before={"username": obj.username, "ip_address": obj.ip_address},
                after=None,
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown, never added, changed or deleted here: the audit log, and the
    rows that change only through their services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_repr", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "request_id", "actor_name"]


from . import admin_tokens  # noqa: E402, F401  (registers the API tokens admin)
