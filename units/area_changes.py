"""The area changes of 2025 applied to units, in bulk (issue 3 §6).

On 1/7/2025 the district level ended, provinces merged (63 → 34) and communes
merged. Units recorded in an area that no longer exists are moved by transfer
restructurings that cite the decision, so every count stays explainable:

- service units managed by a district: kindergartens, primary and lower-secondary
  schools and health stations go to the commune (its People's Committee);
  vocational/continuing-education centres to the provincial Department of
  Education; district health centres and hospitals to the Department of Health;
  every other unit to the provincial People's Committee;
- service units managed by a commune whose commune merged go to the successor
  commune's People's Committee;
- other units in an ended area move to the successor area and keep their
  managing body (or follow it when it moves too);
- district agencies and the People's Committees of merged communes are dissolved
  once nothing they manage is left behind.

The successor of an area follows AreaLineage. When a commune was split among
several successors, the one that kept its code continues it; otherwise the unit
is reported for a clerk to decide with the guided form."""

import dataclasses
import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from .choices import AreaLevel, LinkRole, ManagementLevel, RestructuringKind, Sector, UnitKind
from .models import Area, AreaLineage, Unit, User
from .restructurings import Decision, restructuring_apply
from .scope import area_subtree_q

COMMUNE_UNIT_PREFIXES = (
    "truong mam non",
    "truong mau giao",
    "nha tre",
    "truong tieu hoc",
    "truong trung hoc co so",
    "truong thcs",
    "tram y te",
)
PEOPLES_COMMITTEE = "uy ban nhan dan"
EDUCATION_DEPARTMENT = "so giao duc"
HEALTH_DEPARTMENT = "so y te"


@dataclasses.dataclass
class Move:
    unit: Unit
    rule: str
    new_parent: Unit | None = None
    new_area: Area | None = None


@dataclasses.dataclass
class AreaChangePlan:
    day: dt.date
    moves: list[Move]
    dissolve: list[Unit]
    problems: list[tuple[Unit, str]]


def successor(area: Area, day: dt.date) -> Area | None:
    """The area valid on `day` that continues `area` (itself if still valid)."""
    if area.is_valid_on(day):
        return area
    frontier, found, seen = [area], [], {area.pk}
    while frontier:
        links = AreaLineage.objects.filter(
            predecessor__in=frontier, effective_on__lte=day
        ).select_related("successor")
        frontier = []
        for link in links:
            if link.successor_id in seen:
                continue
            seen.add(link.successor_id)
            target = found if link.successor.is_valid_on(day) else frontier
            target.append(link.successor)
    if len(found) > 1:
        same_code = [a for a in found if a.code == area.code]
        found = same_code if len(same_code) == 1 else found
    return found[0] if len(found) == 1 else None


def province_of(area: Area, day: dt.date) -> Area | None:
    while area.parent_id is not None:
        area = area.parent
    return successor(area, day)


def _agency(area: Area, prefix: str, day: dt.date) -> Unit | None:
    return (
        Unit.objects.active_on(day)
        .filter(kind=UnitKind.AGENCY, area=area, name_folded__startswith=prefix)
        .order_by("established_on")
        .first()
    )


def _goes_to_commune(unit: Unit) -> bool:
    return unit.name_folded.startswith(COMMUNE_UNIT_PREFIXES)


def plan_area_changes(*, area: Area, day: dt.date) -> AreaChangePlan:
    """What the 2025 rules do to the units active on `day` in `area` and below."""
    units = list(
        Unit.objects.active_on(day)
        .filter(area_subtree_q(area))
        .select_related("area__parent__parent", "parent")
        .order_by("id")
    )
    units.sort(key=_depth_in({u.pk: u for u in units}))  # managing bodies first
    ended = {u.pk for u in units if not u.area.is_valid_on(day)}
    plan = AreaChangePlan(day, [], [], [])
    dissolving = {
        u.pk
        for u in units
        if u.pk in ended
        and u.kind == UnitKind.AGENCY
        and u.level in (ManagementLevel.DISTRICT, ManagementLevel.COMMUNE)
    }
    moving: set[int] = set()
    for unit in units:
        if unit.pk in dissolving:
            continue
        move = _move_for(unit, day, ended, dissolving, moving)
        if isinstance(move, str):
            plan.problems.append((unit, move))
        elif move is not None:
            plan.moves.append(move)
            moving.add(unit.pk)
    stuck = {u.parent_id for u, _problem in plan.problems}
    for unit in reversed(units):
        if unit.pk in dissolving:
            if unit.pk in stuck:
                plan.problems.append(
                    (unit, _("Not dissolved: some units it manages could not be moved."))
                )
                stuck.add(unit.parent_id)
            else:
                plan.dissolve.append(unit)
    plan.dissolve.reverse()
    return plan


