"""Applying and reversing restructurings (DESIGN §3–§4): one service for every
kind, validated and written in one transaction under row locks, audited once,
with the affected scopes × years marked for recompute."""

import dataclasses
import datetime as dt
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .choices import LinkRole, RestructuringKind, UnitKind
from .models import Area, RecomputeMark, Restructuring, RestructuringLink, Unit, User
from .scope import can_change_unit
from .services import audit_record, snapshot

K = RestructuringKind
CEASING_KINDS = {K.MERGE, K.CONSOLIDATE, K.SPLIT, K.DISSOLVE, K.EQUITIZE, K.TRANSFER}
RENAMEABLE = ("name", "sector", "autonomy_group")


@dataclasses.dataclass(frozen=True)
class Decision:
    number: str
    decided_on: dt.date
    effective_on: dt.date
    authority: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class NewUnit:
    """A unit the restructuring creates; blank fields are taken from the sources."""

    name: str
    code: str = ""
    kind: str = ""
    sector: str = ""
    autonomy_group: int | None = None
    parent_id: int | None = None
    area_id: int | None = None
    level: str = ""
    staff_moved: int | None = None


@dataclasses.dataclass
class Plan:
    """What a restructuring will do, computed before anything is written: the
    preview shows it and the apply service writes it."""

    kind: str
    decision: Decision
    sources: list[Unit]
    target: Unit | None
    results: list[Unit]
    ceasing: list[Unit]
    renamed: dict
    new_parent: Unit | None
    new_area: Area | None
    staff: dict[int, int | None] = dataclasses.field(default_factory=dict)

    def deltas(self) -> list[tuple[Area, int]]:
        """Service-unit count change per affected area (each area and its parents)."""
        change: Counter[int] = Counter()
        areas: dict[int, Area] = {}
        for units, sign in ((self.ceasing, -1), (self.results, +1)):
            for unit in units:
                if unit.kind != UnitKind.SERVICE:
                    continue
                for area in _area_chain(unit.area):
                    areas[area.pk] = area
                    change[area.pk] += sign
        order = sorted(change, key=lambda pk: (areas[pk].level != "province", areas[pk].code))
        return [(areas[pk], change[pk]) for pk in order]


def _area_chain(area: Area) -> list[Area]:
    chain = [area]
    while chain[-1].parent_id is not None and len(chain) < 3:
        chain.append(chain[-1].parent)
    return chain


