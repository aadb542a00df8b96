"""Creating and revoking API tokens (audited; the secret is returned once)."""

import datetime as dt
import hashlib
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_record, snapshot
from ..models import ApiToken, User

MAX_DAYS = 366
PREFIX = re.compile(r"[0-9a-f]{8,12}")
TOKEN_FIELDS = ("user", "name", "prefix", "expires_at", "revoked_at")
# How often the time of last use is written (not on every request).
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: User, name: str, days: int, owner: User | None = None
) -> tuple[ApiToken, str]:
    """A new token for the actor (or, by an admin, for `owner`); returns it and
    its text, which is never shown again (only its digest is kept)."""
    owner = owner or actor
    if not actor.is_authenticated or (owner.pk != actor.pk and not actor.is_admin):
        raise PermissionDenied
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the token a name (which system uses it).")]
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = [_("A token lasts from 1 to 366 days.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)  # 48 bits: a clash (refused by the index) is unheard of
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=owner,
        name=name,
        prefix=prefix,
        digest=token_digest(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="token.create",
        obj=token,
        before=None,
        after=snapshot(token, TOKEN_FIELDS),
    )
    return token, f"rw_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke a token: its owner or an admin."""
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if not actor.is_authenticated or (token.user_id != actor.pk and not actor.is_admin):
        raise PermissionDenied
    if token.revoked_at is not None:
        return token
    before = snapshot(token, TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="token.revoke",
        obj=token,
        before=before,
        after=snapshot(token, TOKEN_FIELDS),
    )
    return token


def token_authenticate(text: str) -> ApiToken | None:
    """The usable token `text` names, its last use noted (at most once a
    minute); None if it is unknown, wrong, expired or revoked."""
    parts = text.split("_")
    if len(parts) < 3 or parts[0] != "rw" or not PREFIX.fullmatch(parts[1]):
        return None
    prefix, secret = parts[1], "_".join(parts[2:])
    token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is None or not secrets.compare_digest(token.digest, token_digest(secret)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
