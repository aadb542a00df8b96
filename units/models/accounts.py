"""Portal users with a role (a Django group) and a scope (an area or an agency)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ..choices import Role
from .areas import Area
from .registry import Unit


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
                violation_error_message=_("A scope is an area or an agency, not both."),
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