def _date(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _fail(message: str, field: str | None = None):
    raise ValidationError({field: message} if field else message)


def _check_counts(kind: str, n_sources: int, has_target: bool, n_new: int) -> None:
    rules = {
        K.ESTABLISH: (
            n_sources == 0 and not has_target and n_new == 1,
            _("Establishing needs no source unit and exactly one new unit."),
        ),
        K.MERGE: (
            n_sources >= 1 and has_target and n_new == 0,
            _(
                "A merger needs at least one unit to absorb and exactly one existing "
                "unit that absorbs them."
            ),
        ),
        K.CONSOLIDATE: (
            n_sources >= 2 and not has_target and n_new == 1,
            _("A consolidation needs at least two units and exactly one new unit."),
        ),
        K.SPLIT: (
            n_sources == 1 and not has_target and n_new >= 2,
            _("A split needs exactly one unit and at least two new units."),
        ),
        K.SPIN_OFF: (
            n_sources == 1 and not has_target and n_new >= 1,
            _("A spin-off needs exactly one unit and at least one new unit."),
        ),
        K.DISSOLVE: (
            n_sources >= 1 and not has_target and n_new == 0,
            _("A dissolution needs at least one unit and no result."),
        ),
        K.EQUITIZE: (
            n_sources >= 1 and not has_target and n_new == 0,
            _("An equitization needs at least one unit and no result."),
        ),
        K.TRANSFER: (
            n_sources >= 1 and not has_target and n_new == 0,
            _("A transfer needs at least one unit and its new managing body or area."),
        ),
        K.RENAME: (
            n_sources == 1 and not has_target and n_new == 0,
            _("Renaming needs exactly one unit."),
        ),
    }
    if kind not in rules:
        _fail(_("Unknown kind of restructuring."), "kind")
    ok, message = rules[kind]
    if not ok:
        _fail(message)


def _lock_units(ids: list[int], lock: bool) -> dict[int, Unit]:
    queryset = Unit.objects.select_related("area__parent__parent", "parent")
    if lock:
        # Lock in id order so that two clerks never wait on each other in a cycle.
        queryset = queryset.select_for_update(of=("self",)).order_by("id")
    found = {u.pk: u for u in queryset.filter(pk__in=ids)}
    missing = set(ids) - set(found)
    if missing:
        _fail(_("Some chosen units no longer exist."))
    return found


def _later_link(unit_ids: list[int], day: dt.date, *, exclude: int | None = None):
    """The latest standing decision on or after `day` that touches one of the units."""
    return (
        RestructuringLink.objects.filter(
            unit_id__in=unit_ids,
            restructuring__reversed_at__isnull=True,
            restructuring__effective_on__gte=day,
        )
        .exclude(restructuring_id=exclude)
        .select_related("restructuring", "unit")
        .order_by("-restructuring__effective_on")
        .first()
    )


def _check_unit_free(unit: Unit, day: dt.date, *, exclude: int | None = None) -> None:
    """The unit is active on `day` and no decision touches it on or after `day`."""
    if unit.closed_on is not None and unit.closed_on <= day:
        if unit.closed_by_id:
            # Read in a new statement: after waiting for a row lock, PostgreSQL
            # rechecks the locked row but joins come from the older snapshot.
            closer = Restructuring.objects.get(pk=unit.closed_by_id)
            _fail(
                _(
                    "Unit %(unit)s has already been restructured by decision %(decision)s "
                    "(effective %(date)s)."
                )
                % {
                    "unit": unit.name,
                    "decision": closer.decision_number,
                    "date": _date(unit.closed_on),
                }
            )
        _fail(
            _("Unit %(unit)s had closed on %(date)s.")
            % {"unit": unit.name, "date": _date(unit.closed_on)}
        )
    if unit.established_on > day:
        _fail(
            _("The effective date %(date)s is before unit %(unit)s was established (%(est)s).")
            % {"date": _date(day), "unit": unit.name, "est": _date(unit.established_on)},
            "effective_on",
        )
    later = _later_link([unit.pk], day, exclude=exclude)
    if later is not None:
        _fail(
            _(
                "Unit %(unit)s has already been restructured by decision %(decision)s "
                "(effective %(date)s)."
            )
            % {
                "unit": unit.name,
                "decision": later.restructuring.decision_number,
                "date": _date(later.restructuring.effective_on),
            }
        )


def _build_result(
    spec: NewUnit, template: Unit | None, day: dt.date, *, takes_over_code: bool = False
) -> Unit:
    def pick(value, attr, fallback=None):
        if value not in ("", None):
            return value
        return getattr(template, attr) if template is not None else fallback

    unit = Unit(
        name=spec.name.strip(),
        code=spec.code.strip(),
        kind=pick(spec.kind, "kind", UnitKind.SERVICE),
        sector=pick(spec.sector, "sector", ""),
        autonomy_group=pick(spec.autonomy_group, "autonomy_group"),
        parent_id=pick(spec.parent_id, "parent_id"),
        area_id=pick(spec.area_id, "area_id"),
        level=pick(spec.level, "level"),
        established_on=day,
    )
    if unit.kind == UnitKind.AGENCY:
        unit.autonomy_group, unit.sector = None, ""
    if not unit.name:
        _fail(_("Each new unit needs a name."))
    if unit.area_id is None or not unit.level:
        _fail(_("New unit %(unit)s needs an area and a management level.") % {"unit": unit.name})
    try:
        # A transferred unit takes over its code the moment its old record closes.
        unit.full_clean(exclude=["closed_by", "code"] if takes_over_code else ["closed_by"])
    except ValidationError as error:
        raise ValidationError(
            [
                _("New unit %(unit)s: %(error)s") % {"unit": unit.name, "error": m}
                for m in error.messages
            ]
        ) from error
    unit.area = Area.objects.select_related("parent__parent").get(pk=unit.area_id)
    return unit


def restructuring_plan(
    *,
    kind: str,
    decision: Decision,
    source_ids: list[int] = (),
    target_id: int | None = None,
    new_units: list[NewUnit] = (),
    new_parent_id: int | None = None,
    new_area_id: int | None = None,
    rename: dict | None = None,
    lock: bool = False,
) -> Plan:
    """Validate a restructuring against the rules of its kind and return what it
    would do. Raises ValidationError with messages a clerk can act on."""
    source_ids = list(dict.fromkeys(source_ids))
    _check_counts(kind, len(source_ids), target_id is not None, len(new_units))
    day = decision.effective_on
    if not decision.number.strip():
        _fail(_("The decision number is required."), "decision_number")
    if not decision.authority.strip():
        _fail(_("The issuing authority is required."), "authority")
    if day < decision.decided_on:
        _fail(_("The effective date cannot be before the decision date."), "effective_on")
    if target_id is not None and target_id in source_ids:
        _fail(_("The absorbing unit cannot also be one of the absorbed units."))
    units = _lock_units([*source_ids, *([target_id] if target_id else [])], lock)
    sources = [units[i] for i in source_ids]
    target = units.get(target_id) if target_id else None
    for unit in [*sources, *([target] if target else [])]:
        _check_unit_free(unit, day)
    new_parent = new_area = None
    renamed: dict = {}
    if kind == K.TRANSFER:
        if new_parent_id is None and new_area_id is None:
            _fail(_("A transfer needs its new managing body or area."))
        if new_parent_id is not None:
            new_parent = Unit.objects.select_related("area").filter(pk=new_parent_id).first()
            if new_parent is None or not new_parent.is_active_on(day):
                _fail(_("The new managing body is not active on the effective date."))
            if new_parent.pk in source_ids:
                _fail(_("A unit cannot be transferred to itself."))
        if new_area_id is not None:
            new_area = Area.objects.filter(pk=new_area_id).first()
            if new_area is None or not new_area.is_valid_on(day):
                _fail(_("The new area is not valid on the effective date."))
        new_units = [
            NewUnit(
                name=s.name,
                code=s.code,
                parent_id=new_parent_id or s.parent_id,
                area_id=new_area_id or s.area_id,
                level=(new_parent.level if new_parent else s.level),
            )
            for s in sources
        ]
    if kind == K.RENAME:
        renamed = {k: v for k, v in (rename or {}).items() if k in RENAMEABLE}
        if not renamed or all(getattr(sources[0], k) == v for k, v in renamed.items()):
            _fail(_("Give the new name or functions: nothing would change."))
    template = sources[0] if sources else None
    results = []
    for i, spec in enumerate(new_units):
        transfer = kind == K.TRANSFER
        results.append(
            _build_result(spec, sources[i] if transfer else template, day, takes_over_code=transfer)
        )
    codes = [u.code for u in results if u.code]
    if len(codes) != len(set(codes)):
        _fail(_("Two new units have the same code."))
    ceasing = sources if kind in CEASING_KINDS else []
    staff = {i: spec.staff_moved for i, spec in enumerate(new_units)}
    return Plan(
        kind, decision, sources, target, results, ceasing, renamed, new_parent, new_area, staff
    )


def can_restructure(user: User, plan: Plan) -> bool:
    """Clerks may record decisions about units inside their scope; admins any."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    touched = [*plan.sources, *([plan.target] if plan.target else []), *plan.results]
    if plan.new_parent is not None:
        touched.append(plan.new_parent)
    return all(can_change_unit(user, unit) for unit in touched)


def can_reverse(user: User, restructuring: Restructuring) -> bool:
    """Whether `user` may reverse the decision (its units are all in scope)."""
    units = [link.unit for link in restructuring.links.select_related("unit__area__parent")]
    return _can_reverse(user, restructuring, units)


def _can_reverse(user: User, restructuring: Restructuring, units: list[Unit]) -> bool:
    plan = Plan(
        restructuring.kind,
        None,
        units,
        None,
        [],
        [],
        {},
        restructuring.new_parent,
        restructuring.new_area,
    )
    return can_restructure(user, plan)


def _mark(areas: list[Area], day: dt.date) -> None:
    years = range(day.year, max(day.year, timezone.localdate().year) + 1)
    RecomputeMark.objects.bulk_create(
        [RecomputeMark(area=a, year=y) for a in areas for y in years],
        update_conflicts=True,
        unique_fields=["area", "year"],
        update_fields=["marked_at"],
    )


def _touched_areas(units: list[Unit]) -> list[Area]:
    found: dict[int, Area] = {}
    for unit in units:
        for area in _area_chain(unit.area):
            found[area.pk] = area
    return list(found.values())


@transaction.atomic
def restructuring_apply(*, actor: User, decision_file=None, **plan_kwargs) -> Restructuring:
    """Apply a restructuring of any kind: validate under row locks, close the
    sources, create the results, audit once and mark the scopes for recompute."""
    plan = restructuring_plan(lock=True, **plan_kwargs)
    if not can_restructure(actor, plan):
        raise PermissionDenied
    d = plan.decision
    restructuring = Restructuring(
        kind=plan.kind,
        decision_number=d.number.strip(),
        decided_on=d.decided_on,
        effective_on=d.effective_on,
        authority=d.authority.strip(),
        note=d.note.strip(),
        new_parent=plan.new_parent,
        new_area=plan.new_area,
        created_by=actor,
    )
    if decision_file is not None:
        restructuring.decision_file = decision_file
    restructuring.full_clean(exclude=["created_by", "reversed_by"])
    restructuring.save()
    links = []
    for source in plan.sources:
        before = snapshot(source, ["closed_on", *RENAMEABLE])
        ceases = source in plan.ceasing
        if ceases:
            source.closed_on, source.closed_by = d.effective_on, restructuring
            source.save(update_fields=["closed_on", "closed_by"])
        for field, value in plan.renamed.items():
            setattr(source, field, value)
        if plan.renamed:
            source.full_clean(exclude=["closed_by"])
            source.save(update_fields=list(plan.renamed))
        links.append(
            RestructuringLink(
                restructuring=restructuring,
                unit=source,
                role=LinkRole.SOURCE,
                ceases=ceases,
                before=before,
            )
        )
    if plan.target is not None:
        links.append(
            RestructuringLink(restructuring=restructuring, unit=plan.target, role=LinkRole.RESULT)
        )
    for i, result in enumerate(plan.results):
        result.save()
        links.append(
            RestructuringLink(
                restructuring=restructuring,
                unit=result,
                role=LinkRole.RESULT,
                created=True,
                staff_moved=plan.staff.get(i),
            )
        )
    RestructuringLink.objects.bulk_create(links)
    touched = [*plan.sources, *([plan.target] if plan.target else []), *plan.results]
    _mark(_touched_areas(touched), d.effective_on)
    audit_record(
        actor=actor,
        action="restructuring.apply",
        obj=restructuring,
        before=None,
        after=restructuring_summary(restructuring),
    )
    return restructuring


def restructuring_summary(restructuring: Restructuring) -> dict:
    """A JSON-ready description of a restructuring and its links for the audit log."""
    return {
        "kind": restructuring.kind,
        "decision_number": restructuring.decision_number,
        "effective_on": restructuring.effective_on.isoformat(),
        "links": [
            {
                "unit": link.unit_id,
                "name": link.unit.name,
                "role": link.role,
                "ceases": link.ceases,
                "created": link.created,
            }
            for link in restructuring.links.select_related("unit").order_by("id")
        ],
    }


@transaction.atomic
def restructuring_reverse(*, restructuring_id: int, actor: User, reason: str) -> Restructuring:
    """Undo a restructuring that no later decision depends on: re-open its sources,
    restore renamed fields, delete the units it created; the row stays, marked."""
    restructuring = Restructuring.objects.select_for_update().get(pk=restructuring_id)
    if restructuring.is_reversed:
        _fail(_("This decision has already been reversed."))
    if not reason.strip():
        _fail(_("Give the reason for the reversal."), "reason")
    links = list(restructuring.links.select_related("unit__area__parent__parent"))
    units = _lock_units([link.unit_id for link in links], lock=True)
    if not _can_reverse(actor, restructuring, list(units.values())):
        raise PermissionDenied
    later = _later_link(list(units), restructuring.effective_on, exclude=restructuring.pk)
    if later is not None:
        _fail(
            _("Decision %(later)s (effective %(date)s) depends on unit %(unit)s; reverse it first.")
            % {
                "later": later.restructuring.decision_number,
                "date": _date(later.restructuring.effective_on),
                "unit": later.unit.name,
            }
        )
    before = restructuring_summary(restructuring)
    created = [units[link.unit_id] for link in links if link.created]
    for unit in created:
        if unit.children.exists() or User.objects.filter(scope_unit=unit).exists():
            _fail(
                _(
                    "Unit %(unit)s created by this decision is used elsewhere (it manages "
                    "units or is a user's scope)."
                )
                % {"unit": unit.name}
            )
    touched_areas = _touched_areas(list(units.values()))
    # Created units go first: a transferred copy holds the code its source gets back.
    RestructuringLink.objects.filter(restructuring=restructuring, created=True).delete()
    Unit.objects.filter(pk__in=[u.pk for u in created]).delete()
    for link in links:
        unit = units[link.unit_id]
        if link.role == LinkRole.SOURCE:
            restore = {k: v for k, v in (link.before or {}).items() if k in RENAMEABLE}
            for field, value in restore.items():
                setattr(unit, field, value)
            if link.ceases:
                unit.closed_on, unit.closed_by = None, None
            unit.save(update_fields=[*restore, "closed_on", "closed_by"])
    restructuring.reversed_at = timezone.now()
    restructuring.reversed_by = actor
    restructuring.reversal_reason = reason.strip()
    restructuring.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    _mark(touched_areas, restructuring.effective_on)
    audit_record(
        actor=actor,
        action="restructuring.reverse",
        obj=restructuring,
        before=before,
        after=restructuring_summary(restructuring),
    )
    return restructuring
