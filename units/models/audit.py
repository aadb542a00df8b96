"""The audit log of every change, the head of its hash chain, and the worker
heartbeat shown on /health/."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import User
from .areas import Area
from .registry import Unit


class AuditEntry(models.Model):
    """One change, written in the transaction of the change: who (kept by name
    too, should the account go), when, what, before and after, and the units and
    areas it concerns, so that each unit's history and each scope's log find it.
    Each entry is a link of a hash chain (`units/audit_chain.py`): `hash` covers
    its content and `prev_hash`, the hash of the entry before it in id order."""

    # Set by the writer under the chain's lock, before hashing (auto_now_add would
    # overwrite it after the hash was taken).
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=255)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.action} {self.object_repr}"


class AuditLink(models.Model):
    """A unit or area an audit entry concerns. The area is kept beside the unit so
    that an entry stays in its scope's log after a reversal deletes the unit."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_links"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_links"
    )

    class Meta:
        indexes = [models.Index(fields=["unit", "entry"], name="auditlink_unit_entry")]

    def __str__(self):
        return f"{self.entry_id} · {self.unit_id or '-'} · {self.area_id or '-'}"


class AuditChainHead(models.Model):
    """The end of the audit log's hash chain, one row: the last entry, its hash
    and how many entries the chain has. A writer locks it before inserting, so
    entries are chained in id order however many write at once; the hash is
    what the public page shows for readers to note."""

    last_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64)
    last_at = models.DateTimeField(null=True, blank=True)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="auditchainhead_one")]

    def __str__(self):
        return f"{self.count} · {self.last_hash}"


class Heartbeat(models.Model):
    """The last run of the periodic heartbeat task, shown on /health/."""

    name = models.CharField(max_length=40, unique=True)
    last_run_at = models.DateTimeField()
    hostname = models.CharField(max_length=120, blank=True)

    def __str__(self):
        return self.name
