"""The filters of the supervision lists, kept in the URL."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.filters import IdFilter, YearFilter
from units.forms.area_picker import AreaPicker
from units.forms.common import DATE_WIDGET
from units.models import Area
from units.scope import area_ids
from units.text import fold

from .choices import RecommendationStatus, SessionStatus
from .models import Recommendation, Session, SupervisoryBody

OVERDUE = "overdue"


def year_choices():
    this = timezone.localdate().year
    return [(year, str(year)) for year in range(this + 1, 2015, -1)]


class RecommendationFilter(django_filters.FilterSet):
    """Recommendations by body, session year, addressed scope, state and priority."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    body = django_filters.ModelChoiceFilter(
        label=_("Body"), field_name="session__body", queryset=SupervisoryBody.objects.all()
    )
    year = YearFilter(label=_("Year"), choices=year_choices, method="filter_year")
    area = IdFilter(
        label=_("Addressed scope (and below)"),
        queryset=Area.objects.all(),
        method="filter_area",
        widget=AreaPicker(),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*RecommendationStatus.choices, (OVERDUE, _("Overdue"))],
        method="filter_status",
    )
    priority = django_filters.BooleanFilter(
        label=_("Priority only"),
        widget=forms.CheckboxInput,
        method="filter_priority",
    )
    due_to = django_filters.DateFilter(
        label=_("Due by"), field_name="current_due", lookup_expr="lte", widget=DATE_WIDGET
    )

    class Meta:
        model = Recommendation
        fields = ["q", "body", "year", "area", "status", "priority", "due_to"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        return queryset.filter(text__icontains=value.strip()) | queryset.filter(
            session__topic_folded__contains=folded
        )

    def filter_year(self, queryset, name, value):
        return queryset.filter(session__decision_date__year=int(value))

    def filter_area(self, queryset, name, value):
        return queryset.filter(addressed_unit__area_id__in=area_ids(value))

    def filter_status(self, queryset, name, value):
        if value == OVERDUE:
            return queryset.overdue(timezone.localdate())
        return queryset.filter(status=value)

    def filter_priority(self, queryset, name, value):
        return queryset.filter(priority=True) if value else queryset


class SessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    body = django_filters.ModelChoiceFilter(label=_("Body"), queryset=SupervisoryBody.objects.all())
    year = YearFilter(label=_("Year"), choices=year_choices, field_name="decision_date__year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SessionStatus.choices)

    class Meta:
        model = Session
        fields = ["q", "body", "year", "status"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        return queryset.filter(topic_folded__contains=folded) | queryset.filter(
            decision_number__icontains=value.strip()
        )