def _depth_in(by_id: dict[int, Unit]):
    def depth(unit: Unit) -> int:
        level, parent = 0, unit.parent_id
        while parent in by_id and level < 20:
            level, parent = level + 1, by_id[parent].parent_id
        return level

    return depth


def _move_for(unit, day, ended, dissolving, moving) -> Move | str | None:
    parent_leaves = unit.parent_id in dissolving
    if unit.pk not in ended and not parent_leaves and unit.parent_id not in moving:
        return None
    place = successor(unit.area, day)
    if parent_leaves and unit.kind == UnitKind.SERVICE:
        if unit.level == ManagementLevel.COMMUNE or _goes_to_commune(unit):
            return _to_commune(unit, place, day)
        return _to_province(unit, place, day)
    if parent_leaves:
        return _("Its managing body is dissolved; record where it goes with the guided form.")
    if place is None and unit.area.level != AreaLevel.COMMUNE:
        place = province_of(unit.area, day)
    if place is None:
        return _("No single successor area; record where it goes with the guided form.")
    return Move(unit, _("follows its area"), new_area=place if unit.pk in ended else None)


def _to_commune(unit, place, day) -> Move | str:
    if place is None or place.level != AreaLevel.COMMUNE:
        return _("No single successor commune; record where it goes with the guided form.")
    committee = _agency(place, PEOPLES_COMMITTEE, day)
    if committee is None:
        return _("No People's Committee is recorded for %(area)s on that date.") % {
            "area": place.name
        }
    return Move(unit, _("to the commune"), new_parent=committee, new_area=place)


def _to_province(unit, place, day) -> Move | str:
    province = province_of(unit.area, day)
    if province is None:
        return _("No successor province.")
    prefix, rule, body_name = (
        PEOPLES_COMMITTEE,
        _("to the province"),
        _("the provincial People's Committee"),
    )
    if unit.sector == Sector.VOCATIONAL:
        prefix, rule, body_name = (
            EDUCATION_DEPARTMENT,
            _("to the Department of Education"),
            _("the Department of Education and Training"),
        )
    elif unit.sector == Sector.HEALTH:
        prefix, rule, body_name = (
            HEALTH_DEPARTMENT,
            _("to the Department of Health"),
            _("the Department of Health"),
        )
    body = _agency(province, prefix, day)
    if body is None:
        return _("No record of %(body)s of %(area)s active on that date.") % {
            "body": body_name,
            "area": province.name,
        }
    return Move(unit, rule, new_parent=body, new_area=place or province)


@transaction.atomic
def apply_area_changes(*, plan: AreaChangePlan, decision: Decision, actor: User) -> dict:
    """Apply a plan: transfers grouped by destination, parents before the units
    they manage, then one dissolution of the bodies that ended. All or nothing."""
    copies: dict[int, int] = {}
    pending = list(plan.moves)
    transfers = 0
    while pending:
        moving = {m.unit.pk for m in pending}
        ready = [m for m in pending if m.unit.parent_id not in moving]
        ready = ready or pending  # a cycle cannot happen; never loop forever
        groups: dict[tuple, list[Move]] = defaultdict(list)
        for move in ready:
            parent = move.new_parent.pk if move.new_parent else copies.get(move.unit.parent_id)
            parent = copies.get(parent, parent)
            groups[(parent, move.new_area.pk if move.new_area else None)].append(move)
        for (parent, area), moves in groups.items():
            restructuring = restructuring_apply(
                actor=actor,
                kind=RestructuringKind.TRANSFER,
                decision=decision,
                source_ids=[m.unit.pk for m in moves],
                new_parent_id=parent,
                new_area_id=area,
            )
            results = restructuring.links.filter(role=LinkRole.RESULT).order_by("id")
            for move, link in zip(moves, results, strict=True):
                copies[move.unit.pk] = link.unit_id
            transfers += 1
        pending = [m for m in pending if m not in ready]
    if plan.dissolve:
        restructuring_apply(
            actor=actor,
            kind=RestructuringKind.DISSOLVE,
            decision=decision,
            source_ids=[u.pk for u in plan.dissolve],
        )
    return {"moved": len(copies), "transfers": transfers, "dissolved": len(plan.dissolve)}
