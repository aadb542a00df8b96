"""Managing bodies through their reorganisations (Nghị định 45/2025, the end of
the district level on 1/7/2025): which body took over from which, by which
decision. Written by the restructuring service with the decision, removed when
the decision is reversed."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .registry import Restructuring, Unit


class AgencySuccession(models.Model):
    """A body (`predecessor`) whose functions and units passed to another
    (`successor`) by a decision: merged into it, consolidated into a new one,
    split, a part spun off, or dissolved with its units handed over. A body
    that ended with a single successor continues in it: the successor's
    figures count its units in the years before (DESIGN §4.2)."""

    predecessor = models.ForeignKey(
        Unit,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Unit,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    restructuring = models.ForeignKey(
        Restructuring,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    # The decision's effective date, kept beside the pair: the figures' SQL
    # matches a transfer made that day between the two bodies.
    effective_on = models.DateField(_("effective on"))

    class Meta:
        verbose_name = _("agency succession")
        verbose_name_plural = _("agency successions")
        ordering = ["effective_on", "id"]
        indexes = [
            models.Index(
                fields=["predecessor", "successor", "effective_on"], name="succession_pair"
            ),
            models.Index(fields=["successor"], name="succession_successor"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["restructuring", "predecessor", "successor"],
                name="succession_unique_per_decision",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
