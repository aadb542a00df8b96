"""The area changes of 2025 applied to units, in bulk.

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
- a provincial body of a merged province whose counterpart (same role: the
  People's Committee, the Department of Home Affairs…) is recorded in the new
  province hands the units it manages to that counterpart and merges into it;
  without a counterpart it moves to the new province, as other units do;
- other units in an ended area move to the successor area and keep their
  managing body (or follow it when it moves too);
- district agencies and the People's Committees of merged communes are dissolved
  once nothing they manage is left behind.

The successor of an area follows AreaLineage: the main successor of a commune
divided between several, else the one that kept its code; otherwise the unit is
reported for a clerk to decide with the guided form. Lookups are read once per
plan (`Lookups`), so a plan costs a handful of queries whatever its size."""

import dataclasses
import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..choices import AreaLevel, ManagementLevel, RestructuringKind, Sector, UnitKind
from ..models import Area, AreaLineage, Unit, User
from ..models.areas import area_subtree_q
from ..text import fold
from .restructuring_rules import Decision
from .restructurings import restructuring_apply, restructuring_apply_rows

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
    merges: list[tuple[Unit, Unit]] = dataclasses.field(default_factory=list)


class Lookups:
    """The areas, lineage links and active agencies as of `day`, read once."""

    def __init__(self, day: dt.date):
        self.day = day
        self.areas = {area.pk: area for area in Area.objects.all()}
        self.successors: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        links = AreaLineage.objects.filter(effective_on__lte=day)
        for pred, succ, main in links.values_list("predecessor_id", "successor_id", "main"):
            self.successors[pred].append((succ, main))
        self.agencies: dict[int, list[Unit]] = defaultdict(list)
        active = Unit.objects.agencies().active_on(day).order_by("established_on", "id")
        for unit in active.only("id", "name", "name_folded", "area_id", "level", "parent_id"):
            self.agencies[unit.area_id].append(unit)

    def successor(self, area: Area) -> Area | None:
        """The area valid on the day that continues `area` (itself if still valid)."""
        if area.is_valid_on(self.day):
            return area
        frontier, found, seen = [area.pk], [], {area.pk}
        while frontier:
            following = []
            for pk in frontier:
                links = self.successors.get(pk, [])
                main = [succ for succ, is_main in links if is_main]
                for succ in main if len(main) == 1 else [succ for succ, _m in links]:
                    if succ in seen:
                        continue
                    seen.add(succ)
                    candidate = self.areas[succ]
                    (found if candidate.is_valid_on(self.day) else following).append(candidate)
            frontier = [a.pk for a in following]
        if len(found) > 1:
            same_code = [a for a in found if a.code == area.code]
            found = same_code if len(same_code) == 1 else found
        return found[0] if len(found) == 1 else None

    def province(self, area: Area) -> Area:
        while area.parent_id is not None:
            area = self.areas[area.parent_id]
        return area

    def agency(self, area: Area, prefix: str) -> Unit | None:
        return next((u for u in self.agencies[area.pk] if u.name_folded.startswith(prefix)), None)

    def counterpart(self, unit: Unit, old_province: Area, new_province: Area) -> Unit | None:
        """The body of the new province with the same role as `unit`."""
        role = _role(unit, old_province)
        return next(
            (
                u
                for u in self.agencies[new_province.pk]
                if _role(u, new_province) == role and u != unit
            ),
            None,
        )


def _role(unit: Unit, province: Area) -> str:
    """What a provincial body is, without its province: "so noi vu"."""
    return " ".join(unit.name_folded.replace(fold(province.name), " ").split())


def _goes_to_commune(unit: Unit) -> bool:
    return unit.name_folded.startswith(COMMUNE_UNIT_PREFIXES)


def plan_area_changes(
    *,
    area: Area | None = None,
    areas: list[Area] = (),
    day: dt.date,
    lookups: Lookups | None = None,
) -> AreaChangePlan:
    """What the 2025 rules do to the units active on `day` in `area` (or `areas`:
    the provinces that merged into one, planned together so that each body of the
    new province absorbs its counterparts in one decision) and below."""
    lookups = lookups or Lookups(day)
    places = Q()
    for each in [area, *areas] if area else areas:
        places |= area_subtree_q(each)
    units = list(
        Unit.objects.active_on(day)
        .filter(places)
        .select_related("area__parent__parent", "parent")
        .order_by("id")
    )
    units.sort(key=_depth_in({u.pk: u for u in units}))  # managing bodies first
    ended = {u.pk for u in units if not u.area.is_valid_on(day)}
    plan = AreaChangePlan(day, [], [], [])
    agencies = [u for u in units if u.pk in ended and u.kind == UnitKind.AGENCY]
    local = (ManagementLevel.DISTRICT, ManagementLevel.COMMUNE)
    dissolving = {u.pk for u in agencies if u.level in local}
    merging = {}
    for unit in agencies:
        if unit.level == ManagementLevel.PROVINCE and unit.area.level == AreaLevel.PROVINCE:
            new_province = lookups.successor(unit.area)
            target = new_province and lookups.counterpart(unit, unit.area, new_province)
            if target is not None:
                merging[unit.pk] = target
    moving: set[int] = set()
    for unit in units:
        if unit.pk in dissolving or unit.pk in merging:
            continue
        move = _move_for(unit, lookups, ended, dissolving, merging, moving)
        if isinstance(move, str):
            plan.problems.append((unit, move))
        elif move is not None:
            plan.moves.append(move)
            moving.add(unit.pk)
    stuck = {u.parent_id for u, _problem in plan.problems}
    for unit in reversed(units):
        if unit.pk in dissolving or unit.pk in merging:
            if unit.pk in stuck:
                plan.problems.append(
                    (unit, _("Not dissolved: some units it manages could not be moved."))
                )
                stuck.add(unit.parent_id)
            elif unit.pk in merging:
                plan.merges.append((unit, merging[unit.pk]))
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


