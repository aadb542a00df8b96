"""The decisions of the national dataset, year by year from 2016 to 30/06/2025:
mostly schools of a commune consolidated, district bodies merged, small units
dissolved or equitized, and a few new units, splits, spin-offs, renames and
transfers, until each year's net change (national_facts.YEARLY_NET) is reached.
Then the bodies the country has from 1/7/2025, established by decision."""

import datetime as dt

from ..choices import ManagementLevel
from ..choices import RestructuringKind as K
from ..models import Area, AreaLineage, Unit
from ..services.unit_copies import transfer_copy
from .national import REFORM, A, NationalSeed, inline, short
from .national_facts import (
    DEPARTMENT_MERGERS,
    DEPARTMENTS_2025,
    DEPARTMENTS_MERGED_ON,
    YEARLY_NET,
)

# (kind, weight, net change it aims at)
KINDS = [
    (K.CONSOLIDATE, 78, -1),
    (K.MERGE, 6, -1),
    (K.DISSOLVE, 5, -1),
    (K.EQUITIZE, 1, -1),
    (K.ESTABLISH, 3, +1),
    (K.SPLIT, 1, +1),
    (K.SPIN_OFF, 1, +1),
    (K.RENAME, 3, 0),
    (K.TRANSFER, 2, 0),
]
PAIR_NAMES = {
    frozenset({"Trường Tiểu học", "Trường Trung học cơ sở"}): "Trường Tiểu học và Trung học cơ sở",
    frozenset({"Trường Mầm non", "Trường Tiểu học"}): "Trường Mầm non và Tiểu học",
}


def history(seed: NationalSeed) -> None:
    """Every year's decisions, scaled, until its net change is reached; the
    departments of 1/3/2025 before 2025's own decisions (which then find the
    units under their new department)."""
    for year, net in YEARLY_NET.items():
        if year == DEPARTMENTS_MERGED_ON.year:
            departments_of_march_2025(seed)
        _year(seed, year, round(net * seed.scale))


def departments_of_march_2025(seed: NationalSeed) -> None:
    """Nghị định 45/2025 in every province: each department that ends hands
    its units to its successor (a transfer), then merges into it or is
    consolidated with another into a new department — the rows the
    restructuring service writes (`agencies_merge`), successions included."""
    day = DEPARTMENTS_MERGED_ON
    for province in seed.provinces:
        for sources, into in DEPARTMENT_MERGERS:
            bodies = [seed.bodies[(province.pk, name)] for name in sources]
            decision = seed.decision(day, _authority(seed, bodies[0]))
            target = seed.bodies.get((province.pk, into))
            if target is None:  # a new department, as the consolidation makes it
                target = seed.result(decision, bodies[0], f"{into} {inline(province.name)}")
                seed.record(K.CONSOLIDATE, decision, sources=bodies, results=[target])
                seed.bodies[(province.pk, into)] = target
            pool = seed.province[province.pk]
            moving = [(k, u) for k, u in pool.items() if u.parent in bodies and _active([u], day)]
            if moving:
                copies = [seed.add(transfer_copy(u, day=day, parent=target)) for _k, u in moving]
                units = [u for _k, u in moving]
                seed.record(K.TRANSFER, decision, sources=units, results=copies, new_parent=target)
                pool.update({k: copy for (k, _u), copy in zip(moving, copies, strict=True)})
            if len(sources) == 1:
                seed.record(K.MERGE, decision, sources=bodies, target=target)


def _year(seed: NationalSeed, year: int, target: int) -> None:
    """Decisions of one year on days drawn in order, kinds drawn by weight."""
    last = dt.date(year, 6, 30) if year == REFORM.year else dt.date(year, 12, 31)
    days = iter(sorted(seed.day(year, year) for _ in range(4 * abs(target) + 20)))
    reached, kinds, weights = 0, [k for k, _w, _n in KINDS], [w for _k, w, _n in KINDS]
    while reached > target:
        day = min(next(days, last), last)
        kind = seed.rng.choices(kinds, weights)[0]
        change = EVENTS[kind](seed, day)
        if change is None:  # nothing suitable that day: consolidate instead
            change = _consolidate(seed, day)
        reached += change or 0


