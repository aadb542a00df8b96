"""API tokens in the admin: an admin creates one for a user (the text is shown
once, in the confirmation message) or revokes tokens; nothing else changes
them. Both go through the token services, audited."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User
from .services.tokens import MAX_DAYS, token_create, token_revoke


class ApiTokenCreateForm(forms.ModelForm):
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=90
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    form = ApiTokenCreateForm

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        owner = User.objects.get(pk=obj.user_id)
        token, text = token_create(
            actor=request.user, owner=owner, name=obj.name, days=form.cleaned_data["days"]
        )
        obj.pk = token.pk
        messages.warning(
            request,
            gettext("The token for %(user)s, shown only now: %(token)s")
            % {"user": owner, "token": text},
        )

    def save_related(self, request, form, formsets, change):
        pass  # the service saved everything

    def log_addition(self, request, obj, message):
        pass  # audited by the service

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(actor=request.user, token_id=token.pk)