def _move_for(unit, lookups, ended, dissolving, merging, moving) -> Move | str | None:
    parent_leaves = unit.parent_id in dissolving
    if unit.parent_id in merging:
        place = None
        if unit.pk in ended:  # a district has no successor: the new province then
            place = lookups.successor(unit.area) or lookups.successor(lookups.province(unit.area))
        return Move(unit, _("to the new province's body"), merging[unit.parent_id], place)
    if unit.pk not in ended and not parent_leaves and unit.parent_id not in moving:
        return None
    place = lookups.successor(unit.area)
    if parent_leaves and unit.kind == UnitKind.SERVICE:
        if unit.level == ManagementLevel.COMMUNE or _goes_to_commune(unit):
            return _to_commune(unit, place, lookups)
        return _to_province(unit, place, lookups)
    if parent_leaves:
        return _("Its managing body is dissolved; record where it goes with the guided form.")
    if place is None and unit.area.level != AreaLevel.COMMUNE:
        place = lookups.successor(lookups.province(unit.area))
    if place is None:
        return _("No single successor area; record where it goes with the guided form.")
    return Move(unit, _("follows its area"), new_area=place if unit.pk in ended else None)


def _to_commune(unit, place, lookups) -> Move | str:
    if place is None or place.level != AreaLevel.COMMUNE:
        return _("No single successor commune; record where it goes with the guided form.")
    committee = lookups.agency(place, PEOPLES_COMMITTEE)
    if committee is None:
        return _("No People's Committee is recorded for %(area)s on that date.") % {
            "area": place.name
        }
    return Move(unit, _("to the commune"), new_parent=committee, new_area=place)


def _to_province(unit, place, lookups) -> Move | str:
    province = lookups.successor(lookups.province(unit.area))
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
    body = lookups.agency(province, prefix)
    if body is None:
        return _("No record of %(body)s of %(area)s active on that date.") % {
            "body": body_name,
            "area": province.name,
        }
    return Move(unit, rule, new_parent=body, new_area=place or province)


@transaction.atomic
def apply_area_changes(*, plan: AreaChangePlan, decision: Decision, actor: User) -> dict:
    """Apply a plan: one transfer per wave, each unit to its own destination, the
    managing bodies in a wave before the units they manage; then one dissolution
    of the local bodies that ended; then the provincial bodies merged into their
    counterparts. All or nothing."""
    copies: dict[int, int] = {}
    pending = list(plan.moves)
    transfers = 0
    while pending:
        # One transfer per wave, each unit with its own destination: the bodies
        # first, then the units they manage (whose new body may be a copy).
        moving = {m.unit.pk for m in pending}
        ready = [m for m in pending if m.unit.parent_id not in moving]
        ready = ready or pending  # a cycle cannot happen; never loop forever
        destinations = {}
        for move in ready:
            parent = move.new_parent.pk if move.new_parent else copies.get(move.unit.parent_id)
            parent = copies.get(parent, parent)
            destinations[move.unit.pk] = (parent, move.new_area.pk if move.new_area else None)
        rows = restructuring_apply_rows(
            actor=actor,
            kind=RestructuringKind.TRANSFER,
            decision=decision,
            source_ids=list(destinations),
            destinations=destinations,
            children_follow=True,  # the units they manage move in the next wave
        )
        for move, copy in zip(ready, rows.results, strict=True):
            copies[move.unit.pk] = copy.pk
        transfers += 1
        moved = {m.unit.pk for m in ready}
        pending = [m for m in pending if m.unit.pk not in moved]
    if plan.dissolve:
        restructuring_apply(
            actor=actor,
            kind=RestructuringKind.DISSOLVE,
            decision=decision,
            source_ids=[u.pk for u in plan.dissolve],
        )
    targets: dict[int, list[Unit]] = defaultdict(list)
    for unit, target in plan.merges:
        targets[target.pk].append(unit)
    for target, units in targets.items():
        restructuring_apply(
            actor=actor,
            kind=RestructuringKind.MERGE,
            decision=decision,
            source_ids=[u.pk for u in units],
            target_id=target,
        )
    return {
        "moved": len(copies),
        "transfers": transfers,
        "merged": len(plan.merges),
        "dissolved": len(plan.dissolve),
    }
