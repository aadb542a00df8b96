"""The guided restructuring form: a draft kept in the session, filled one step at
a time and checked by the same `restructuring_plan` that the apply service runs.
Nothing is written to the database before the clerk confirms the preview."""

import datetime as dt
import secrets

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .choices import AreaLevel, RestructuringKind, UnitKind
from .models import Area, Unit, User
from .restructurings import Decision, NewUnit
from .scope import area_subtree_q, changeable_units
from .selectors import valid_on_q
from .text import fold

K = RestructuringKind
SESSION_KEY = "restructuring_drafts"
MAX_DRAFTS = 5
PICKER_LIMIT = 25

STEP_LABELS = {
    "kind": _("Kind"),
    "decision": _("Decision"),
    "sources": _("Units concerned"),
    "results": _("Results"),
    "preview": _("Preview and confirm"),
}
# How many source units each kind takes: (at least, at most).
SOURCE_LIMITS = {
    K.ESTABLISH: (0, 0),
    K.MERGE: (1, None),
    K.CONSOLIDATE: (2, None),
    K.SPLIT: (1, 1),
    K.SPIN_OFF: (1, 1),
    K.DISSOLVE: (1, None),
    K.EQUITIZE: (1, None),
    K.TRANSFER: (1, None),
    K.RENAME: (1, 1),
}
# How many new units each kind creates: (at least, at most); merge, transfer and
# rename have their own results step instead.
NEW_UNIT_LIMITS = {
    K.ESTABLISH: (1, 1),
    K.CONSOLIDATE: (1, 1),
    K.SPLIT: (2, None),
    K.SPIN_OFF: (1, None),
}
KIND_HELP = {
    K.ESTABLISH: _("A new unit; no unit ceases."),
    K.MERGE: _("Units are absorbed into an existing unit, which continues."),
    K.CONSOLIDATE: _("Two or more units become one new unit; all of them cease."),
    K.SPLIT: _("One unit is divided into two or more new units and ceases."),
    K.SPIN_OFF: _("Part of a unit becomes one or more new units; the unit continues."),
    K.DISSOLVE: _("Units cease with no successor."),
    K.EQUITIZE: _("Units become joint-stock companies and leave the public sector."),
    K.TRANSFER: _("Units move to another managing body or area."),
    K.RENAME: _("The same unit gets a new name or functions."),
}


def steps_for(kind: str | None) -> list[str]:
    if kind == K.ESTABLISH:
        return ["kind", "decision", "results", "preview"]
    if kind in (K.DISSOLVE, K.EQUITIZE):
        return ["kind", "decision", "sources", "preview"]
    return ["kind", "decision", "sources", "results", "preview"]


# Drafts: one dict per form in progress, so that two tabs do not mix.


def draft_new(session) -> str:
    drafts = session.get(SESSION_KEY, {})
    while len(drafts) >= MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))
    key = secrets.token_urlsafe(8)
    drafts[key] = {"sources": [], "new_units": []}
    session[SESSION_KEY] = drafts
    return key


def draft_get(session, key: str) -> dict:
    draft = session.get(SESSION_KEY, {}).get(key)
    if draft is None:
        raise Http404("No such draft")
    return draft


def draft_save(session, key: str, draft: dict) -> None:
    drafts = session.get(SESSION_KEY, {})
    drafts[key] = draft
    session[SESSION_KEY] = drafts


def draft_drop(session, key: str) -> None:
    drafts = session.get(SESSION_KEY, {})
    drafts.pop(key, None)
    session[SESSION_KEY] = drafts


def effective_on(draft: dict) -> dt.date | None:
    value = (draft.get("decision") or {}).get("effective_on")
    return dt.date.fromisoformat(value) if value else None


def step_done(draft: dict, step: str) -> bool:
    kind = draft.get("kind")
    if not kind:
        return False
    if step == "kind":
        return True
    if step == "decision":
        return bool(draft.get("decision"))
    if step == "sources":
        low, high = SOURCE_LIMITS[kind]
        return low <= len(draft["sources"]) and (high is None or len(draft["sources"]) <= high)
    if step == "results":
        return bool(draft.get("results_done"))
    return False


