"""FilterSets of the units and restructurings lists: every filter lives in the URL."""

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .choices import AutonomyGroup, ManagementLevel, RestructuringKind, Sector, UnitKind
from .forms.area_picker import AreaPicker
from .forms.common import DATE_WIDGET
from .models import AgencyCover, Area, Restructuring, Unit
from .scope import area_ids
from .text import fold


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.ModelChoiceFilter):
    """A row chosen by its id (an area, an agency): an integer in the API's schema."""


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.ChoiceFilter):
    """A year among the choices: an integer in the API's schema."""


STATUS_CLOSED, STATUS_ALL = "closed", "all"
STATUS_CHOICES = [(STATUS_CLOSED, _("Closed")), (STATUS_ALL, _("All, closed ones too"))]


def _descending(label) -> str:
    return gettext("%(label)s (descending)") % {"label": label}


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's, its labels translated when shown: its own builds the
    descending ones once, in the language active when the module is imported
    (Vietnamese names with an English "(descending)", whatever the reader's)."""

    def build_choices(self, fields, labels):
        ascending = [
            (param, labels.get(field, _(pretty_name(param)))) for field, param in fields.items()
        ]
        return [
            choice
            for param, label in ascending
            for choice in ((param, label), (f"-{param}", lazy(_descending, str)(label)))
        ]


def search_q(query: str, *, name: str = "name_folded", code: str = "code") -> Q:
    """Every word of the query, without accents, in the name or the code."""
    match = Q()
    for word in fold(query).split():
        match &= Q(**{f"{name}__contains": word}) | Q(**{f"{code}__icontains": word})
    return match


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("Name or code, with or without accents")}),
    )
    area = IdFilter(
        label=_("Area (and below)"),
        queryset=Area.objects.all(),
        method="filter_area",
        widget=AreaPicker(),
    )
    parent = django_filters.ModelChoiceFilter(
        label=_("Managing body"), queryset=Unit.objects.all(), widget=forms.HiddenInput
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    level = django_filters.ChoiceFilter(
        label=_("Management level"), choices=ManagementLevel.choices
    )
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    autonomy_group = django_filters.ChoiceFilter(
        label=_("Autonomy group"), choices=[(g.value, str(g.value)) for g in AutonomyGroup]
    )
    # Empty (the default) is "active": today, or on the date of "active on".
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=STATUS_CHOICES,
        empty_label=_("Active"),
        method="filter_status",
    )
    active_on = django_filters.DateFilter(
        label=_("Active on"), method="filter_active_on", widget=DATE_WIDGET
    )
    o = OrderingFilter(
        fields=(
            ("name_folded", "name"),
            ("code", "code"),
            ("kind", "kind"),
            ("area__code", "area"),
            ("sector", "sector"),
            ("autonomy_group", "autonomy_group"),
            ("established_on", "established_on"),
            ("closed_on", "closed_on"),
        ),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Unit
        fields = ["q", "area", "kind", "level", "sector", "autonomy_group", "status", "active_on"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value))

    def filter_area(self, queryset, name, value):
        # The area through time: its own subtree and those of the areas it came from.
        return queryset.filter(area_id__in=area_ids(value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("status") and not data.get("active_on"):
            # Units active today unless the user asks otherwise.
            queryset = queryset.active_on(timezone.localdate())
        return queryset

    def filter_status(self, queryset, name, value):
        if value == STATUS_CLOSED:
            return queryset.filter(closed_on__lte=timezone.localdate())
        return queryset

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


class RestructuringFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(
        label=_("Decision number"), field_name="decision_number", lookup_expr="icontains"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RestructuringKind.choices)
    effective_from = django_filters.DateFilter(
        label=_("Effective from"), field_name="effective_on", lookup_expr="gte", widget=DATE_WIDGET
    )
    effective_to = django_filters.DateFilter(
        label=_("Effective to"), field_name="effective_on", lookup_expr="lte", widget=DATE_WIDGET
    )
    authority = django_filters.CharFilter(label=_("Issuing authority"), lookup_expr="icontains")
    area = IdFilter(
        label=_("Area (and below)"),
        queryset=Area.objects.all(),
        method="filter_area",
        widget=AreaPicker(),
    )
    # The decisions behind an agency's figures (the dashboard's waterfall links
    # here): those touching a unit managed by the agency or an agency below it.
    agency = IdFilter(
        queryset=Unit.objects.agencies(), method="filter_agency", widget=forms.HiddenInput
    )
    # Applied to the grouped rows by the selector (one row per legal decision).
    o = OrderingFilter(
        fields=(
            ("effective_on", "effective_on"),
            ("decided_on", "decided_on"),
            ("decision_number", "number"),
            ("authority", "authority"),
            ("kind", "kind"),
        ),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Restructuring
        fields = [
            "number",
            "kind",
            "effective_from",
            "effective_to",
            "authority",
            "area",
            "agency",
        ]

    def filter_agency(self, queryset, name, value):
        bodies = AgencyCover.objects.filter(scope=value).values("member_id")
        units = Unit.objects.filter(parent_id__in=bodies).values("id")
        return queryset.filter(
            pk__in=Restructuring.objects.filter(links__unit__in=units).values("pk")
        )

    def filter_area(self, queryset, name, value):
        units = Unit.objects.filter(area_id__in=area_ids(value)).values("id")
        return queryset.filter(
            pk__in=Restructuring.objects.filter(links__unit__in=units).values("pk")
        )
