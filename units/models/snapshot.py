"""The snapshot the dashboards read (DESIGN §4), written only by the recompute:
the figures and the waterfall's cells of every scope, and the own rows they
are sums of. Derived data: no foreign-key constraints (the full rebuild loads
fresh tables and swaps them in), one row per cell (the unique indexes the
differential update adds into)."""

from django.db import models
from django.db.models import Q

from .areas import Area
from .figures import RecomputeRun
from .registry import Unit


def _scope(model: type):
    return models.ForeignKey(
        model,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


def _cells(prefix: str, key: str) -> list[models.UniqueConstraint]:
    """One row per cell of an area scope, of an agency scope, of the nation."""
    return [
        models.UniqueConstraint(
            fields=["scope", "year", key], condition=Q(scope__isnull=False), name=f"{prefix}_scope"
        ),
        models.UniqueConstraint(
            fields=["agency", "year", key],
            condition=Q(agency__isnull=False),
            name=f"{prefix}_agency",
        ),
        models.UniqueConstraint(
            fields=["year", key], condition=Q(nation=True), name=f"{prefix}_nation"
        ),
    ]


class SnapshotCell(models.Model):
    """What every cell of the snapshot has: its scope (an area through its
    lineage, an agency's subtree, or the nation), its year and the run that
    wrote it. The counts are plain integers: the differential update proposes
    negative differences (`snapshot_apply`)."""

    scope = _scope(Area)
    agency = _scope(Unit)
    # The nation's rows (both scopes empty), flagged so that the planner
    # estimates them right: 116 rows among a million.
    nation = models.BooleanField(default=False)
    year = models.PositiveSmallIntegerField()
    run = models.ForeignKey(
        RecomputeRun,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        abstract = True

    @property
    def scope_label(self) -> str:
        return str(self.scope or self.agency or "VN")


class ReductionFigure(SnapshotCell):
    """For a scope, a year (as of 31/12) and a sector (`ALL` for every sector):
    the public service units active, those in autonomy groups 1–2, and the
    quota staff (civil servants and budget-paid employees) assigned, actual
    and vacant, summed unit by unit. A change against a base year is read from
    two rows; a cell with nothing in it has no row."""

    ALL = "*"

    sector = models.CharField(max_length=12)
    units = models.IntegerField(default=0)
    autonomous = models.IntegerField(default=0)
    staff_assigned = models.IntegerField(default=0)
    staff_actual = models.IntegerField(default=0)
    staff_vacancy = models.IntegerField(default=0)

    class Meta:
        constraints = _cells("figure", "sector")

    def __str__(self):
        return f"{self.scope_label} {self.year} {self.sector}: {self.units}"


class ReductionDelta(SnapshotCell):
    """The waterfall's cells (DESIGN §4.4): for a scope, a year and a kind of
    restructuring, the public service units its decisions in force that year
    (1/1 to 31/12) created and ended. A window's bars are sums."""

    kind = models.CharField(max_length=12)
    created = models.IntegerField(default=0)
    ceased = models.IntegerField(default=0)

    class Meta:
        constraints = _cells("delta", "kind")

    def __str__(self):
        return f"{self.scope_label} {self.year} {self.kind}: +{self.created} −{self.ceased}"


class OwnFigure(models.Model):
    """What the units located in one area under one managing body add to the
    figures of a year and sector (a service unit counts at its area and under
    its managing body; an agency's own staff at its area and under itself).
    Every scope's row is a sum of these: an incremental run recomputes the own
    rows of the marked areas and adds the difference to the scopes above."""

    area_id = models.IntegerField()
    agency_id = models.IntegerField(null=True)
    year = models.PositiveSmallIntegerField()
    sector = models.CharField(max_length=12)
    units = models.PositiveIntegerField(default=0)
    autonomous = models.PositiveIntegerField(default=0)
    staff_assigned = models.PositiveIntegerField(default=0)
    staff_actual = models.PositiveIntegerField(default=0)
    staff_vacancy = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["area_id", "year"], name="own_figure_area"),
            models.Index(fields=["agency_id", "year"], name="own_figure_agency"),
        ]

    def __str__(self):
        return f"{self.area_id}/{self.agency_id} {self.year} {self.sector}: {self.units}"


class OwnDelta(models.Model):
    """The waterfall's own rows: the units located in one area under one managing
    body that decisions of a kind in force in a year created and ended."""

    area_id = models.IntegerField()
    agency_id = models.IntegerField(null=True)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12)
    created = models.PositiveIntegerField(default=0)
    ceased = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["area_id", "year"], name="own_delta_area"),
            models.Index(fields=["agency_id", "year"], name="own_delta_agency"),
        ]

    def __str__(self):
        return f"{self.area_id}/{self.agency_id} {self.year} {self.kind}: −{self.ceased}"


def figure_scope_q(scope: Area | Unit | None, prefix: str = "") -> Q:
    """The snapshot rows (figures or deltas) of a scope: an area, an agency's
    subtree, or (None) the nation. Not `scope.scope_q`, which is a user's scope."""
    if isinstance(scope, Unit):
        return Q(**{f"{prefix}agency": scope})
    if scope is None:
        return Q(**{f"{prefix}nation": True})
    return Q(**{f"{prefix}scope": scope})
