"""Data quality (issue 23 point 4): checks that find records a clerk should
correct, each a set-based query restricted to the reader's scope (its rows as
plain value tuples, the first value the id its link opens), with a title and
a short text on how to fix it. The counts of a scope are cached for the data's
versions and the day (overdue and missed deadlines move with the date).

The registry holds the units checks below; other apps add theirs from a
`data_quality` module of their own, found through the app registry (units never
imports supervision, as `load_demo` finds other apps' demo)."""

import dataclasses
import datetime as dt
from collections.abc import Callable
from importlib import import_module

from django.apps import apps
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from ..choices import RestructuringKind, Role, StaffingCategory, UnitKind
from ..models import Restructuring, RestructuringLink, StaffingFigure, Unit, User
from ..models.registry import active_on_q
from ..scope import scope_q
from ..versions import AREAS, REGISTRY, STAFFING, SUPERVISION, cached, counters


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of a check's rows: its heading, the value it reads, and the
    choices that label a coded value (a kind, a category)."""

    heading: object
    field: str
    choices: type | None = None


@dataclasses.dataclass(frozen=True)
class Check:
    """One data-quality check: `rows(user, today)` is the query of what it
    finds in the user's scope, as tuples of the columns' values after the id
    that `link` (a URL name) opens."""

    id: str
    title: object
    fix: object
    rows: Callable[[User, dt.date], QuerySet]
    columns: tuple[Column, ...]
    link: str
    order: int = 100

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(column.field for column in self.columns)


CHECKS: dict[str, Check] = {}
_discovered = False


def register(*found: Check) -> None:
    for check in found:
        CHECKS[check.id] = check


def checks() -> list[Check]:
    """Every check, in the page's order (other apps' modules imported once)."""
    global _discovered
    if not _discovered:
        for app in apps.get_app_configs():
            if app.name != "units" and module_has_submodule(app.module, "data_quality"):
                import_module(f"{app.name}.data_quality")
        _discovered = True
    return sorted(CHECKS.values(), key=lambda check: (check.order, check.id))


def check_of(check_id: str) -> Check | None:
    return {check.id: check for check in checks()}.get(check_id)


def may_read_quality(user: User) -> bool:
    """Clerks, supervisors and admins read the data-quality checks."""
    return user.is_authenticated and (
        user.is_admin or bool({Role.CLERK, Role.SUPERVISOR} & user.roles)
    )


def _scope_name(user: User) -> str:
    """The key of what a user's checks cover: their own scope, whatever their
    role reads elsewhere (the checks are about what they keep)."""
    if user.scope_area_id:
        return f"a{user.scope_area_id}"
    return f"u{user.scope_unit_id}" if user.scope_unit_id else "all"


DEPENDS_ON = (REGISTRY, AREAS, STAFFING, SUPERVISION)


def quality_version(user: User, today: dt.date) -> str:
    """What the checks of a scope depend on: the data's versions (registry,
    areas, staffing, supervision; one cache read), the day and the scope."""
    found = counters(*DEPENDS_ON)[0]
    version = ":".join(found[key] for key in DEPENDS_ON)
    return f"data-quality:{version}:{today.isoformat()}:{_scope_name(user)}"


def check_counts(user: User, today: dt.date) -> dict[str, int]:
    """Each check's count in the user's scope, cached for `quality_version`."""
    key = quality_version(user, today)
    return cached(key, lambda: {c.id: c.rows(user, today).count() for c in checks()})


def quality_total(user: User, today: dt.date) -> int | None:
    """What the landing page shows a clerk: the rows all checks find in their
    scope (None for anyone else: the anonymous, officials, supervisors)."""
    if not user.is_authenticated or Role.CLERK not in user.roles:
        return None
    return sum(check_counts(user, today).values())


def quality_warm(today: dt.date) -> int:
    """Count the checks of every scope a reader of them has (what a task can
    run after each change, off the request path); returns how many scopes."""
    readers = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name__in=[Role.CLERK, Role.SUPERVISOR, Role.ADMIN])
    )
    scopes = readers.values_list("scope_area_id", "scope_unit_id").distinct()
    for area_id, unit_id in scopes:
        check_counts(User(scope_area_id=area_id, scope_unit_id=unit_id), today)
    return len(scopes)


# The units checks.


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
