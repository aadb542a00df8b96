"""Loading the demo: official areas from units/data/areas, the units and users
of demo/data.py, and decisions applied through the same services clerks use.
Idempotent: rows are found by their natural keys before creating."""

import datetime as dt

from django.contrib.auth.models import Group
from django.db import transaction

from ..choices import AreaLevel, ManagementLevel, Role
from ..models import Area, Restructuring, Unit, User
from ..services.agency_mergers import agencies_merge
from ..services.area_changes import Lookups, apply_area_changes, plan_area_changes
from ..services.area_registry import area_registry_load
from ..services.figures import area_chain
from ..services.restructuring_rules import Decision, NewUnit
from ..services.restructurings import restructuring_apply
from .data import (
    DEMO_DECISIONS,
    DEMO_PASSWORD,
    DEMO_USERS,
    DEPARTMENT_MERGERS,
    DEPARTMENTS_MERGED_ON,
    EDU,
    MERGER_DECISION,
    MERGER_EFFECTIVE,
    NEW_PROVINCE_BODIES,
    NGO_QUYEN_LOWER_SECONDARY,
    NGO_QUYEN_OTHERS,
    NGO_QUYEN_PRIMARY,
    NGO_QUYEN_WARDS,
    OTHER_UNITS,
    WARD_MERGER_EFFECTIVE,
    WARDS_2025_DECISION,
    A,
    S,
)
from .staffing import load_staffing


class AreaKeys:
    """The demo's areas by key, read from the registry: p<code> a province before
    1/7/2025, n<code> one from then (the same record when it did not merge),
    d<code> a district, w<code> a commune before 2025 (w<code>@2025 one that began
    on 1/1/2025, w<code>@2025-07 one from 1/7/2025)."""

    LEVELS = {"p": AreaLevel.PROVINCE, "n": AreaLevel.PROVINCE, "d": AreaLevel.DISTRICT}

    def __init__(self):
        self.found: dict[str, Area] = {}

    def __getitem__(self, key: str) -> Area:
        if key not in self.found:
            code, _at, start = key[1:].partition("@")
            level = self.LEVELS.get(key[0], AreaLevel.COMMUNE)
            day = {"2025": WARD_MERGER_EFFECTIVE, "2025-07": MERGER_EFFECTIVE}.get(start)
            if key[0] == "n":
                self.found[key] = Area.objects.valid_on(MERGER_EFFECTIVE).get(
                    level=level, code=code
                )
            else:
                self.found[key] = Area.objects.get(level=level, code=code, valid_from=day)
        return self.found[key]


def _original(code: str) -> Unit | None:
    """The unit first recorded with a code (a transfer's copy takes the code over)."""
    return Unit.objects.filter(code=code).order_by("established_on", "id").first()


def _unit(code: str, **fields) -> Unit:
    unit = _original(code)
    if unit is None:
        unit = Unit(code=code, **fields)
        unit.full_clean()
        unit.save()
    return unit


def load_ngo_quyen(keys: dict[str, Area]) -> list[Unit]:
    """Quận Ngô Quyền: its People's Committee, the education office and the 42
    service units it managed on 01/01/2018."""
    district = keys["d304"]
    ward_area = {
        area.name.removeprefix("Phường "): area
        for area in Area.objects.filter(parent=district, valid_from=None)
    }
    ubnd = _unit(
        "31304000",
        name="Ủy ban nhân dân quận Ngô Quyền",
        kind=A,
        level="district",
        parent=_unit(
            "31000001",
            name="Ủy ban nhân dân thành phố Hải Phòng",
            kind=A,
            level="province",
            area=keys["p31"],
            established_on=dt.date(1955, 5, 13),
        ),
        area=district,
        established_on=dt.date(1961, 1, 1),
    )
    education_office = _unit(
        "31304900",
        name="Phòng Giáo dục và Đào tạo quận Ngô Quyền",
        kind=A,
        level="district",
        parent=ubnd,
        area=district,
        established_on=dt.date(1976, 1, 1),
    )
    specs = []
    for i, ward in enumerate(NGO_QUYEN_WARDS):
        specs.append(
            (
                f"Trường Mầm non {ward}",
                EDU,
                3 if i % 3 == 0 else 4,
                dt.date(1978 + i, 9, 5),
                ward,
                education_office,
            )
        )
    for i, ward in enumerate(NGO_QUYEN_PRIMARY):
        specs.append(
            (f"Trường Tiểu học {ward}", EDU, 4, dt.date(1965 + i, 9, 5), ward, education_office)
        )
    for i, ward in enumerate(NGO_QUYEN_LOWER_SECONDARY):
        specs.append(
            (f"Trường THCS {ward}", EDU, 4, dt.date(1970 + i, 9, 5), ward, education_office)
        )
    specs += [
        (name, sector, group, est, None, ubnd) for name, sector, group, est in NGO_QUYEN_OTHERS
    ]
    units = []
    for seq, (name, sector, group, established, ward, parent) in enumerate(specs, start=1):
        units.append(
            _unit(
                f"31304{seq:03d}",
                name=name,
                kind=S,
                level=ManagementLevel.DISTRICT,
                sector=sector,
                autonomy_group=group,
                parent=parent,
                area=ward_area[ward] if ward else district,
                established_on=established,
            )
        )
    return units