def first_open_step(draft: dict) -> str:
    for step in steps_for(draft.get("kind")):
        if not step_done(draft, step):
            return step
    return "preview"


def plan_kwargs(draft: dict) -> dict:
    """The keyword arguments of restructuring_plan/restructuring_apply for a draft."""
    d = draft["decision"]
    kind = draft["kind"]
    kwargs = {
        "kind": kind,
        "decision": Decision(
            number=d["number"],
            decided_on=dt.date.fromisoformat(d["decided_on"]),
            effective_on=dt.date.fromisoformat(d["effective_on"]),
            authority=d["authority"],
            note=d.get("note", ""),
        ),
        "source_ids": list(draft["sources"]),
    }
    if kind == K.MERGE:
        kwargs["target_id"] = draft.get("target")
    elif kind == K.TRANSFER:
        kwargs["new_parent_id"] = draft.get("new_parent")
        kwargs["new_area_id"] = draft.get("new_area")
    elif kind == K.RENAME:
        kwargs["rename"] = draft.get("rename") or {}
    elif kind in NEW_UNIT_LIMITS:
        kwargs["new_units"] = [NewUnit(**spec) for spec in draft["new_units"]]
    return kwargs


def new_unit_initial(draft: dict, sources: list[Unit], user: User) -> list[dict]:
    """New units pre-filled from the sources (or the clerk's scope for a new unit)."""
    low, _high = NEW_UNIT_LIMITS[draft["kind"]]
    first = sources[0] if sources else None
    base = {
        "name": first.name if first and draft["kind"] == K.CONSOLIDATE else "",
        "code": "",
        "kind": first.kind if first else UnitKind.SERVICE,
        "sector": first.sector if first else "",
        "autonomy_group": first.autonomy_group if first else None,
        "parent_id": first.parent_id if first else user.scope_unit_id,
        "area_id": first.area_id if first else user.scope_area_id,
        "level": first.level if first else "",
        "staff_moved": None,
    }
    return [dict(base) for _ in range(low)]


# Choices near the clerk's scope and the units concerned.


def _root_area(user: User, near: Area | None) -> Area | None:
    if user.scope_area_id and not user.is_admin:
        return user.scope_area
    area = near
    while area is not None and area.parent_id is not None:
        area = area.parent
    return area


def area_options(user: User, day: dt.date, near: Area | None) -> QuerySet[Area]:
    """Areas valid on `day` in the clerk's scope, or in the province of `near`;
    without either, provinces and districts."""
    valid = Area.objects.filter(valid_on_q(day)).select_related("parent")
    root = _root_area(user, near)
    if root is not None:
        inside = valid.filter(Q(pk=root.pk) | Q(parent=root) | Q(parent__parent=root))
        if inside.exists():
            return inside.order_by("level", "code")
    return valid.exclude(level=AreaLevel.COMMUNE).order_by("level", "code")


def agency_options(user: User, day: dt.date, near: Area | None) -> QuerySet[Unit]:
    """Managing bodies active on `day` that the clerk may use."""
    agencies = changeable_units(user, Unit.objects.filter(kind=UnitKind.AGENCY).active_on(day))
    root = _root_area(user, near)
    if root is not None and (user.is_admin or not user.scope_area_id):
        agencies = agencies.filter(area_subtree_q(root))
    return agencies.select_related("area").order_by("name_folded")


def candidates(user: User, draft: dict, query: str) -> list[Unit]:
    """Units the clerk may pick: in scope, active on the effective date, matching
    the search, not already chosen."""
    day = effective_on(draft)
    queryset = changeable_units(user, Unit.objects.active_on(day)).exclude(
        pk__in=[*draft["sources"], draft.get("target") or 0]
    )
    for word in fold(query).split():
        queryset = queryset.filter(Q(name_folded__contains=word) | Q(code__icontains=word))
    return list(queryset.select_related("area__parent").order_by("name_folded")[:PICKER_LIMIT])


def chosen_units(ids: list[int]) -> list[Unit]:
    found = Unit.objects.select_related("area__parent").in_bulk(ids)
    return [found[i] for i in ids if i in found]
