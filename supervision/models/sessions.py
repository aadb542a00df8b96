"""Oversight bodies, their supervision sessions and the findings of a session's
report; the legal rules that set each step's deadline."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from units.models import Area, Unit
from units.models.registry import plausible_decision_date
from units.text import fold

from ..choices import BodyKind, BodyLevel, FindingKind, LegalStep, SessionKind, SessionStatus


class LegalRule(models.Model):
    """How many days a law gives for one step, and when that law applies (the
    session's decision date picks the rule): data, so that a new law or a
    Standing Committee resolution is a new row, not a release."""

    law = models.CharField(_("law"), max_length=60)
    law_title = models.CharField(_("law title"), max_length=255)
    article = models.CharField(_("article"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=20, choices=LegalStep.choices)
    body_kind = models.CharField(
        _("body kind"),
        max_length=20,
        choices=BodyKind.choices,
        blank=True,
        help_text=_("Empty: every kind of body."),
    )
    days = models.PositiveSmallIntegerField(_("days"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("legal rule")
        verbose_name_plural = _("legal rules")
        ordering = ["valid_from", "step", "body_kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="legalrule_period",
                violation_error_message=_("A rule cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.law} · {self.get_step_display()} · {self.days}"

    def clean(self):
        """Two rules for one step and kind of body never apply on the same day."""
        if not (self.valid_from and self.step):
            return
        end = self.valid_to or dt.date.max
        clash = LegalRule.objects.filter(step=self.step, body_kind=self.body_kind).exclude(
            pk=self.pk
        )
        clash = clash.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if clash.filter(valid_from__lte=end).exists():
            raise ValidationError(
                _("Another rule for this step and kind of body applies in the same period.")
            )

    def applies_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class SupervisoryBody(models.Model):
    """An oversight body: a People's Council or one of its committees, a National
    Assembly delegation, the Fatherland Front; its members are portal users."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=BodyLevel.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("council (for a committee)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committees",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="supervisory_bodies",
    )

    class Meta:
        verbose_name = _("supervisory body")
        verbose_name_plural = _("supervisory bodies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Session(models.Model):
    """A supervision session, from the decision that orders it to its closing:
    the topic and period it examines, the units it visits, its report and the
    state it is in. Its deadlines follow the law in force on the decision date."""

    body = models.ForeignKey(
        SupervisoryBody, verbose_name=_("body"), on_delete=models.PROTECT, related_name="sessions"
    )
    decision_number = models.CharField(_("decision number"), max_length=100)
    decision_date = models.DateField(_("decision date"), validators=[plausible_decision_date])
    topic = models.CharField(_("topic"), max_length=500)
    topic_folded = models.CharField(max_length=500, editable=False, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SessionKind.choices, default=SessionKind.THEMATIC
    )
    period_from = models.PositiveSmallIntegerField(_("period from (year)"))
    period_to = models.PositiveSmallIntegerField(_("period to (year)"))
    supervised_units = models.ManyToManyField(
        Unit, verbose_name=_("supervised units"), blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team members"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    report_number = models.CharField(_("report number"), max_length=100, blank=True)
    report_date = models.DateField(
        _("report date"), null=True, blank=True, validators=[plausible_decision_date]
    )
    report_place = models.CharField(_("place of issue"), max_length=100, blank=True)
    general_info = models.TextField(_("general information"), blank=True)
    situation = models.TextField(_("current situation"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__lte=F("period_to")),
                name="session_period",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["body", "decision_number"],
                name="session_decision_unique",
                violation_error_message=_("This body already has a session with this decision."),
            ),
        ]
        indexes = [
            models.Index(fields=["body", "decision_date"], name="session_body_date"),
            models.Index(
                fields=["-published_at"],
                name="session_published",
                condition=Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.decision_number} · {self.topic[:80]}"

    def save(self, *args, **kwargs):
        self.topic_folded = fold(self.topic)
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class WorkingSession(models.Model):
    """A day the team works at one supervised unit, and where."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="working_sessions")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"), validators=[plausible_decision_date])
    place = models.CharField(_("place"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("working session")
        verbose_name_plural = _("working sessions")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "unit", "date"],
                name="workingsession_unique",
                violation_error_message=_("This unit already has a working session that day."),
            )
        ]

    def __str__(self):
        return f"{self.date} · {self.unit_id}"


class Finding(models.Model):
    """One finding of a session's report: an achievement, a shortcoming, a cause
    or a responsibility, optionally about one unit."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    text = models.TextField(_("text"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["session", "position", "id"]

    def __str__(self):
        return self.text[:80]