def load_other_units(keys: dict[str, Area]) -> None:
    for code, name, kind, level, sector, group, parent, area, established in OTHER_UNITS:
        _unit(
            code,
            name=name,
            kind=kind,
            level=level,
            sector=sector,
            autonomy_group=group,
            parent=_original(parent) if parent else None,
            area=keys[area],
            established_on=dt.date.fromisoformat(established),
        )
    # Thanh Xuân's 11 ward People's Committees (agencies at commune level).
    district_ubnd = _original("01009000")
    for area in Area.objects.filter(parent=keys["d009"], valid_from=None).order_by("code"):
        _unit(
            f"01{area.code}",
            name="Ủy ban nhân dân phường " + area.name.removeprefix("Phường "),
            kind=A,
            level=ManagementLevel.COMMUNE,
            parent=district_ubnd,
            area=area,
            established_on=dt.date(1996, 12, 22),
        )


def load_users(keys: dict[str, Area]) -> list[tuple[str, str]]:
    created = []
    for username, full_name, role, scope in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, full_name=full_name, scope_area=keys[scope] if scope else None
            )
            user.set_password(DEMO_PASSWORD)
            if role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
            user.save()
        # The roles come from a migration (with their permissions); a database
        # emptied since still gets the groups, which is what the pages check.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        created.append((username, str(role.label)))
    return created


def _decision(number, decided, effective, authority="UBND quận Ngô Quyền", note=""):
    return Decision(
        number=number,
        decided_on=dt.date.fromisoformat(decided),
        effective_on=dt.date.fromisoformat(effective),
        authority=authority,
        note=note,
    )


def load_restructurings(keys: AreaKeys) -> None:
    """Quận Ngô Quyền 2018–2023 (42 → 36 service units) and a few decisions elsewhere,
    applied through the same service clerks use. Skips decisions already recorded."""
    actor = User.objects.get(username="admin")

    def active(name: str) -> int:
        return Unit.objects.get(name=name, closed_on__isnull=True).pk

    for spec in DEMO_DECISIONS:
        if Restructuring.objects.filter(decision_number=spec["number"]).exists():
            continue
        arguments = {"source_ids": [active(name) for name in spec.get("sources", [])]}
        if "target" in spec:
            arguments["target_id"] = active(spec["target"])
        if "new_units" in spec:
            place = spec.get("establish")
            extra = {}
            if place:  # nothing to copy from: where and under whom
                parent = _original(place["parent"])
                extra = {
                    "kind": S,
                    "parent_id": parent.pk,
                    "area_id": keys[place["area"]].pk,
                    "level": parent.level,
                    "sector": place["sector"],
                    "autonomy_group": place["group"],
                }
            arguments["new_units"] = [
                NewUnit(name=n, code=c, **extra) for n, c in spec["new_units"]
            ]
        if "rename" in spec:
            arguments["rename"] = {"name": spec["rename"]}
        decision = _decision(
            spec["number"],
            spec["decided"],
            spec["effective"],
            spec.get("authority", "UBND quận Ngô Quyền"),
            spec.get("note", ""),
        )
        restructuring_apply(actor=actor, kind=spec["kind"], decision=decision, **arguments)


@transaction.atomic
def load_demo(*, with_units: bool = True) -> list[tuple[str, str]]:
    """Load everything; returns (username, role) of the demo users."""
    area_registry_load()
    if not with_units:
        return []
    keys = AreaKeys()
    load_ngo_quyen(keys)
    load_other_units(keys)
    users = load_users(keys)
    load_restructurings(keys)
    load_staffing(User.objects.get(username="admin"))
    load_department_mergers()
    load_2025_changes(keys)
    return users


