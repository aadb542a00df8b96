"""Figures bookkeeping: the outbox of scopes × years whose figures are stale, the
areas each scope counts, the recompute runs, and the snapshot they write."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .areas import Area
from .registry import Unit


class RecomputeMark(models.Model):
    """A scope × year whose figures must be recomputed, written in the same
    transaction as the change (DESIGN §5); the recompute job clears it."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="recompute_mark_unique")
        ]

    def __str__(self):
        return f"{self.area} {self.year}"


class AreaCover(models.Model):
    """Which areas a scope's figures count: the scope, everything below it, and
    the areas it came from with everything below them (`scope.area_ids`, as a
    table the recompute joins), and in which years: an area that has ended
    counts only in the years it existed (`first_year` to `last_year`, as of
    31/12), today's areas in every year. Kept by the recompute when the areas
    change, row by row (`covers.cover_sync`)."""

    scope = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    # A covered subtree's top (its parent is not covered): the full rebuild
    # joins only these to the subtree sums.
    root = models.BooleanField(default=False)
    first_year = models.PositiveSmallIntegerField(null=True)
    last_year = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "area"], name="area_cover_unique")]
        indexes = [models.Index(fields=["area", "scope"], name="area_cover_by_area")]

    def __str__(self):
        return f"{self.scope_id} ⊇ {self.area_id}"


class AgencyCover(models.Model):
    """Which agencies' units an agency scope counts: the agency itself and every
    agency below it (a People's Committee, its Sở, their Phòng). Service units
    count under their managing body's scopes. Kept by the recompute when the
    agencies change, row by row."""

    scope = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "member"], name="agency_cover_unique")
        ]
        indexes = [models.Index(fields=["member", "scope"], name="agency_cover_by_member")]

    def __str__(self):
        return f"{self.scope_id} ⊇ {self.member_id}"


class RecomputeRun(models.Model):
    """One run of the recompute (DESIGN §5), shown on the jobs page."""

    class Trigger(models.TextChoices):
        WRITE = "write", _("after a change")
        SCHEDULE = "schedule", _("scheduled sweep")
        MANUAL = "manual", _("manual")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        INTERRUPTED = "interrupted", _("interrupted (its process stopped)")

    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="running")
    scopes = models.PositiveIntegerField(_("scopes"), default=0)
    years = models.JSONField(_("years"), default=list)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    areas_fingerprint = models.CharField(max_length=64, blank=True)
    # Every scope rebuilt (an admin's, `recompute --all`, too many marks): one
    # whose process died is run again by the sweeper, once (`rerun_of`).
    full = models.BooleanField(_("full"), default=False)
    rerun_of = models.ForeignKey(
        "self",
        verbose_name=_("re-run of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reruns",
    )

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.get_trigger_display()} {self.started_at:%d/%m/%Y %H:%M}"

    @property
    def duration(self) -> float | None:
        """Seconds from start to finish (None while it runs)."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class Target(models.Model):
    """A reduction target as data (DESIGN §4.6): for a scope (empty: every
    scope, as Nghị quyết 19-NQ/TW sets them for the country), a metric, the
    base year and the year it is due, the percentage to reach."""

    class Metric(models.TextChoices):
        UNITS = "units", _("public service units reduced")
        STAFF = "staff", _("quota staff reduced")
        AUTONOMOUS = "autonomous", _("units in autonomy groups 1–2")

    scope = models.ForeignKey(
        Area, verbose_name=_("scope"), null=True, blank=True, on_delete=models.CASCADE
    )
    metric = models.CharField(_("metric"), max_length=12, choices=Metric.choices)
    base_year = models.PositiveSmallIntegerField(_("base year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["target_year", "metric"]

    def __str__(self):
        return f"{self.get_metric_display()} {self.percent}% {self.base_year}→{self.target_year}"
