"""The units list FilterSet: every filter lives in the URL."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AreaLevel, AutonomyGroup, ManagementLevel, RestructuringKind, Sector, UnitKind
from .models import Area, Restructuring, Unit
from .scope import area_subtree_q
from .text import fold

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10}
)


def area_choices(selected: Area | None) -> list[tuple[str, str]]:
    """Provinces with their districts indented, for the area select (communes are
    reached from the area tree; a selected commune is kept in the list)."""
    areas = Area.objects.exclude(level=AreaLevel.COMMUNE).order_by("code", "valid_from")
    provinces = [a for a in areas if a.level == AreaLevel.PROVINCE]
    districts: dict[int, list[Area]] = {}
    for a in areas:
        if a.parent_id:
            districts.setdefault(a.parent_id, []).append(a)
    choices = [("", _("All areas"))]
    for province in provinces:
        label = (
            province.name
            if province.valid_to is None
            else f"{province.name} ({province.code}, ≤ {province.valid_to:%Y})"
        )
        choices.append((str(province.pk), label))
        choices += [(str(d.pk), f"— {d.name}") for d in districts.get(province.pk, [])]
    if selected is not None and selected.level == AreaLevel.COMMUNE:
        choices.append((str(selected.pk), f"—— {selected.name}"))
    return choices


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("Name or code, with or without accents")}),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area (and below)"), queryset=Area.objects.all(), method="filter_area"
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
    status = django_filters.ChoiceFilter(
        label=_("Status today"),
        choices=[("active", _("Active")), ("closed", _("Closed"))],
        method="filter_status",
    )
    active_on = django_filters.DateFilter(
        label=_("Active on"), method="filter_active_on", widget=DATE_WIDGET
    )
    o = django_filters.OrderingFilter(
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        selected = None
        area_id = self.data.get("area") if self.data else None
        if area_id and str(area_id).isdigit():
            selected = Area.objects.filter(pk=area_id).first()
        self.form.fields["area"].widget.choices = area_choices(selected)

    def filter_q(self, queryset, name, value):
        for word in fold(value).split():
            queryset = queryset.filter(Q(name_folded__contains=word) | Q(code__icontains=word))
        return queryset

    def filter_area(self, queryset, name, value):
        return queryset.filter(area_subtree_q(value))

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "active":
            return queryset.active_on(today)
        return queryset.filter(closed_on__lte=today)

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
    area = django_filters.ModelChoiceFilter(
        label=_("Area (and below)"), queryset=Area.objects.all(), method="filter_area"
    )

    class Meta:
        model = Restructuring
        fields = ["number", "kind", "effective_from", "effective_to", "authority", "area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["area"].widget.choices = area_choices(None)

    def filter_area(self, queryset, name, value):
        units = Unit.objects.filter(area_subtree_q(value)).values("id")
        return queryset.filter(links__unit__in=units).distinct()
