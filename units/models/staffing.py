"""Staffing: the quota assigned to a unit for a year and the people it has
(DESIGN §2). Vacancy and over-quota are derived, never stored."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import StaffingCategory, UnitKind
from .registry import Unit

C = StaffingCategory
# Which categories a unit counts follows its kind.
CATEGORIES_BY_KIND = {
    UnitKind.AGENCY: (C.CIVIL_SERVANT, C.CONTRACT),
    UnitKind.SERVICE: (C.BUDGET_EMPLOYEE, C.OWN_REVENUE_EMPLOYEE, C.CONTRACT),
}
# The quota each kind of unit is assigned (DESIGN §2).
QUOTA_OF_KIND = {UnitKind.AGENCY: C.CIVIL_SERVANT, UnitKind.SERVICE: C.BUDGET_EMPLOYEE}
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_PEOPLE = 1_000_000  # larger than any unit: a typo, not a headcount


def categories_for(kind: str) -> tuple[str, ...]:
    return tuple(CATEGORIES_BY_KIND.get(kind, ()))


def quota_year(effective_on: dt.date) -> int:
    """The first full year of the units a restructuring leaves: their quota is
    assigned for it."""
    return effective_on.year + (0 if (effective_on.month, effective_on.day) == (1, 1) else 1)


class StaffingFigure(models.Model):
    """One unit × year × category: the quota assigned (and the decision that
    assigned it), the actual headcount (and the day it refers to), and the
    people who left under streamlining that year."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staffing"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    category = models.CharField(_("category"), max_length=24, choices=StaffingCategory.choices)
    assigned = models.PositiveIntegerField(
        _("assigned"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    actual = models.PositiveIntegerField(
        _("actual"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    streamlined = models.PositiveIntegerField(
        _("streamlined"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    decision_number = models.CharField(_("assigning decision"), max_length=100, blank=True)
    actual_on = models.DateField(_("actual as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("staffing figure")
        verbose_name_plural = _("staffing figures")
        ordering = ["year", "unit_id", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "category"],
                name="staffing_one_row_per_key",
                violation_error_message=_("This unit already has figures for that year."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=StaffingCategory.values), name="staffing_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="staffing_year_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "category"], name="staffing_year_category")]

    def __str__(self):
        return f"{self.unit} {self.year} {self.get_category_display()}"

    @property
    def vacancy(self) -> int:
        """Quota not filled (0 when full or over)."""
        if self.assigned is None or self.actual is None:
            return 0
        return max(self.assigned - self.actual, 0)

    @property
    def over_quota(self) -> int:
        """People beyond the quota (0 when within it)."""
        if self.assigned is None or self.actual is None:
            return 0
        return max(self.actual - self.assigned, 0)


class StaffingImport(models.Model):
    """An uploaded staffing workbook, kept from its preview to its commit: the
    commit reads these very bytes (any worker can, they are in the database), so
    only what was previewed is saved. Committed imports stay as the record of
    the file behind an audit entry."""

    user = models.ForeignKey(
        "units.User", verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    # What the file holds (its rows and invalid lines), read once at upload.
    preview = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("staffing import")
        verbose_name_plural = _("staffing imports")

    def __str__(self):
        return f"{self.filename} ({self.year})"
