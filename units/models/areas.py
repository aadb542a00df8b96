"""Administrative areas (provinces, districts, communes) with their validity and
the lineage links that connect them across mergers."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import AreaLevel
from ..text import fold


def valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """Areas valid on `day`; `prefix` reaches them through a relation ("children__")."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def subtree_q(area: "Area") -> Q:
    """Areas that are `area` or below it (province → district → commune)."""
    return Q(pk=area.pk) | Q(parent=area.pk) | Q(parent__parent=area.pk)


def area_subtree_q(area: "Area", prefix: str = "area") -> Q:
    """Rows whose area (`prefix`) is `area` or below it: an IN over the subtree's
    ids, which uses the index on the area column whatever the area."""
    return Q(**{f"{prefix}__in": Area.objects.filter(subtree_q(area)).values("pk")})


class FoldsName:
    """Keeps `name_folded`, a folded copy of `name` for accent-insensitive search,
    in step with the name: a derived column, not a business rule."""

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)


class AreaQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date):
        return self.filter(valid_on_q(day))


class Area(FoldsName, models.Model):
    """An administrative area: province, district or commune, valid for a period.

    Official codes can be reused for a different area after a merger, so a code is
    unique only together with the start of its validity."""

    code = models.CharField(_("code"), max_length=5)
    name = models.CharField(_("name"), max_length=200)
    # Folded copy of the name for accent-insensitive search (see units.text.fold).
    name_folded = models.CharField(max_length=200, editable=False, db_index=True, default="")
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
    # A point inside the area for maps (see units/data/areas/SOURCES.md on quality).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"],
                name="area_code_unique_per_validity",
                violation_error_message=_("Another area of this level has this code then."),
            ),
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_from__isnull=True),
                name="area_code_unique_open_start",
                violation_error_message=_("Another area of this level has this code then."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="area_valid_to_after_valid_from",
                violation_error_message=_("The end of validity cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(level=AreaLevel.PROVINCE, parent__isnull=True)
                | (~Q(level=AreaLevel.PROVINCE) & Q(parent__isnull=False)),
                name="area_parent_only_below_province",
                violation_error_message=_(
                    "A province has no parent area; a district or commune needs one."
                ),
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
    for today's area can be compared with its predecessors in a base year. A
    commune divided between several new communes has a link to each; `main` marks
    the one that continues it (the one that kept its code, where there is one)."""

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
    main = models.BooleanField(_("main successor"), default=True)

    class Meta:
        verbose_name = _("area lineage link")
        verbose_name_plural = _("area lineage links")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="area_lineage_unique_pair",
                violation_error_message=_("This lineage link is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="area_lineage_not_self",
                violation_error_message=_("An area cannot succeed itself."),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
