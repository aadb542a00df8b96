"""The units' data-quality checks (issue 23 point 4), registered with
units.selectors.data_quality: service units without their establishing
decision, units in ended areas, staffing over quota or missing, decisions
without a file, agencies without units, likely duplicates. Each is one
set-based query in the reader's scope, its rows plain value tuples."""

import datetime as dt

from django.db.models import Exists, F, IntegerField, OuterRef, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from ..choices import RestructuringKind, StaffingCategory, UnitKind
from ..models import Restructuring, RestructuringLink, StaffingFigure, Unit, User
from ..models.registry import active_on_q
from ..scope import scope_q
from .data_quality import Check, Column, register


def _units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user))


def _decided() -> QuerySet[RestructuringLink]:
    """Links of decisions still in force (an annulled decision establishes nothing)."""
    return RestructuringLink.objects.filter(restructuring__reversed_at__isnull=True)


UNIT_COLUMNS = (
    Column(_("Code"), "code"),
    Column(_("Name"), "name"),
    Column(_("Area"), "area__name"),
    Column(_("Managing body"), "parent__name"),
    Column(_("Established on"), "established_on"),
)


def services_without_establishment(user: User, today: dt.date) -> QuerySet:
    """Service units active today that no decision in force created (no
    establishment, consolidation, split or spin-off names them as its result)."""
    created = _decided().filter(unit=OuterRef("pk"), created=True)
    return (
        _units(user)
        .filter(active_on_q(today), kind=UnitKind.SERVICE)
        .exclude(Exists(created))
        .order_by("name_folded", "pk")
        .values_list("pk", *(c.field for c in UNIT_COLUMNS))
    )


ENDED_AREA_COLUMNS = (
    Column(_("Code"), "code"),
    Column(_("Name"), "name"),
    Column(_("Kind"), "kind", UnitKind),
    Column(_("Area"), "area__name"),
    Column(_("Area ended on"), "area__valid_to"),
)


def units_in_ended_areas(user: User, today: dt.date) -> QuerySet:
    """Units active today located in an area whose validity ended before today
    (a district abolished on 1/7/2025, a merged commune)."""
    return (
        _units(user)
        .filter(active_on_q(today), area__valid_to__lt=today)
        .order_by("area__name", "name_folded", "pk")
        .values_list("pk", *(c.field for c in ENDED_AREA_COLUMNS))
    )


STAFFING_COLUMNS = (
    Column(_("Code"), "unit__code"),
    Column(_("Unit"), "unit__name"),
    Column(_("Year"), "year"),
    Column(_("Category"), "category", StaffingCategory),
    Column(_("Assigned"), "assigned"),
    Column(_("Actual"), "actual"),
)


def staffing_over_quota(user: User, today: dt.date) -> QuerySet:
    """Staffing figures whose actual headcount exceeds the assigned quota."""
    return (
        StaffingFigure.objects.filter(scope_q(user, "unit__"))
        .filter(assigned__isnull=False, actual__gt=F("assigned"))
        .order_by("-year", "unit__name_folded", "pk")
        .values_list("unit_id", *(c.field for c in STAFFING_COLUMNS))
    )


MISSING_COLUMNS = (
    Column(_("Code"), "code"),
    Column(_("Name"), "name"),
    Column(_("Kind"), "kind", UnitKind),
    Column(_("Area"), "area__name"),
    Column(_("Year"), "missing_year"),
)


def staffing_years(today: dt.date) -> list[int]:
    """The years staffing is expected for: from the first year anyone recorded
    figures to this year."""
    first = (
        StaffingFigure.objects.filter(year__lte=today.year)
        .order_by("year")
        .values_list("year", flat=True)
        .first()
    )
    return list(range(first, today.year + 1)) if first else []


def staffing_missing(user: User, today: dt.date) -> QuerySet:
    """Units active on 31/12 of a year (today for this year) with no staffing
    figure for that year: one query per year, united (as many as the years)."""
    parts = []
    for year in staffing_years(today):
        day = min(dt.date(year, 12, 31), today)
        recorded = StaffingFigure.objects.filter(unit=OuterRef("pk"), year=year)
        parts.append(
            _units(user)
            .filter(active_on_q(day))
            .exclude(Exists(recorded))
            .annotate(missing_year=Value(year, output_field=IntegerField()))
            .order_by()
            .values_list("pk", *(c.field for c in MISSING_COLUMNS))
        )
    if not parts:
        nothing = Unit.objects.none().annotate(missing_year=Value(0, output_field=IntegerField()))
        return nothing.values_list("pk", *(c.field for c in MISSING_COLUMNS))
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-missing_year", "name", "id")


DECISION_COLUMNS = (
    Column(_("Decision number"), "decision_number"),
    Column(_("Kind"), "kind", RestructuringKind),
    Column(_("Issuing authority"), "authority"),
    Column(_("Decided on"), "decided_on"),
    Column(_("Effective on"), "effective_on"),
)


