"""The rules of each kind of restructuring (DESIGN §3): `restructuring_plan`
validates a decision and says what it would do, without writing; the guided
form's preview and the apply service both run it."""

import dataclasses
from collections import Counter

from django.utils.translation import gettext as _

from ..choices import LinkRole, RestructuringKind, Role, UnitKind
from ..models import Area, Restructuring, Unit, User
from ..models.registry import plausible_decision_date
from ..scope import can_change_unit, scope_q
from .agency_lineage import receivers
from .figures import area_chain
from .restructuring_checks import (
    build_result,
    check_counts,
    check_no_units_left_behind,
    check_results,
    check_units_free,
    date_text,
    fail,
    lock_units,
    transfer_specs,
)
from .restructuring_specs import Decision, NewUnit

K = RestructuringKind
CEASING_KINDS = {K.MERGE, K.CONSOLIDATE, K.SPLIT, K.DISSOLVE, K.EQUITIZE, K.TRANSFER}
RENAMEABLE = ("name", "sector", "autonomy_group")


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
    # A dissolved body and each body that received its units that day.
    handed_to: list[tuple[Unit, Unit]] = dataclasses.field(default_factory=list)

    def deltas(self) -> list[tuple[Area, int]]:
        """Service-unit count change per affected area (each area and its parents)."""
        change: Counter[int] = Counter()
        areas: dict[int, Area] = {}
        for units, sign in ((self.ceasing, -1), (self.results, +1)):
            for unit in units:
                if unit.kind != UnitKind.SERVICE:
                    continue
                for area in area_chain(unit.area):
                    areas[area.pk] = area
                    change[area.pk] += sign
        order = sorted(change, key=lambda pk: (areas[pk].level != "province", areas[pk].code))
        return [(areas[pk], change[pk]) for pk in order]


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
    destinations: dict[int, tuple[int | None, int | None]] | None = None,
    lock: bool = False,
    children_follow: bool = False,
) -> Plan:
    """Validate a restructuring against the rules of its kind and return what it
    would do. Raises ValidationError with messages a clerk can act on.

    `destinations` and `children_follow` are for the bulk area changes: each unit
    of a transfer with its own new managing body and area, and the units a body
    manages moved right after the body, in the same transaction."""
    source_ids = list(dict.fromkeys(source_ids))
    check_counts(kind, len(source_ids), target_id is not None, len(new_units))
    day = decision.effective_on
    if not decision.number.strip():
        fail(_("The decision number is required."), "decision_number")
    if not decision.authority.strip():
        fail(_("The issuing authority is required."), "authority")
    if day < decision.decided_on:
        fail(_("The effective date cannot be before the decision date."), "effective_on")
    plausible_decision_date(decision.decided_on)
    plausible_decision_date(day)
    if target_id is not None and target_id in source_ids:
        fail(_("The absorbing unit cannot also be one of the absorbed units."))
    units = lock_units([*source_ids, *([target_id] if target_id else [])], lock)
    sources = [units[i] for i in source_ids]
    target = units.get(target_id) if target_id else None
    check_units_free([*sources, *([target] if target else [])], day)
    new_parent = new_area = None
    renamed: dict = {}
    if kind == K.TRANSFER:
        if destinations is None:
            if new_parent_id is None and new_area_id is None:
                fail(_("A transfer needs its new managing body or area."))
            destinations = dict.fromkeys(source_ids, (new_parent_id, new_area_id))
        new_units = transfer_specs(sources, destinations, day)
        new_parent = next((u.parent for u in new_units if new_parent_id), None)
        new_area = next((u.area for u in new_units if new_area_id), None)
    if kind == K.RENAME:
        renamed = {k: v for k, v in (rename or {}).items() if k in RENAMEABLE}
        if not renamed or all(getattr(sources[0], k) == v for k, v in renamed.items()):
            fail(_("Give the new name or functions: nothing would change."))
    template = sources[0] if sources else None
    transfer = kind == K.TRANSFER
    if transfer:
        results = new_units  # copies, already checked
    else:
        results = [build_result(spec, template, day) for spec in new_units]
        check_results(results)
    codes = [u.code for u in results if u.code]
    if len(codes) != len(set(codes)):
        fail(_("Two new units have the same code."))
    ceasing = sources if kind in CEASING_KINDS else []
    for unit in ceasing:
        if unit.established_on >= day:
            fail(
                _("Unit %(unit)s was established on %(date)s; it cannot cease the same day.")
                % {"unit": unit.name, "date": date_text(day)},
                "effective_on",
            )
    if not children_follow:
        check_no_units_left_behind(ceasing, source_ids, day)
    staff = {i: getattr(spec, "staff_moved", None) for i, spec in enumerate(new_units)}
    handed_to = receivers(ceasing, day) if kind == K.DISSOLVE else []
    return Plan(
        kind,
        decision,
        sources,
        target,
        results,
        ceasing,
        renamed,
        new_parent,
        new_area,
        staff,
        handed_to,
    )


def outside_scope(user: User, plan: Plan) -> list[Unit]:
    """The units of the plan the user may not change: clerks record decisions
    about units inside their scope, admins any. New units are created inside the
    clerk's scope, but a transfer may send units anywhere (to another province's
    body, say): only its sources are checked."""
    if user.is_authenticated and user.is_admin:
        return []
    touched = [*plan.sources, *([plan.target] if plan.target else [])]
    if plan.kind != K.TRANSFER:
        touched += plan.results
    return [unit for unit in touched if not can_change_unit(user, unit)]


def can_restructure(user: User, plan: Plan) -> bool:
    if not user.is_authenticated:
        return False
    return not outside_scope(user, plan)


def can_reverse(user: User, restructuring: Restructuring) -> bool:
    """Whether `user` may reverse the decision: the rule of `outside_scope`, asked
    of the database (NQ 202/2025 has thousands of links)."""
    if not user.is_authenticated or not (user.is_admin or Role.CLERK in user.roles):
        return False
    if user.is_admin or not (user.scope_area_id or user.scope_unit_id):
        return True
    touched = restructuring.links.all()
    if restructuring.kind == K.TRANSFER:
        touched = touched.filter(role=LinkRole.SOURCE)
    return not touched.exclude(scope_q(user, "unit__")).exists()


def reversal_allowed(user: User, restructuring: Restructuring, links: list) -> bool:
    sources = [link.unit for link in links if link.role == LinkRole.SOURCE]
    results = [link.unit for link in links if link.role == LinkRole.RESULT]
    plan = Plan(restructuring.kind, None, sources, None, results, [], {}, None, None)
    return can_restructure(user, plan)
