"""The guided restructuring form: a draft kept in the session, filled one step at
a time and checked by the same `restructuring_plan` that the apply service runs.
Nothing is written to the database before the clerk confirms the preview."""

import dataclasses
import datetime as dt
import secrets

from django.utils.translation import gettext_lazy as _

from ..choices import RestructuringKind, UnitKind
from ..models import Unit, User
from ..services.restructuring_rules import Decision, NewUnit

K = RestructuringKind
SESSION_KEY = "restructuring_drafts"
MAX_DRAFTS = 5
NEW_UNIT_FIELDS = {field.name for field in dataclasses.fields(NewUnit)}

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


def draft_new(session, *, kind: str, sources: list[int]) -> str:
    """Start a draft (only ever from a POST). Past the fifth, the draft left
    untouched longest is dropped."""
    drafts = session.get(SESSION_KEY, {})
    while len(drafts) >= MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))
    key = secrets.token_urlsafe(8)
    _low, high = SOURCE_LIMITS[kind]
    drafts[key] = {
        "kind": kind,
        "sources": sources[:high] if high is not None else sources,
        "new_units": [],
    }
    session[SESSION_KEY] = drafts
    return key


def draft_get(session, key: str) -> dict | None:
    return session.get(SESSION_KEY, {}).get(key)


def draft_save(session, key: str, draft: dict) -> None:
    drafts = session.get(SESSION_KEY, {})
    drafts.pop(key, None)  # re-inserted last: the most recently used is kept longest
    drafts[key] = draft
    session[SESSION_KEY] = drafts


def draft_drop(session, key: str) -> None:
    drafts = session.get(SESSION_KEY, {})
    drafts.pop(key, None)
    session[SESSION_KEY] = drafts


def draft_forget_units(draft: dict, gone: set[int]) -> None:
    """Drop units that no longer exist; the steps after them are open again."""
    draft["sources"] = [pk for pk in draft["sources"] if pk not in gone]
    if draft.get("target") in gone:
        draft["target"] = None
    draft["results_done"] = False


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
        kwargs["new_units"] = [
            NewUnit(**{k: v for k, v in spec.items() if k in NEW_UNIT_FIELDS})
            for spec in draft["new_units"]
        ]
    return kwargs


def new_unit_initial(draft: dict, sources: list[Unit], user: User) -> list[dict]:
    """New units pre-filled from the sources (or the clerk's scope for a new unit)."""
    low, _high = NEW_UNIT_LIMITS[draft["kind"]]
    first = sources[0] if sources else None
    base = {
        # Never a ceasing unit's name: a clerk who does not notice would record
        # the new unit under the old name.
        "name": "",
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