def _active(units: list[Unit], day: dt.date) -> list[Unit]:
    """The units that may be restructured on `day` (not the day they were made)."""
    return [u for u in units if u.closed_on is None and u.established_on < day]


def _consolidate(seed, day) -> int | None:
    """Two schools of a commune become one."""
    for _ in range(20):
        commune = seed.rng.choice(seed.communes)
        schools = _active(seed.schools[commune.pk], day)
        if len(schools) < 2:
            continue
        a, b = seed.rng.sample(schools, 2)
        kinds = frozenset(_kind(u.name) for u in (a, b))
        prefix = PAIR_NAMES.get(kinds, _kind(a.name))
        decision = seed.decision(day, _authority(seed, a))
        for unit in (a, b):
            seed.schools[commune.pk].remove(unit)
        new = seed.result(decision, a, f"{prefix} {short(commune.name)}")
        seed.record(K.CONSOLIDATE, decision, sources=[a, b], results=[new])
        seed.schools[commune.pk].append(new)
        return -1
    return None


def _kind(name: str) -> str:
    """What a school is ("Trường Tiểu học"), without its place."""
    for prefix in ("Trường Mầm non", "Trường Tiểu học", "Trường Trung học cơ sở"):
        if name.startswith(prefix):
            return prefix
    return name.split(" ")[0]


def _merge(seed, day) -> int | None:
    """A district's radio station merges into its culture centre."""
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        units = seed.district[district.pk]
        radio = units.get("Đài Truyền thanh")
        culture = units.get("Trung tâm Văn hóa, Thông tin và Thể thao")
        if radio and culture and _active([radio, culture], day) == [radio, culture]:
            decision = seed.decision(day, _authority(seed, radio))
            seed.record(K.MERGE, decision, sources=[radio], target=culture)
            del units["Đài Truyền thanh"]
            return -1
    return None


def _dissolve(seed, day, kind=K.DISSOLVE) -> int | None:
    """A district's market board ends (dissolved, or equitized)."""
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        market = seed.district[district.pk].get("Ban Quản lý chợ")
        if market and _active([market], day):
            decision = seed.decision(day, _authority(seed, market))
            seed.record(kind, decision, sources=[market])
            del seed.district[district.pk]["Ban Quản lý chợ"]
            return -1
    return None


def _equitize(seed, day) -> int | None:
    """A provincial clean-water centre is equitized (else a market board)."""
    prefix = "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn"
    for province in seed.rng.sample(seed.provinces, len(seed.provinces)):
        unit = seed.province[province.pk].get(prefix)
        if unit and _active([unit], day):
            decision = seed.decision(day, _authority(seed, unit))
            seed.record(K.EQUITIZE, decision, sources=[unit])
            del seed.province[province.pk][prefix]
            return -1
    return _dissolve(seed, day, K.EQUITIZE)


def _establish(seed, day) -> int:
    """A new kindergarten in a commune."""
    commune = seed.rng.choice(seed.communes)
    office = seed.bodies[(commune.parent_id, "Phòng Giáo dục và Đào tạo")]
    decision = seed.decision(day, _authority(seed, office))
    flower = seed.rng.choice(["Hoa Sen", "Hoa Mai", "Sao Mai", "Tuổi Thơ"])
    name = f"Trường Mầm non {flower} {short(commune.name)}"
    unit = seed.school(commune, name, office, day)
    seed.record(K.ESTABLISH, decision, results=[unit])
    return 1


def _split(seed, day) -> int | None:
    """A district's culture centre splits into culture and sports centres."""
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        units = seed.district[district.pk]
        culture = units.get("Trung tâm Văn hóa, Thông tin và Thể thao")
        if culture and _active([culture], day) and "Đài Truyền thanh" in units:
            name = inline(district.name)
            decision = seed.decision(day, _authority(seed, culture))
            results = [
                seed.result(decision, culture, f"Trung tâm Văn hóa - Thông tin {name}"),
                seed.result(decision, culture, f"Trung tâm Thể dục thể thao {name}"),
            ]
            seed.record(K.SPLIT, decision, sources=[culture], results=results)
            units["Trung tâm Văn hóa, Thông tin và Thể thao"] = results[0]
            return 1
    return None


