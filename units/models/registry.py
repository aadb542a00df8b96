"""The registry: agencies and public service units, and the restructuring
decisions that create, change and close them."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ..choices import AutonomyGroup, LinkRole, ManagementLevel, RestructuringKind, Sector, UnitKind
from .areas import Area, FoldsName, area_subtree_q

# More people than any public service unit employs: a bound that keeps typos out.
MAX_STAFF_MOVED = 100_000
EARLIEST_ESTABLISHMENT = dt.date(1800, 1, 1)
# The state whose decisions are recorded dates from 1945.
EARLIEST_DECISION = dt.date(1945, 1, 1)
YEARS_AHEAD = 10


def _check_plausible(day: dt.date, earliest: dt.date) -> None:
    latest = timezone.localdate().replace(month=12, day=31)
    latest = latest.replace(year=latest.year + YEARS_AHEAD)
    if not earliest <= day <= latest:
        raise ValidationError(
            _("The date must be between %(earliest)s and %(latest)s.")
            % {
                "earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
                "latest": formats.date_format(latest, "SHORT_DATE_FORMAT"),
            },
            code="implausible_date",
        )


def plausible_establishment_date(day: dt.date) -> None:
    """A unit's establishment: from 1800 to ten years ahead (typos such as 0001)."""
    _check_plausible(day, EARLIEST_ESTABLISHMENT)


def plausible_decision_date(day: dt.date) -> None:
    """A decision's dates: from 1945 to ten years ahead."""
    _check_plausible(day, EARLIEST_DECISION)


def last_year_ended(last_day: dt.date) -> int:
    """The last year whose 31/12 fell on or before `last_day` (the last day an
    area was valid or a unit active): the last year it counts in the figures."""
    return last_day.year if (last_day.month, last_day.day) == (12, 31) else last_day.year - 1


def last_year_seen(closed_on: dt.date) -> int:
    """The last year whose 31/12 a unit closed on `closed_on` was active on."""
    return last_year_ended(closed_on - dt.timedelta(days=1))


