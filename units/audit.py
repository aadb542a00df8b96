"""The audit log: JSON snapshots of a row, one entry per change written in the
transaction of the change at the end of the log's hash chain (`audit_chain`),
and the words the activity log shows for each action."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from reformwatch.middleware import current_request_id

from .audit_chain import chain_append
from .models import Area, AuditEntry, AuditLink, Unit, User

# Never copied into the log, whatever the model.
SECRET_FIELDS = frozenset({"password"})

ACTION_LABELS = {
    "unit.update": _("Unit details changed"),
    "unit.create": _("Unit registered"),
    "restructuring.apply": _("Restructuring decision recorded"),
    "staffing.save": _("Staffing figures saved"),
    "restructuring.reverse": _("Restructuring decision annulled"),
    "user.password": _("Password changed"),
    "user.login_unlock": _("Login unlocked"),
    "areas.load": _("Official area registry loaded"),
    "figures.recompute_all": _("Full recompute of the figures requested"),
    "figures.rerun": _("Full recompute run again after its process stopped"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
}
VERB_LABELS = {
    "create": _("%(object)s created (administration)"),
    "update": _("%(object)s changed (administration)"),
    "delete": _("%(object)s deleted (administration)"),
}


def _json_value(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted((_json_value(v) for v in value), key=str)
    return value


def snapshot(instance: Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-ready dict of a row's concrete and many-to-many fields (secrets left
    out), so that before/after of any change can be stored and compared."""
    opts = instance._meta
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in [*opts.concrete_fields, *opts.many_to_many]:
        if field.name in SECRET_FIELDS or (wanted is not None and field.name not in wanted):
            continue
        if field.many_to_many:
            value = list(getattr(instance, field.name).all()) if instance.pk else []
        else:
            value = field.value_from_object(instance)
        data[field.name] = _json_value(value)
    return data


def object_label(obj: Model) -> str:
    """What the log calls an object, in no particular language (the kind of a
    decision is added when the log is shown, in the reader's language)."""
    number = getattr(obj, "decision_number", None)
    return str(number if number is not None else obj)[:255]


def _entry(
    actor: User | None, action: str, object_type: str, object_id: str, label: str, before, after
) -> AuditEntry:
    """An unsaved entry: the actor kept by name too, and the request it came with
    (a web request's id, or the run id a command sets)."""
    person = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry(
        actor=person,
        actor_name=(person.full_name or person.username) if person else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=label[:255],
        before=before,
        after=after,
        request_id=current_request_id.get(),
    )


def audit_rows(
    obj: Model,
    /,
    *,
    actor: User | None,
    action: str,
    before: dict | None,
    after: dict | None,
    units: Iterable[Unit] = (),
    areas: Iterable[Area] = (),
) -> tuple[AuditEntry, list[AuditLink]]:
    """The unsaved entry of a change to `obj` and its links to the units and areas
    it concerns, without a query: `audit_record` saves them one change at a time,
    a bulk loader many at once. `obj` and the units must already have their ids."""
    entry = _entry(
        actor, action, obj._meta.label_lower, str(obj.pk), object_label(obj), before, after
    )
    links = {(u.pk, u.area_id) for u in units}
    links |= {(None, a.pk) for a in areas if all(a.pk != area for _u, area in links)}
    return entry, [AuditLink(entry=entry, unit_id=u, area_id=a) for u, a in sorted(links, key=str)]


def audit_save(entry: AuditEntry, links: list[AuditLink]) -> AuditEntry:
    """Save an entry built by `audit_rows` at the end of the chain, and its links."""
    audit_save_all([(entry, links)])
    return entry


def audit_save_all(
    built: list[tuple[AuditEntry, list[AuditLink]]], *, batch_size: int | None = None
) -> None:
    """Save entries built by `audit_rows` at the end of the chain, in their
    order, and their links: a bulk loader's many as one change's one."""
    chain_append([entry for entry, _links in built], batch_size=batch_size)
    # Each link reads its entry's id from the entry it holds, saved just above.
    links = [link for _entry, entry_links in built for link in entry_links]
    AuditLink.objects.bulk_create(links, batch_size=batch_size)


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Model,
    before: dict | None,
    after: dict | None,
    units: Iterable[Unit] = (),
    areas: Iterable[Area] = (),
) -> AuditEntry:
    """Write one audit entry and its links to the units and areas it concerns; call
    it inside the transaction of the change. A unit the change deletes is passed
    by its area in `areas`: a link to the unit itself would not survive."""
    rows = audit_rows(
        obj, actor=actor, action=action, before=before, after=after, units=units, areas=areas
    )
    return audit_save(*rows)


def audit_bulk(
    *, actor: User | None, action: str, object_type: str, label: str, after: dict
) -> AuditEntry:
    """One entry for a bulk write that concerns no single row (a registry load,
    a generated dataset): what ran and what it changed."""
    entry = _entry(actor, action, object_type, "", label, None, after)
    chain_append([entry])
    return entry


def action_label(action: str, object_type: str) -> str:
    """The words for an action code: "restructuring.apply" → "Ghi nhận quyết định…"."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    parts = action.split(".")
    verb = parts[1] if len(parts) > 1 else ""
    if verb in VERB_LABELS:
        try:
            model = apps.get_model(object_type)
            name = str(model._meta.verbose_name).capitalize()
        except (LookupError, ValueError):
            name = object_type
        return str(VERB_LABELS[verb]) % {"object": name}
    return action
