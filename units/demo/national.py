"""`manage.py seed_national`: a deterministic national dataset on the real area
registry. The bodies of every level, about 55,900 public service units at the end
of 2015 with realistic names, about 10,000 restructurings of every kind from 2016
to 30/06/2025 ending near the published national totals, then the 2025 area
changes applied by the real service.

The history is generated in memory and written in bulk: each decision is a plan
as the restructuring service sees it, turned into rows by the service's own
builder (`restructuring_rows`: closings, renames, created units, links, the
audit entry, recompute marks); the invariant of DESIGN §4 is checked over the
result. A scale below 1 keeps a deterministic share of the
communes, districts and provincial units."""

import datetime as dt
import hashlib
import itertools
import random
from collections import defaultdict

from ..choices import AreaLevel, ManagementLevel, UnitKind
from ..models import Area, Unit, User
from ..services.restructuring_rows import DecisionRows, restructuring_rows
from ..services.restructuring_rules import CEASING_KINDS, Decision, Plan
from ..text import fold
from .national_facts import (
    COMMUNE_SCHOOLS,
    DEPARTMENTS,
    DISTRICT_UNITS,
    EDU,
    HEALTH,
    OFFICES,
    PROVINCE_UNITS,
    REFORM,
    SHARE_WITH_HIGH_SCHOOL,
    UNITS_END_2015,
)

A, S = UnitKind.AGENCY, UnitKind.SERVICE
LAST_DAY_BEFORE = REFORM - dt.timedelta(days=1)
PREFIXES = (
    "Thành phố ",
    "Thị trấn ",
    "Thị xã ",
    "Đặc khu ",
    "Phường ",
    "Huyện ",
    "Quận ",
    "Tỉnh ",
    "Xã ",
)


def short(name: str) -> str:
    """ "Phường Máy Chai" → "Máy Chai"."""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def inline(name: str) -> str:
    """ "Thành phố Hải Phòng" → "thành phố Hải Phòng", as it reads inside a name."""
    return name[0].lower() + name[1:]


