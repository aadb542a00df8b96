"""Plans that implement a resolution (Kế hoạch 128-KH/TU implementing Kết luận
62-KL/TW on Nghị quyết 19-NQ/TW) and their tasks with progress."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Area, Unit
from units.models.registry import plausible_decision_date

from ..choices import TaskStatus


class Plan(models.Model):
    """A plan document: its number, date and issuer, what it implements, and the
    area it covers (whose clerks keep its tasks up to date)."""

    number = models.CharField(_("number"), max_length=100)
    date = models.DateField(_("date"), validators=[plausible_decision_date])
    issuer = models.CharField(_("issuer"), max_length=255)
    title = models.CharField(_("title"), max_length=500)
    implements = models.CharField(_("implements"), max_length=500, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "number"],
                name="plan_number_unique",
                violation_error_message=_("This area already has a plan with this number."),
            )
        ]

    def __str__(self):
        return f"{self.number} · {self.title[:80]}"


class PlanTask(models.Model):
    """One task (or task group) of a plan: who is responsible, by when, how far
    along, and its weight in the plan's progress."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=500)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(
        _("due date"), null=True, blank=True, validators=[plausible_decision_date]
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="plantask_progress",
                violation_error_message=_("Progress is between 0 and 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="plantask_weight",
                violation_error_message=_("A task's weight is at least 1."),
            ),
        ]

    def __str__(self):
        return self.title[:80]