def load_department_mergers() -> None:
    """Hải Phòng's departments of 1/3/2025 (Nghị định 45/2025/NĐ-CP): each
    merged or consolidated with the units it managed."""
    admin = User.objects.get(username="admin")
    for number, sources, target, new in DEPARTMENT_MERGERS:
        if Restructuring.objects.filter(decision_number=number).exists():
            continue
        bodies = [_original(code) for code in sources]
        names = ", ".join(body.name.removesuffix(" thành phố Hải Phòng") for body in bodies)
        decision = _decision(
            number,
            "2025-02-26",
            DEPARTMENTS_MERGED_ON,
            "UBND thành phố Hải Phòng",
            f"Sắp xếp {names} theo Nghị định 45/2025/NĐ-CP.",
        )
        agencies_merge(
            actor=admin,
            decision=decision,
            source_ids=[body.pk for body in bodies],
            target_id=_original(target).pk if target else None,
            new_body=NewUnit(name=new[0], code=new[1]) if new else None,
        )


def load_2025_changes(keys: AreaKeys) -> None:
    """1/7/2025 for every area the demo has units in: the bodies of the merged
    provinces and the People's Committees of the new wards are established, then
    the units are moved by the rules of `manage.py apply_area_changes` (the whole
    province where provinces merged, the district where one did not: Hà Nội)."""
    if Restructuring.objects.filter(effective_on=MERGER_EFFECTIVE).exists():
        return
    admin = User.objects.get(username="admin")
    day = MERGER_EFFECTIVE
    ended = Unit.objects.active_on(day).filter(area__valid_to__lt=day)
    places: dict[int, Area] = {}
    for unit in ended.select_related("area__parent__parent"):
        chain = area_chain(unit.area)
        top = chain[-1]
        if top.valid_to is not None and top.valid_to < day:
            places[top.pk] = top  # a province that merged
        else:
            district = next(a for a in chain if a.level == AreaLevel.DISTRICT)
            places[district.pk] = district
    provinces_merged = _decision(
        MERGER_DECISION,
        "2025-06-12",
        day.isoformat(),
        authority="Quốc hội",
        note="Sắp xếp đơn vị hành chính cấp tỉnh; kết thúc hoạt động cấp huyện "
        "(Luật Tổ chức chính quyền địa phương số 72/2025/QH15).",
    )
    hanoi_wards = _decision(
        WARDS_2025_DECISION,
        "2025-06-16",
        day.isoformat(),
        authority="Ủy ban Thường vụ Quốc hội",
        note="Sắp xếp đơn vị hành chính cấp xã của thành phố Hà Nội; kết thúc hoạt động "
        "cấp huyện từ 01/07/2025 (Luật Tổ chức chính quyền địa phương số 72/2025/QH15).",
    )
    # The new bodies are established by the same decisions that ended the old areas.
    provinces = _province_bodies(admin, keys, provinces_merged)
    _ward_committees(admin, ended, provinces, hanoi=hanoi_wards, others=provinces_merged)
    for area in sorted(places.values(), key=lambda a: (a.level, a.code)):
        plan = plan_area_changes(area=area, day=day, lookups=Lookups(day))
        decision = hanoi_wards if area.level == AreaLevel.DISTRICT else provinces_merged
        apply_area_changes(plan=plan, decision=decision, actor=admin)


def _province_bodies(admin: User, keys: AreaKeys, decision: Decision) -> dict[str, Unit]:
    """The People's Committee (and departments) of each merged province the demo
    touches, established on 1/7/2025; returns the committees by province code."""
    committees = {"01": _original("01000001")}
    for code, names in NEW_PROVINCE_BODIES:
        area = keys[f"n{code}"]
        committee = None
        for name in names:
            unit = _establish(admin, name, area, committee, ManagementLevel.PROVINCE, decision)
            committee = committee or unit
        committees[code] = committee
    return committees


def _ward_committees(
    admin: User, ended, provinces: dict[str, Unit], *, hanoi: Decision, others: Decision
) -> None:
    """The People's Committee of every new commune that continues a commune where
    a demo unit was on 30/06/2025."""
    lookups = Lookups(MERGER_EFFECTIVE)
    places = Area.objects.filter(pk__in=ended.values("area"), level=AreaLevel.COMMUNE)
    successors = {lookups.successor(area) for area in places} - {None}
    for area in sorted(successors, key=lambda a: a.code):
        province = lookups.areas[area.parent_id]
        name = "Ủy ban nhân dân " + area.name[0].lower() + area.name[1:]
        decision = hanoi if province.code == "01" else others
        committee = provinces[province.code]
        _establish(admin, name, area, committee, ManagementLevel.COMMUNE, decision)


def _establish(admin, name, area, parent, level, decision: Decision) -> Unit:
    existing = Unit.objects.filter(name=name, area=area).first()
    if existing is not None:
        return existing
    restructuring = restructuring_apply(
        actor=admin,
        kind="establish",
        decision=decision,
        new_units=[
            NewUnit(
                name=name,
                kind=A,
                area_id=area.pk,
                parent_id=parent.pk if parent else None,
                level=level,
            )
        ],
    )
    return restructuring.links.get().unit