class NationalSeed:
    """The dataset being generated: units and decisions as unsaved model objects,
    and the pools the yearly events draw from."""

    def __init__(self, *, scale: float, seed: int, actor: User):
        self.scale, self.seed, self.actor = scale, seed, actor
        self.rng = random.Random(seed)
        self.codes = itertools.count(1)
        self.depths: list[list[Unit]] = [[], [], []]  # agencies, top level first
        self.services: list[Unit] = []
        self.decisions: list[DecisionRows] = []
        self.numbers = itertools.count(1)
        # Pools: what each level runs, by area id.
        self.schools: dict[int, list[Unit]] = defaultdict(list)  # commune → schools
        self.district: dict[int, dict[str, Unit]] = defaultdict(dict)
        self.province: dict[int, dict[str, Unit]] = defaultdict(dict)
        self.bodies: dict[tuple, Unit] = {}  # (area id, body name prefix) → agency
        self.communes: list[Area] = []
        self.districts: list[Area] = []
        self.provinces: list[Area] = []

    # Choosing a deterministic share of the country.

    def keeps(self, key: str) -> bool:
        """Whether the scaled dataset keeps `key` (the same answer for every run)."""
        if self.scale >= 1:
            return True
        digest = hashlib.sha1(f"{self.seed}:{key}".encode()).hexdigest()
        return int(digest[:8], 16) / 0x100000000 < self.scale

    def code(self) -> str:
        """The next unit code of the dataset."""
        return f"{next(self.codes):08d}"

    def day(self, start: int, end: int) -> dt.date:
        """A day drawn between 1/1 of `start` and 31/12 of `end`."""
        first = dt.date(start, 1, 1).toordinal()
        return dt.date.fromordinal(self.rng.randint(first, dt.date(end, 12, 31).toordinal()))

    def unit(self, *, name, kind, level, area, parent, sector="", group=None, established):
        """A unit of the dataset, numbered in order and kept for the bulk write."""
        return self.add(
            Unit(
                kind=kind,
                name=name,
                name_folded=fold(name),
                code=self.code(),
                parent=parent,
                area=area,
                level=level,
                sector=sector,
                autonomy_group=group,
                established_on=established,
            )
        )

    def add(self, unit: Unit) -> Unit:
        """Keep a unit for the bulk write: agencies by depth, managing bodies first."""
        if unit.kind == A:
            parent = unit.parent
            depth = 0 if parent is None else 1 if parent.parent is None else 2
            self.depths[depth].append(unit)
        else:
            self.services.append(unit)
        return unit

    # The country as it stood before 1/7/2025.

    def build(self) -> None:
        """Every body and unit of the country at the end of 2015, to the scaled total."""
        # With the areas above: the builder reads each unit's area chain in memory.
        areas = Area.objects.valid_on(LAST_DAY_BEFORE).select_related("parent__parent")
        self.country(areas.order_by("code"))
        target = round(UNITS_END_2015 * self.scale)
        self._fill(target - len(self.services))

    def country(self, areas: list[Area]) -> None:
        """The bodies and units of every province among `areas` and the districts
        and communes below it (the share of them the scale keeps)."""
        by_parent = defaultdict(list)
        for area in areas:
            by_parent[area.parent_id].append(area)
        self.provinces = [a for a in by_parent[None] if a.level == AreaLevel.PROVINCE]
        for province in self.provinces:
            self._province(province, by_parent)

    def _province(self, province: Area, by_parent) -> None:
        name = inline(province.name)
        committee = self.unit(
            name=f"Ủy ban nhân dân {name}",
            kind=A,
            level=ManagementLevel.PROVINCE,
            area=province,
            parent=None,
            established=dt.date(1976, 7, 2),
        )
        self.bodies[(province.pk, "ubnd")] = committee
        for department in DEPARTMENTS:
            self.bodies[(province.pk, department)] = self.unit(
                name=f"{department} {name}",
                kind=A,
                level=ManagementLevel.PROVINCE,
                area=province,
                parent=committee,
                established=self.day(1990, 2008),
            )
        for prefix, sector, group, department in PROVINCE_UNITS:
            if self.keeps(f"p{province.code}:{prefix}"):
                parent = self.bodies[(province.pk, department)] if department else committee
                self.province[province.pk][prefix] = self.unit(
                    name=f"{prefix} {name}",
                    kind=S,
                    level=ManagementLevel.PROVINCE,
                    area=province,
                    parent=parent,
                    sector=sector,
                    group=group,
                    established=self.day(1960, 2012),
                )
        for district in by_parent[province.pk]:
            communes = [c for c in by_parent[district.pk] if self.keeps(f"c{c.code}")]
            own = self.keeps(f"d{district.code}")
            if communes or own:
                self._district(district, committee, communes, province, own)

    def _district(self, district: Area, province_committee, communes, province, own) -> None:
        self.districts.append(district)
        name = inline(district.name)
        committee = self.unit(
            name=f"Ủy ban nhân dân {name}",
            kind=A,
            level=ManagementLevel.DISTRICT,
            area=district,
            parent=province_committee,
            established=self.day(1976, 2010),
        )
        self.bodies[(district.pk, "ubnd")] = committee
        for office in OFFICES:
            self.bodies[(district.pk, office)] = self.unit(
                name=f"{office} {name}",
                kind=A,
                level=ManagementLevel.DISTRICT,
                area=district,
                parent=committee,
                established=self.day(1980, 2010),
            )
        for prefix, sector, group in DISTRICT_UNITS:
            if not own or (prefix == "Ban Quản lý chợ" and self.rng.random() > 0.35):
                continue
            self.district[district.pk][prefix] = self.unit(
                name=f"{prefix} {name}",
                kind=S,
                level=ManagementLevel.DISTRICT,
                area=district,
                parent=committee,
                sector=sector,
                group=group,
                established=self.day(1975, 2013),
            )
        office = self.bodies[(district.pk, "Phòng Giáo dục và Đào tạo")]
        high_schools = self.bodies[(province.pk, "Sở Giáo dục và Đào tạo")]
        for commune in communes:
            self.communes.append(commune)
            self.bodies[(commune.pk, "ubnd")] = self.unit(
                name=f"Ủy ban nhân dân {inline(commune.name)}",
                kind=A,
                level=ManagementLevel.COMMUNE,
                area=commune,
                parent=committee,
                established=self.day(1976, 2010),
            )
            for school in COMMUNE_SCHOOLS:
                self.school(
                    commune, f"{school} {short(commune.name)}", office, self.day(1960, 2014)
                )
            self.unit(
                name=f"Trạm Y tế {inline(commune.name)}",
                kind=S,
                level=ManagementLevel.DISTRICT,
                area=commune,
                parent=committee,
                sector=HEALTH,
                group=4,
                established=self.day(1965, 2012),
            )
            if self.rng.random() < SHARE_WITH_HIGH_SCHOOL:
                self.unit(
                    name=f"Trường Trung học phổ thông {short(commune.name)}",
                    kind=S,
                    level=ManagementLevel.PROVINCE,
                    area=commune,
                    parent=high_schools,
                    sector=EDU,
                    group=3,
                    established=self.day(1960, 2012),
                )

    def school(self, commune: Area, name: str, office: Unit, established: dt.date) -> Unit:
        group = 3 if self.rng.random() < 0.2 else 4
        unit = self.unit(
            name=name,
            kind=S,
            level=ManagementLevel.DISTRICT,
            area=commune,
            parent=office,
            sector=EDU,
            group=group,
            established=established,
        )
        self.schools[commune.pk].append(unit)
        return unit

    def _fill(self, missing: int) -> None:
        """Second schools ("… B") in communes drawn at random, up to the total."""
        for i in range(max(missing, 0)):
            commune = self.rng.choice(self.communes)
            office = self.bodies[(commune.parent_id, "Phòng Giáo dục và Đào tạo")]
            kind = COMMUNE_SCHOOLS[i % 2]
            name = f"{kind} {short(commune.name)} số {i // len(self.communes) + 2}"
            self.school(commune, name, office, self.day(1980, 2014))

    # Recording a generated decision.

    def decision(self, day: dt.date, authority: str, note: str = "") -> Decision:
        """A decision of the dataset (numbered in order, decided a few weeks before)."""
        return Decision(
            number=f"{next(self.numbers)}/QĐ-UBND",
            decided_on=day - dt.timedelta(days=self.rng.randint(10, 45)),
            effective_on=day,
            authority=authority,
            note=note,
        )

    def record(
        self,
        kind: str,
        decision: Decision,
        *,
        sources: list[Unit] = (),
        target: Unit | None = None,
        results: list[Unit] = (),
        renamed: dict | None = None,
        new_parent: Unit | None = None,
    ) -> DecisionRows:
        """Apply a decision to the units in memory with the service's row builder
        (sources closed or renamed, results named) and keep its rows to write."""
        sources = list(sources)
        plan = Plan(
            kind=kind,
            decision=decision,
            sources=sources,
            target=target,
            results=list(results),
            ceasing=sources if kind in CEASING_KINDS else [],
            renamed=renamed or {},
            new_parent=new_parent,
            new_area=None,
        )
        rows = restructuring_rows(plan=plan, actor=self.actor)
        self.decisions.append(rows)
        return rows

    def result(self, decision: Decision, template: Unit, name: str, **changes) -> Unit:
        """A unit a decision creates, like `template` unless `changes` say otherwise."""
        values = {
            "kind": template.kind,
            "level": template.level,
            "area": template.area,
            "parent": template.parent,
            "sector": template.sector,
            "group": template.autonomy_group,
            **changes,
        }
        return self.unit(name=name, established=decision.effective_on, **values)
