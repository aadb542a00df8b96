"""Recompute bookkeeping: the outbox of scopes × years whose figures are stale."""

from django.db import models

from .areas import Area


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
