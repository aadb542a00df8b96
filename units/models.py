"""Areas (administrative units), units (agencies and public service units), users
with a role and a scope, and the audit log."""

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .choices import (
    AreaLevel,
    AutonomyGroup,
    LinkRole,
    ManagementLevel,
    RestructuringKind,
    Role,
    Sector,
    UnitKind,
)
from .text import fold


class Area(models.Model):
    """An administrative area: province, district or commune, valid for a period.

    Official codes can be reused for a different area after a merger, so a code is
    unique only together with the start of its validity."""

    code = models.CharField(_("code"), max_length=5)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], name="area_code_unique_per_validity"
            ),
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_from__isnull=True),
                name="area_code_unique_open_start",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="area_valid_to_after_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(level=AreaLevel.PROVINCE, parent__isnull=True)
                | (~Q(level=AreaLevel.PROVINCE) & Q(parent__isnull=False)),
                name="area_parent_only_below_province",
            ),
            models.CheckConstraint(
                condition=Q(level__in=AreaLevel.values), name="area_level_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class AreaLineage(models.Model):
    """A predecessor area that became (part of) a successor on a date, so figures
    for today's area can be compared with its predecessors in a base year."""

    predecessor = models.ForeignKey(
        Area,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Area,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    effective_on = models.DateField(_("effective on"))
    decision = models.CharField(_("decision"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("area lineage link")
        verbose_name_plural = _("area lineage links")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="area_lineage_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="area_lineage_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(established_on__lte=day).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def services(self):
        return self.filter(kind=UnitKind.SERVICE)

    def in_area(self, area: Area):
        """Units located in `area` or any area below it (areas are at most 3 deep)."""
        return self.filter(Q(area=area) | Q(area__parent=area) | Q(area__parent__parent=area))


class Unit(models.Model):
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
    established_on = models.DateField(_("established on"))
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

    def save(self, *args, **kwargs):
        # A derived column, not a business rule: it must follow the name everywhere.
        self.name_folded = fold(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)

    def is_active_on(self, day: dt.date) -> bool:
        return self.established_on <= day and (self.closed_on is None or day < self.closed_on)


class Restructuring(models.Model):
    """One legal decision that changes the set of units (DESIGN §3). Applied and
    reversed only by units.restructurings; a reversal keeps the row, marked."""

    kind = models.CharField(_("kind"), max_length=12, choices=RestructuringKind.choices)
    decision_number = models.CharField(_("decision number"), max_length=80)
    decided_on = models.DateField(_("decided on"))
    effective_on = models.DateField(_("effective on"))
    authority = models.CharField(_("issuing authority"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    decision_file = models.FileField(_("decision file"), upload_to="decisions/%Y/", blank=True)
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
    DESIGN §4 are read from them. `before` keeps what is restored on reversal."""

    restructuring = models.ForeignKey(Restructuring, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="links")
    role = models.CharField(_("role"), max_length=6, choices=LinkRole.choices)
    ceases = models.BooleanField(default=False)
    created = models.BooleanField(default=False)
    staff_moved = models.PositiveIntegerField(_("staff moved"), null=True, blank=True)
    before = models.JSONField(null=True, blank=True)

    class Meta:
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


class User(AbstractUser):
    """A portal user. Roles are Django groups named after `Role`; the scope is an
    area or a unit (agency subtree); no scope means national."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    scope_area = models.ForeignKey(
        Area,
        verbose_name=_("scope (area)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_unit = models.ForeignKey(
        Unit,
        verbose_name=_("scope (agency)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_area__isnull=True) | Q(scope_unit__isnull=True),
                name="user_one_scope",
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        names = set(self.groups.values_list("name", flat=True))
        if self.is_superuser:
            names.add(Role.ADMIN)
        return frozenset(names & set(Role.values))

    @property
    def role_labels(self) -> list[str]:
        return [str(role.label) for role in Role if role.value in self.roles]

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def scope_label(self) -> str:
        return str(self.scope_unit or self.scope_area or _("National"))


class AuditEntry(models.Model):
    """One change made through a service: who, when, what, before and after."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=255)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.action} {self.object_repr}"


class Heartbeat(models.Model):
    """The last run of the periodic heartbeat task, shown on /health/."""

    name = models.CharField(max_length=40, unique=True)
    last_run_at = models.DateTimeField()
    hostname = models.CharField(max_length=120, blank=True)

    def __str__(self):
        return self.name
