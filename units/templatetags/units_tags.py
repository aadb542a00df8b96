import contextlib

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.utils.formats import get_format

from ..audit import action_label
from ..choices import RestructuringKind, StaffingCategory
from ..selectors.activity import audit_head

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str) -> str:
    """The query string that sorts the list by `field`, toggling the direction,
    keeping every filter and going back to page 1."""
    params: QueryDict = context["request"].GET.copy()
    current = params.get("o", "")
    params["o"] = f"-{field}" if current == field else field
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def sort_state(context, field: str) -> str:
    current = context["request"].GET.get("o", "")
    if current == field:
        return "ascending"
    if current == f"-{field}":
        return "descending"
    return "none"


@register.inclusion_tag("units/_audit_head.html")
def audit_chain_head(*, admin: bool = False) -> dict:
    """The audit log's head hash for readers to note (one query): the public
    page's line, and for admins the last entry and the command that checks it."""
    return {"head": audit_head(), "admin": admin}


@register.filter
def audit_action(entry) -> str:
    """The words for an audit entry's action, in the reader's language."""
    return action_label(entry.action, entry.object_type)


@register.filter
def audit_object(entry) -> str:
    """The object of an audit entry; a decision with its kind in the reader's language."""
    if entry.object_type == "units.restructuring":
        kind = (entry.after or entry.before or {}).get("kind")
        if kind in RestructuringKind.values:
            return f"{entry.object_repr} ({RestructuringKind(kind).label})"
    return entry.object_repr


@register.filter
def audit_changes(entry, unit=None) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field an update changed, labelled in the
    reader's language; empty for other entries. A staffing save (an import
    may hold thousands of figures) shows only `unit`'s figures when given."""
    before, after = entry.before or {}, entry.after or {}
    if "figures" in after:
        figures = after["figures"]
        if unit is not None:
            figures = {k: v for k, v in figures.items() if k.partition(":")[0] == str(unit.pk)}
        return _staffing_changes(before.get("figures") or {}, {**after, "figures": figures})
    if not before or not after or "links" in after:
        return []
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        model = None
    changes = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) == after.get(name):
            continue
        label, shown = name, dict()
        old, new = before.get(name), after.get(name)
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                field = model._meta.get_field(name)
                if not field.concrete:  # a session's findings: rows of another table
                    label = str(field.related_model._meta.verbose_name_plural).capitalize()
                    old, new = _count(old), _count(new)
                else:
                    label = str(field.verbose_name).capitalize()
                    # Stored codes ("health", 3) are shown as their labels.
                    shown = {value: str(text) for value, text in field.flatchoices}
        changes.append((label, shown.get(old, old), shown.get(new, new)))
    return changes


def _count(rows):
    """Rows of another table recorded in an entry, shown by their number."""
    return len(rows) if isinstance(rows, list | dict) else rows


def _staffing_changes(before: dict, after: dict) -> list[tuple[str, object, object]]:
    """A staffing save: one line per unit × category, "assigned / actual /
    streamlined" before and after."""

    def numbers(values):
        if not values:
            return None
        return " / ".join(
            "—" if values.get(name) is None else str(values[name])
            for name in ("assigned", "actual", "streamlined")
        )

    changes = []
    for key, values in sorted(after["figures"].items()):
        category = key.partition(":")[2]
        with contextlib.suppress(ValueError):
            category = str(StaffingCategory(category).label)
        label = f"{values.get('name', key)} · {category} ({after.get('year')})"
        changes.append((label, numbers(before.get(key)), numbers(values)))
    return changes


@register.simple_tag(takes_context=True)
def page_link(context, number: int) -> str:
    """The query string of page `number`, keeping every filter and the sort."""
    params: QueryDict = context["request"].GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


@register.filter
def count(value) -> str:
    """An integer with the language's thousands separator (48.442 in Vietnamese,
    48,442 in English): `intcomma`'s result at a fraction of its cost, for the
    dashboard's long tables."""
    if value is None:
        return ""
    return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


@register.filter
def percent(value) -> str:
    """A percentage already rounded half-up to 2 decimals, with the language's
    decimal separator and a sign; "—" when there is none (no base)."""
    if value is None:
        return "—"
    return f"{value:.2f}".replace(".", get_format("DECIMAL_SEPARATOR")) + " %"
