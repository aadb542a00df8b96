"""The decisions of the national dataset, year by year from 2016 to 30/06/2025:
mostly schools of a commune consolidated, district bodies merged, small units
dissolved or equitized, and a few new units, splits, spin-offs, renames and
transfers, until each year's net change (national_facts.YEARLY_NET) is reached.
Then the bodies the country has from 1/7/2025, established by decision."""

import datetime as dt

from ..choices import LinkRole, ManagementLevel
from ..choices import RestructuringKind as K
from ..models import Area, AreaLineage, Unit
from .national import REFORM, A, NationalSeed, inline, short
from .national_facts import DEPARTMENTS, YEARLY_NET

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
    for year, net in YEARLY_NET.items():
        _year(seed, year, round(net * seed.scale))


def _year(seed: NationalSeed, year: int, target: int) -> None:
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
    return [u for u in units if u.closed_on is None and u.established_on < day]


def _consolidate(seed, day) -> int | None:
    for _ in range(20):
        commune = seed.rng.choice(seed.communes)
        schools = _active(seed.schools[commune.pk], day)
        if len(schools) < 2:
            continue
        a, b = seed.rng.sample(schools, 2)
        kinds = frozenset(_kind(u.name) for u in (a, b))
        prefix = PAIR_NAMES.get(kinds, _kind(a.name))
        decision = seed.decide(K.CONSOLIDATE, day, _authority(seed, a))
        for unit in (a, b):
            seed.close(decision, unit)
            seed.schools[commune.pk].remove(unit)
        new = seed.create(decision, a, f"{prefix} {short(commune.name)}")
        seed.schools[commune.pk].append(new)
        return -1
    return None


def _kind(name: str) -> str:
    for prefix in ("Trường Mầm non", "Trường Tiểu học", "Trường Trung học cơ sở"):
        if name.startswith(prefix):
            return prefix
    return name.split(" ")[0]


def _merge(seed, day) -> int | None:
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        units = seed.district[district.pk]
        radio = units.get("Đài Truyền thanh")
        culture = units.get("Trung tâm Văn hóa, Thông tin và Thể thao")
        if radio and culture and _active([radio, culture], day) == [radio, culture]:
            decision = seed.decide(K.MERGE, day, _authority(seed, radio))
            seed.close(decision, radio)
            seed.touch(decision, culture)
            del units["Đài Truyền thanh"]
            return -1
    return None


def _dissolve(seed, day, kind=K.DISSOLVE) -> int | None:
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        market = seed.district[district.pk].get("Ban Quản lý chợ")
        if market and _active([market], day):
            decision = seed.decide(kind, day, _authority(seed, market))
            seed.close(decision, market)
            del seed.district[district.pk]["Ban Quản lý chợ"]
            return -1
    return None


def _equitize(seed, day) -> int | None:
    prefix = "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn"
    for province in seed.rng.sample(seed.provinces, len(seed.provinces)):
        unit = seed.province[province.pk].get(prefix)
        if unit and _active([unit], day):
            decision = seed.decide(K.EQUITIZE, day, _authority(seed, unit))
            seed.close(decision, unit)
            del seed.province[province.pk][prefix]
            return -1
    return _dissolve(seed, day, K.EQUITIZE)


def _establish(seed, day) -> int:
    commune = seed.rng.choice(seed.communes)
    office = seed.bodies[(commune.parent_id, "Phòng Giáo dục và Đào tạo")]
    decision = seed.decide(K.ESTABLISH, day, _authority(seed, office))
    flower = seed.rng.choice(["Hoa Sen", "Hoa Mai", "Sao Mai", "Tuổi Thơ"])
    name = f"Trường Mầm non {flower} {short(commune.name)}"
    unit = seed.school(commune, name, office, day)
    seed.touch(decision, unit, created=True)
    return 1


def _split(seed, day) -> int | None:
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        units = seed.district[district.pk]
        culture = units.get("Trung tâm Văn hóa, Thông tin và Thể thao")
        if culture and _active([culture], day) and "Đài Truyền thanh" in units:
            name = inline(district.name)
            decision = seed.decide(K.SPLIT, day, _authority(seed, culture))
            seed.close(decision, culture)
            units["Trung tâm Văn hóa, Thông tin và Thể thao"] = seed.create(
                decision, culture, f"Trung tâm Văn hóa - Thông tin {name}"
            )
            seed.create(decision, culture, f"Trung tâm Thể dục thể thao {name}")
            return 1
    return None


def _spin_off(seed, day) -> int | None:
    for province in seed.rng.sample(seed.provinces, len(seed.provinces)):
        hospital = seed.province[province.pk].get("Bệnh viện Đa khoa")
        if hospital and _active([hospital], day):
            decision = seed.decide(K.SPIN_OFF, day, _authority(seed, hospital))
            seed.touch(decision, hospital, role=LinkRole.SOURCE, before={"closed_on": None})
            seed.create(decision, hospital, f"Trung tâm Cấp cứu 115 {inline(province.name)}")
            del seed.province[province.pk]["Bệnh viện Đa khoa"]
            return 1
    return None


def _rename(seed, day) -> int | None:
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        centre = seed.district[district.pk].get("Trung tâm Bồi dưỡng chính trị")
        if centre and _active([centre], day):
            decision = seed.decide(K.RENAME, day, _authority(seed, centre))
            old = {"name": centre.name, "sector": centre.sector, "autonomy_group": 4}
            centre.name = f"Trung tâm Chính trị {inline(district.name)}"
            new = {**old, "name": centre.name}
            seed.touch(
                decision, centre, role=LinkRole.SOURCE, before={"closed_on": None, **old}, after=new
            )
            del seed.district[district.pk]["Trung tâm Bồi dưỡng chính trị"]
            return 0
    return None


def _transfer(seed, day) -> int | None:
    prefix = "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên"
    for _ in range(10):
        district = seed.rng.choice(seed.districts)
        centre = seed.district[district.pk].get(prefix)
        if centre and _active([centre], day):
            body = seed.bodies[(district.parent_id, "Sở Giáo dục và Đào tạo")]
            decision = seed.decide(K.TRANSFER, day, _authority(seed, body))
            seed.new_parents.append((decision, body))
            seed.close(decision, centre)
            copy = seed.create(decision, centre, centre.name, parent=body, level=body.level)
            copy.code = centre.code  # the copy takes the code over
            seed.district[district.pk][prefix] = copy
            return 0
    return None


def _authority(seed: NationalSeed, unit: Unit) -> str:
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
    after = Area.objects.valid_on(REFORM)
    provinces = {a.pk: a for a in after.filter(level="province")}
    committees = {}
    for province in sorted(provinces.values(), key=lambda a: a.code):
        if province.valid_from is None:  # did not merge: its bodies continue
            committees[province.pk] = seed.bodies[(province.pk, "ubnd")]
            continue
        name = inline(province.name)
        committee = _new_body(seed, f"Ủy ban nhân dân {name}", province, None, "Quốc hội")
        committees[province.pk] = committee
        for department in DEPARTMENTS:
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
    decision = seed.decide(K.ESTABLISH, REFORM, authority)
    level = ManagementLevel.PROVINCE if area.level == "province" else ManagementLevel.COMMUNE
    unit = seed.unit(name=name, kind=A, level=level, area=area, parent=parent, established=REFORM)
    seed.touch(decision, unit, created=True)
    return unit