def _spin_off(seed, day) -> int | None:
    """A provincial hospital spins off its emergency centre."""
    for province in seed.rng.sample(seed.provinces, len(seed.provinces)):
        hospital = seed.province[province.pk].get("Bệnh viện Đa khoa")
        if hospital and _active([hospital], day):
            decision = seed.decision(day, _authority(seed, hospital))
            new = seed.result(decision, hospital, f"Trung tâm Cấp cứu 115 {inline(province.name)}")
            seed.record(K.SPIN_OFF, decision, sources=[hospital], results=[new])
            del seed.province[province.pk]["Bệnh viện Đa khoa"]
            return 1
    return None


def _rename(seed, day) -> int | None:
    """A district's political training centre takes its new name."""
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        centre = seed.district[district.pk].get("Trung tâm Bồi dưỡng chính trị")
        if centre and _active([centre], day):
            decision = seed.decision(day, _authority(seed, centre))
            name = f"Trung tâm Chính trị {inline(district.name)}"
            seed.record(K.RENAME, decision, sources=[centre], renamed={"name": name})
            del seed.district[district.pk]["Trung tâm Bồi dưỡng chính trị"]
            return 0
    return None


def _transfer(seed, day) -> int | None:
    """A district's vocational centre moves to the Department of Education."""
    prefix = "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên"
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        centre = seed.district[district.pk].get(prefix)
        if centre and _active([centre], day):
            body = seed.bodies[(district.parent_id, "Sở Giáo dục và Đào tạo")]
            decision = seed.decision(day, _authority(seed, body))
            copy = seed.add(transfer_copy(centre, day=day, parent=body))
            seed.record(K.TRANSFER, decision, sources=[centre], results=[copy], new_parent=body)
            seed.district[district.pk][prefix] = copy
            return 0
    return None


def _authority(seed: NationalSeed, unit: Unit) -> str:
    """The People's Committee above `unit`, as a decision names it."""
    body = unit.parent
    while body is not None and body.parent is not None and not body.name.startswith("Ủy ban"):
        body = body.parent
    return body.name.replace("Ủy ban nhân dân", "UBND") if body else "UBND"


EVENTS = {
    K.CONSOLIDATE: _consolidate,
    K.MERGE: _merge,
    K.DISSOLVE: _dissolve,
    K.EQUITIZE: _equitize,
    K.ESTABLISH: _establish,
    K.SPLIT: _split,
    K.SPIN_OFF: _spin_off,
    K.RENAME: _rename,
    K.TRANSFER: _transfer,
}


def bodies_of_july_2025(seed: NationalSeed) -> None:
    """The People's Committee and departments of each merged province, and the
    People's Committee of each new commune that continues a commune of the
    dataset, each established by decision on 1/7/2025."""
    after = Area.objects.valid_on(REFORM).select_related("parent__parent")
    provinces = {a.pk: a for a in after.filter(level="province")}
    committees = {}
    for province in sorted(provinces.values(), key=lambda a: a.code):
        if province.valid_from is None:  # did not merge: its bodies continue
            committees[province.pk] = seed.bodies[(province.pk, "ubnd")]
            continue
        name = inline(province.name)
        committee = _new_body(seed, f"Ủy ban nhân dân {name}", province, None, "Quốc hội")
        committees[province.pk] = committee
        for department in DEPARTMENTS_2025:
            _new_body(seed, f"{department} {name}", province, committee, "Quốc hội")
    kept = [c.pk for c in seed.communes]
    successors = after.filter(
        level="commune",
        pk__in=AreaLineage.objects.filter(predecessor__in=kept).values("successor"),
    )
    for commune in successors.order_by("code"):
        committee = committees[commune.parent_id]
        _new_body(seed, f"Ủy ban nhân dân {inline(commune.name)}", commune, committee, "UBTVQH")


def _new_body(seed, name, area, parent, authority) -> Unit:
    """A body of 1/7/2025, established by its own decision."""
    decision = seed.decision(REFORM, authority)
    level = ManagementLevel.PROVINCE if area.level == "province" else ManagementLevel.COMMUNE
    unit = seed.unit(name=name, kind=A, level=level, area=area, parent=parent, established=REFORM)
    seed.record(K.ESTABLISH, decision, results=[unit])
    return unit