def active_on_q(day: dt.date, prefix: str = "") -> Q:
    """Units active on `day`: established on or before it and not yet closed;
    `prefix` reaches them through a relation ("children__")."""
    return Q(**{f"{prefix}established_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


def active_during_q(year: int) -> Q:
    """Units active at some time in `year` (a staffing year)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Q(established_on__lte=last) & (Q(closed_on__isnull=True) | Q(closed_on__gt=first))


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(active_on_q(day))

    def services(self):
        return self.filter(kind=UnitKind.SERVICE)

    def agencies(self):
        return self.filter(kind=UnitKind.AGENCY)

    def in_area(self, area: Area):
        """Units located in `area` or any area below it."""
        return self.filter(area_subtree_q(area))


class Unit(FoldsName, models.Model):
    """An agency (UBND, Sở, Phòng…) or a public service unit, with the period it
    existed. Active on d ⇔ established_on ≤ d and (closed_on is null or d < closed_on)."""

    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=255)
    # Folded copy of the name for accent-insensitive search (see units.text.fold).
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    code = models.CharField(_("code"), max_length=20, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("managing body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="units"
    )
    level = models.CharField(_("management level"), max_length=10, choices=ManagementLevel.choices)
    sector = models.CharField(_("sector"), max_length=12, choices=Sector.choices, blank=True)
    autonomy_group = models.PositiveSmallIntegerField(
        _("autonomy group"), choices=AutonomyGroup.choices, null=True, blank=True
    )
    established_on = models.DateField(
        _("established on"), validators=[plausible_establishment_date]
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "Restructuring",
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name_folded", "id"]
        indexes = [
            models.Index(fields=["area", "kind", "established_on"], name="unit_area_kind_est"),
            models.Index(fields=["closed_on"], name="unit_closed_on"),
            # The agencies' tree, read whole by the recompute's fingerprint.
            models.Index(
                fields=["id", "parent"], condition=Q(kind="agency"), name="unit_agency_tree"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code="") & Q(closed_on__isnull=True),
                name="unit_code_unique_when_set",
                violation_error_message=_("Another unit already has this code."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gt=models.F("established_on")),
                name="unit_closed_after_established",
                violation_error_message=_("The closing date must be after the establishment date."),
            ),
            models.CheckConstraint(
                condition=Q(kind=UnitKind.SERVICE) | Q(autonomy_group__isnull=True),
                name="unit_autonomy_only_for_service",
                violation_error_message=_("Only public service units have an autonomy group."),
            ),
            models.CheckConstraint(
                condition=Q(autonomy_group__isnull=True) | Q(autonomy_group__in=[1, 2, 3, 4]),
                name="unit_autonomy_group_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(kind=UnitKind.AGENCY) | ~Q(sector=""),
                name="unit_service_has_sector",
                violation_error_message=_("A public service unit needs a sector."),
            ),
            models.CheckConstraint(
                condition=Q(kind=UnitKind.SERVICE) | Q(sector=""),
                name="unit_agency_has_no_sector",
                violation_error_message=_("Only public service units have a sector."),
            ),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_valid"),
            models.CheckConstraint(
                condition=Q(level__in=ManagementLevel.values), name="unit_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(sector="") | Q(sector__in=Sector.values), name="unit_sector_valid"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def is_active_on(self, day: dt.date) -> bool:
        return self.established_on <= day and (self.closed_on is None or day < self.closed_on)


class Restructuring(models.Model):
    """One legal decision that changes the set of units (DESIGN §3). Applied and
    reversed only by units.restructurings; a reversal keeps the row, marked."""

    kind = models.CharField(_("kind"), max_length=12, choices=RestructuringKind.choices)
    decision_number = models.CharField(_("decision number"), max_length=80)
    decided_on = models.DateField(_("decided on"), validators=[plausible_decision_date])
    effective_on = models.DateField(_("effective on"), validators=[plausible_decision_date])
    authority = models.CharField(_("issuing authority"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    decision_file = models.FileField(
        _("decision file"), upload_to="decisions/%Y/", blank=True, max_length=255
    )
    new_parent = models.ForeignKey(
        Unit,
        verbose_name=_("new managing body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_area = models.ForeignKey(
        Area,
        verbose_name=_("new area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "User",
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        "User",
        verbose_name=_("reversed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reversal_reason = models.TextField(_("reason for reversal"), blank=True)
    # The guided form's draft key: a form confirmed twice at once records once.
    submission_key = models.CharField(
        max_length=40, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("restructuring")
        verbose_name_plural = _("restructurings")
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["effective_on"], name="restructuring_effective")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RestructuringKind.values), name="restructuring_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(effective_on__gte=models.F("decided_on")),
                name="restructuring_effective_after_decided",
                violation_error_message=_("The effective date cannot be before the decision date."),
            ),
        ]

    def __str__(self):
        return f"{self.decision_number} ({self.get_kind_display()})"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class RestructuringLink(models.Model):
    """A unit's part in a restructuring. `ceases`/`created` say whether this
    decision closed the source or created the result: the unit-count deltas of
    DESIGN §4 are read from them. `before` keeps what is restored on reversal,
    `after` what a rename set (shown in the lists even after later renames)."""

    restructuring = models.ForeignKey(Restructuring, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="links")
    role = models.CharField(_("role"), max_length=6, choices=LinkRole.choices)
    ceases = models.BooleanField(default=False)
    created = models.BooleanField(default=False)
    staff_moved = models.PositiveIntegerField(
        _("staff moved"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_STAFF_MOVED)],
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # A transfer's copy: the unit it continues (the source in the same position).
    copy_of = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            # A decision's links by role, in order: pages of a bulk decision and
            # its counts read this index only.
            models.Index(fields=["restructuring", "role", "id"], name="link_restructuring_role")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["restructuring", "unit", "role"], name="link_unique_role"
            ),
            models.CheckConstraint(condition=Q(role__in=LinkRole.values), name="link_role_valid"),
            models.CheckConstraint(
                condition=~(Q(ceases=True) & Q(role=LinkRole.RESULT))
                & ~(Q(created=True) & Q(role=LinkRole.SOURCE)),
                name="link_ceases_sources_created_results",
            ),
        ]

    def __str__(self):
        return f"{self.restructuring} · {self.role} · {self.unit}"