def decisions_without_file(user: User, today: dt.date) -> QuerySet:
    """Decisions in force with no file of the decision attached, those touching
    a unit of the scope."""
    decisions = Restructuring.objects.filter(reversed_at__isnull=True, decision_file="")
    if user.scope_area_id or user.scope_unit_id:
        touching = RestructuringLink.objects.filter(restructuring=OuterRef("pk")).filter(
            scope_q(user, "unit__")
        )
        decisions = decisions.filter(Exists(touching))
    return decisions.order_by("-effective_on", "-pk").values_list(
        "pk", *(c.field for c in DECISION_COLUMNS)
    )


AGENCY_COLUMNS = (
    Column(_("Code"), "code"),
    Column(_("Name"), "name"),
    Column(_("Area"), "area__name"),
    Column(_("Managing body"), "parent__name"),
    Column(_("Established on"), "established_on"),
)


def agencies_without_units(user: User, today: dt.date) -> QuerySet:
    """Agencies active today that manage no active unit (neither a service unit
    nor an agency below them)."""
    managed = Unit.objects.filter(active_on_q(today), parent=OuterRef("pk"))
    return (
        _units(user)
        .filter(active_on_q(today), kind=UnitKind.AGENCY)
        .exclude(Exists(managed))
        .order_by("name_folded", "pk")
        .values_list("pk", *(c.field for c in AGENCY_COLUMNS))
    )


DUPLICATE_COLUMNS = (
    Column(_("Area"), "area__name"),
    Column(_("Name"), "name"),
    Column(_("Code"), "code"),
    Column(_("Kind"), "kind", UnitKind),
    Column(_("Established on"), "established_on"),
)


def duplicate_units(user: User, today: dt.date) -> QuerySet:
    """Units active today that share their folded name (accents, case and
    spaces ignored) with another active unit of the same area, wherever that
    one is managed: the groups side by side. (An index probe per unit on the
    folded name: a grouping of every active unit cost ten times more.)"""
    twin = (
        Unit.objects.filter(active_on_q(today))
        .filter(area_id=OuterRef("area_id"), name_folded=OuterRef("name_folded"))
        .exclude(pk=OuterRef("pk"))
    )
    return (
        _units(user)
        .filter(active_on_q(today))
        .filter(Exists(twin))
        .order_by("area__name", "name_folded", "pk")
        .values_list("pk", *(c.field for c in DUPLICATE_COLUMNS))
    )


register(
    Check(
        id="services-without-establishment",
        title=_("Active public service units with no establishing decision"),
        fix=_(
            "Record the decision that established the unit (Restructurings → Record a "
            "restructuring → Establish), or correct its dates if it is no longer active."
        ),
        rows=services_without_establishment,
        columns=UNIT_COLUMNS,
        link="units:unit_detail",
        order=10,
    ),
    Check(
        id="units-in-ended-areas",
        title=_("Active units located in an area that has ended"),
        fix=_(
            "Record the transfer of the unit to the area that succeeded it, or the "
            "decision that closed it."
        ),
        rows=units_in_ended_areas,
        columns=ENDED_AREA_COLUMNS,
        link="units:unit_detail",
        order=20,
    ),
    Check(
        id="staffing-over-quota",
        title=_("Staffing figures with more people than the assigned quota"),
        fix=_(
            "Check the actual headcount and the assigned quota on the unit's staffing "
            "page; correct the one that was typed wrong, or record the decision that "
            "raised the quota."
        ),
        rows=staffing_over_quota,
        columns=STAFFING_COLUMNS,
        link="units:unit_detail",
        order=30,
    ),
    Check(
        id="staffing-missing",
        title=_("Active units with no staffing figures for a year"),
        fix=_(
            "Enter the unit's assigned quota and actual headcount for that year on the "
            "staffing page, or import them from the year's workbook."
        ),
        rows=staffing_missing,
        columns=MISSING_COLUMNS,
        link="units:unit_detail",
        order=40,
    ),
    Check(
        id="decisions-without-file",
        title=_("Decisions with no file of the decision attached"),
        fix=_(
            "Attach the scanned or signed decision (PDF) so that readers can check "
            "the figures against it."
        ),
        rows=decisions_without_file,
        columns=DECISION_COLUMNS,
        link="units:restructuring_detail",
        order=50,
    ),
    Check(
        id="agencies-without-units",
        title=_("Active agencies that manage no unit"),
        fix=_(
            "Record the units the agency manages (or their transfer to it), or the "
            "decision that ended the agency."
        ),
        rows=agencies_without_units,
        columns=AGENCY_COLUMNS,
        link="units:unit_detail",
        order=60,
    ),
    Check(
        id="duplicate-units",
        title=_("Likely duplicate units (same name in the same area)"),
        fix=_(
            "Compare the units of each group: if they are one unit recorded twice, "
            "close the copy by a decision; if they differ, make their names tell "
            "them apart."
        ),
        rows=duplicate_units,
        columns=DUPLICATE_COLUMNS,
        link="units:unit_detail",
        order=70,
    ),
)
