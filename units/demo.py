"""Demo data (DESIGN §7): official areas from units/data/areas and realistic units
for Hải Phòng (quận Ngô Quyền), Hà Nội (Thanh Xuân, Hai Bà Trưng), TP Hồ Chí Minh
and Kon Tum. Idempotent: rows are found by their natural keys before creating."""

import csv
import datetime as dt
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from .choices import AreaLevel, ManagementLevel, Role, Sector, UnitKind
from .models import Area, AreaLineage, Unit, User

DATA = Path(__file__).parent / "data" / "areas"
MERGER_EFFECTIVE = dt.date(2025, 7, 1)
MERGER_DECISION = "Nghị quyết 202/2025/QH15"
WARD_MERGER_EFFECTIVE = dt.date(2025, 1, 1)
DISTRICT_END = dt.date(2025, 6, 30)
WARDS_2025_DECISION = "1656/NQ-UBTVQH15"
DEMO_PASSWORD = "demo12345"

S, A = UnitKind.SERVICE, UnitKind.AGENCY
EDU, VOC, HEALTH, CULT, INFO, ECON = (
    Sector.EDUCATION,
    Sector.VOCATIONAL,
    Sector.HEALTH,
    Sector.CULTURE,
    Sector.INFORMATION,
    Sector.ECONOMIC,
)

NGO_QUYEN_WARDS = [
    "Máy Chai",
    "Máy Tơ",
    "Vạn Mỹ",
    "Cầu Tre",
    "Lạc Viên",
    "Cầu Đất",
    "Gia Viên",
    "Đông Khê",
    "Lê Lợi",
    "Đằng Giang",
    "Lạch Tray",
    "Đổng Quốc Bình",
]
NGO_QUYEN_PRIMARY = [w for w in NGO_QUYEN_WARDS if w != "Đổng Quốc Bình"]
NGO_QUYEN_LOWER_SECONDARY = [
    "Máy Chai",
    "Máy Tơ",
    "Vạn Mỹ",
    "Cầu Tre",
    "Lạc Viên",
    "Lê Lợi",
    "Đông Khê",
    "Đằng Giang",
    "Lạch Tray",
]
NGO_QUYEN_OTHERS = [
    # (name, sector, autonomy group, established)
    ("Trung tâm Y tế quận Ngô Quyền", HEALTH, 3, dt.date(2008, 7, 1)),
    (
        "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên quận Ngô Quyền",
        VOC,
        3,
        dt.date(2017, 6, 1),
    ),
    ("Trung tâm Văn hóa - Thể thao quận Ngô Quyền", CULT, 3, dt.date(2006, 3, 15)),
    ("Thư viện quận Ngô Quyền", CULT, 4, dt.date(1998, 9, 1)),
    ("Nhà Thiếu nhi quận Ngô Quyền", CULT, 4, dt.date(2001, 5, 19)),
    ("Đài Truyền thanh quận Ngô Quyền", INFO, 4, dt.date(1996, 1, 1)),
    ("Ban Quản lý dự án đầu tư xây dựng quận Ngô Quyền", ECON, 2, dt.date(2016, 11, 1)),
    ("Trung tâm Phát triển quỹ đất quận Ngô Quyền", ECON, 2, dt.date(2010, 4, 1)),
    ("Ban Quản lý chợ quận Ngô Quyền", ECON, 3, dt.date(2005, 8, 1)),
    ("Trung tâm Bồi dưỡng chính trị quận Ngô Quyền", EDU, 4, dt.date(2008, 2, 1)),
]

# Other places: (code, name, kind, level, sector, autonomy, parent code, area key, established)
# fmt: off
OTHER_UNITS = [
    ("01000000", "Bộ Nội vụ", A, "central", "", None, None, "p01", "1945-08-28"),
    ("01000001", "Ủy ban nhân dân thành phố Hà Nội", A, "province", "", None, None, "p01", "1945-10-01"),
    ("01000002", "Sở Nội vụ thành phố Hà Nội", A, "province", "", None, "01000001", "p01", "1995-01-01"),
    ("01000003", "Sở Giáo dục và Đào tạo thành phố Hà Nội", A, "province", "", None, "01000001", "p01", "1995-01-01"),
    ("01000004", "Sở Y tế thành phố Hà Nội", A, "province", "", None, "01000001", "p01", "1995-01-01"),
    ("01009000", "Ủy ban nhân dân quận Thanh Xuân", A, "district", "", None, "01000001", "d009", "1996-12-22"),
    ("01009001", "Trung tâm Y tế quận Thanh Xuân", S, "district", HEALTH, 3, "01009000", "d009", "2007-01-01"),
    ("01009002", "Ban Quản lý dự án đầu tư xây dựng quận Thanh Xuân", S, "district", ECON, 2, "01009000", "d009", "2012-03-01"),
    ("01009003", "Trung tâm Văn hóa - Thông tin và Thể thao quận Thanh Xuân", S, "district", CULT, 3, "01009000", "d009", "2009-06-01"),
    ("01009004", "Trường Mầm non Hoa Sữa", S, "district", EDU, 4, "01009000", "w00343", "2003-09-05"),
    ("01009005", "Trường Tiểu học Kim Giang", S, "district", EDU, 4, "01009000", "w00373", "1996-09-05"),
    ("01009006", "Trường THCS Khương Đình", S, "district", EDU, 4, "01009000", "w00364", "1998-09-05"),
    ("01007000", "Ủy ban nhân dân quận Hai Bà Trưng", A, "district", "", None, "01000001", "d007", "1961-05-31"),
    ("01007001", "Trung tâm Y tế quận Hai Bà Trưng", S, "district", HEALTH, 3, "01007000", "d007", "2007-01-01"),
    ("01007002", "Trường Mầm non Đống Mác", S, "district", EDU, 4, "01007000", "d007", "1985-09-05"),
    ("01007003", "Trường THCS Ngô Gia Tự", S, "district", EDU, 4, "01007000", "d007", "1965-09-05"),
    ("01007004", "Ban Quản lý dự án đầu tư xây dựng quận Hai Bà Trưng", S, "district", ECON, 2, "01007000", "d007", "2011-08-01"),
    ("31000001", "Ủy ban nhân dân thành phố Hải Phòng", A, "province", "", None, None, "p31", "1955-05-13"),
    ("31000002", "Sở Nội vụ thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000003", "Bệnh viện Hữu nghị Việt Tiệp", S, "province", HEALTH, 2, "31000001", "d305", "1960-01-01"),
    ("79000001", "Ủy ban nhân dân Thành phố Hồ Chí Minh", A, "province", "", None, None, "p79", "1975-05-01"),
    ("79000002", "Sở Nội vụ Thành phố Hồ Chí Minh", A, "province", "", None, "79000001", "p79", "1995-01-01"),
    ("79000003", "Sở Tài chính Thành phố Hồ Chí Minh", A, "province", "", None, "79000001", "p79", "1976-01-01"),
    ("79000004", "Sở Thông tin và Truyền thông Thành phố Hồ Chí Minh", A, "province", "", None, "79000001", "p79", "2008-04-01"),
    ("79000005", "Trung tâm Lưu trữ lịch sử Thành phố Hồ Chí Minh", S, "province", ECON, 4, "79000002", "p79", "2014-10-01"),
    ("79000006", "Trung tâm Tin học và Thông tin tài chính", S, "province", INFO, 3, "79000003", "p79", "2006-05-01"),
    ("79000007", "Trung tâm Báo chí Thành phố Hồ Chí Minh", S, "province", INFO, 3, "79000004", "p79", "2009-01-01"),
    ("79000008", "Trung tâm Chuyển đổi số Thành phố Hồ Chí Minh", S, "province", INFO, 3, "79000004", "p79", "2021-12-01"),
    ("62000001", "Ủy ban nhân dân tỉnh Kon Tum", A, "province", "", None, None, "p62", "1991-08-12"),
    ("62000002", "Sở Nội vụ tỉnh Kon Tum", A, "province", "", None, "62000001", "p62", "1991-10-01"),
    ("62000003", "Bệnh viện Đa khoa tỉnh Kon Tum", S, "province", HEALTH, 3, "62000001", "d608", "1991-10-01"),
    ("62000004", "Trường Cao đẳng Kon Tum", S, "province", VOC, 3, "62000001", "d608", "2019-07-01"),
    ("62000005", "Trung tâm Lưu trữ lịch sử tỉnh Kon Tum", S, "province", ECON, 4, "62000002", "d608", "2015-03-01"),
]
# fmt: on

DEMO_USERS = [
    # username, full name, role, scope area key
    ("lanhdao", "Nguyễn Văn Lãnh", Role.OFFICIAL, None),
    ("chuyenvien", "Trần Thị Chuyên", Role.CLERK, "d304"),
    ("giamsat", "Lê Minh Giám", Role.SUPERVISOR, "p31"),
    ("admin", "Quản trị hệ thống", Role.ADMIN, None),
]


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _area(*, code, name, level, parent=None, valid_from=None, valid_to=None) -> Area:
    area, _ = Area.objects.get_or_create(
        level=level,
        code=code,
        valid_from=valid_from,
        defaults={"name": name, "parent": parent, "valid_to": valid_to},
    )
    return area


def load_areas() -> dict[str, Area]:
    """Provinces before and after the 2025 merger (with lineage), sample districts
    and wards. Returns the areas by key: p<code> (pre-merger province),
    n<code> (province from 1/7/2025), d<code>, w<code>."""
    keys: dict[str, Area] = {}
    mapping = {row["old_code"]: row for row in _rows("provinces_2025_merger.csv")}
    merged_into: dict[str, list[str]] = {}
    for row in mapping.values():
        merged_into.setdefault(row["new_code"], []).append(row["old_code"])
    for row in _rows("provinces_pre2025.csv"):
        code = row["code"]
        target = mapping[code]
        unchanged = len(merged_into[target["new_code"]]) == 1 and target["new_code"] == code
        keys[f"p{code}"] = _area(
            code=code,
            name=row["name"],
            level=AreaLevel.PROVINCE,
            valid_to=None if unchanged else DISTRICT_END,
        )
        if unchanged:
            keys[f"n{code}"] = keys[f"p{code}"]
    for new_code, old_codes in merged_into.items():
        if f"n{new_code}" in keys:
            continue
        name = mapping[old_codes[0]]["new_name"]
        successor = _area(
            code=new_code, name=name, level=AreaLevel.PROVINCE, valid_from=MERGER_EFFECTIVE
        )
        keys[f"n{new_code}"] = successor
        for old in old_codes:
            AreaLineage.objects.get_or_create(
                predecessor=keys[f"p{old}"],
                successor=successor,
                defaults={"effective_on": MERGER_EFFECTIVE, "decision": MERGER_DECISION},
            )
    for row in _rows("districts_sample.csv"):
        keys[f"d{row['district_code']}"] = _area(
            code=row["district_code"],
            name=row["district_name"],
            level=AreaLevel.DISTRICT,
            parent=keys[f"p{row['province_code']}"],
            valid_to=DISTRICT_END,
        )
    _load_wards(keys)
    _load_wards_after_july_2025(keys)
    return keys


def _load_wards_after_july_2025(keys: dict[str, Area]) -> None:
    """The wards of former Thanh Xuân from 1/7/2025 (NQ 1656/NQ-UBTVQH15), directly
    under the province, with a lineage link from every ward that gave them area."""
    for row in _rows("wards_2025_07_sample.csv"):
        ward = _area(
            code=row["ward_code"],
            name=row["ward_name"],
            level=AreaLevel.COMMUNE,
            parent=keys[f"n{row['province_code']}"],
            valid_from=MERGER_EFFECTIVE,
        )
        keys[f"w{row['ward_code']}@2025-07"] = ward
        for old in row["predecessors"].split():
            AreaLineage.objects.get_or_create(
                predecessor=keys.get(f"w{old}@2025") or keys[f"w{old}"],
                successor=ward,
                defaults={"effective_on": MERGER_EFFECTIVE, "decision": WARDS_2025_DECISION},
            )


def _load_wards(keys: dict[str, Area]) -> None:
    before = {r["ward_code"]: r for r in _rows("wards_sample.csv")}
    after = {r["ward_code"]: r for r in _rows("wards_sample_2025.csv")}
    for code, row in before.items():
        kept = code in after and after[code]["ward_name"] == row["ward_name"]
        keys[f"w{code}"] = _area(
            code=code,
            name=row["ward_name"],
            level=AreaLevel.COMMUNE,
            parent=keys[f"d{row['district_code']}"],
            valid_to=DISTRICT_END if kept else dt.date(2024, 12, 31),
        )
    by_name = {r["ward_name"]: code for code, r in before.items()}
    for code, row in after.items():
        if code in before and before[code]["ward_name"] == row["ward_name"]:
            continue
        successor = _area(
            code=code,
            name=row["ward_name"],
            level=AreaLevel.COMMUNE,
            parent=keys[f"d{row['district_code']}"],
            valid_from=WARD_MERGER_EFFECTIVE,
            valid_to=DISTRICT_END,
        )
        keys[f"w{code}@2025"] = successor
        # Only the links the codes prove: the ward whose code was kept and the
        # ward whose name was kept. Other absorbed wards need the resolution text.
        for old_code in {code, by_name.get(row["ward_name"])} - {None}:
            AreaLineage.objects.get_or_create(
                predecessor=keys[f"w{old_code}"],
                successor=successor,
                defaults={
                    "effective_on": WARD_MERGER_EFFECTIVE,
                    "decision": "Nghị quyết 1232/NQ-UBTVQH15"
                    if row["district_code"] == "304"
                    else "Nghị quyết 1286/NQ-UBTVQH15",
                },
            )


def _unit(code: str, **fields) -> Unit:
    unit = Unit.objects.filter(code=code).first()
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
        for k, area in keys.items()
        if k.startswith("w") and "@" not in k and area.parent_id == district.pk
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
            parent=Unit.objects.get(code=parent) if parent else None,
            area=keys[area],
            established_on=dt.date.fromisoformat(established),
        )
    # Thanh Xuân's 11 ward People's Committees (agencies at commune level).
    district_ubnd = Unit.objects.get(code="01009000")
    for key, area in sorted(keys.items()):
        if key.startswith("w") and "@" not in key and area.parent_id == keys["d009"].pk:
            _unit(
                f"01{area.code}",
                name="Ủy ban nhân dân phường " + area.name.removeprefix("Phường "),
                kind=A,
                level=ManagementLevel.COMMUNE,
                parent=district_ubnd,
                area=area,
                established_on=dt.date(1996, 12, 22),
            )

    # The People's Committees of the wards formed on 1/7/2025 (no code given yet).
    city = Unit.objects.get(code="01000001")
    for key, area in sorted(keys.items()):
        if key.endswith("@2025-07") and not Unit.objects.filter(area=area).exists():
            unit = Unit(
                name="Ủy ban nhân dân " + area.name.replace("Phường", "phường", 1),
                kind=A,
                level=ManagementLevel.COMMUNE,
                parent=city,
                area=area,
                established_on=MERGER_EFFECTIVE,
            )
            unit.full_clean()
            unit.save()


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
        user.groups.add(Group.objects.get(name=role))
        created.append((username, str(role.label)))
    return created


def _decision(number, decided, effective, authority="UBND quận Ngô Quyền", note=""):
    from .restructurings import Decision

    return Decision(
        number=number,
        decided_on=dt.date.fromisoformat(decided),
        effective_on=dt.date.fromisoformat(effective),
        authority=authority,
        note=note,
    )


def load_restructurings() -> None:
    """Quận Ngô Quyền 2018–2023 (42 → 36 service units) and a few decisions elsewhere,
    applied through the same service clerks use. Skips decisions already recorded."""
    from .models import Restructuring
    from .restructurings import NewUnit, restructuring_apply

    actor = User.objects.get(username="admin")
    u = lambda name: Unit.objects.get(name=name, closed_on__isnull=True).pk  # noqa: E731
    plans = [
        (
            "consolidate",
            _decision(
                "1520/QĐ-UBND",
                "2019-07-15",
                "2019-08-01",
                note="Hợp nhất hai trường mầm non phường Lạc Viên và Gia Viên",
            ),
            lambda: {
                "source_ids": [u("Trường Mầm non Lạc Viên"), u("Trường Mầm non Gia Viên")],
                "new_units": [NewUnit(name="Trường Mầm non Lạc Viên - Gia Viên", code="31304043")],
            },
        ),
        (
            "consolidate",
            _decision("1105/QĐ-UBND", "2020-06-20", "2020-08-01"),
            lambda: {
                "source_ids": [u("Trường Tiểu học Lê Lợi"), u("Trường THCS Lê Lợi")],
                "new_units": [NewUnit(name="Trường Tiểu học và THCS Lê Lợi", code="31304044")],
            },
        ),
        (
            "consolidate",
            _decision("1106/QĐ-UBND", "2020-06-20", "2020-08-01"),
            lambda: {
                "source_ids": [u("Trường Mầm non Lê Lợi"), u("Trường Mầm non Máy Tơ")],
                "new_units": [NewUnit(name="Trường Mầm non Máy Tơ - Lê Lợi", code="31304045")],
            },
        ),
        (
            "merge",
            _decision(
                "2468/QĐ-UBND",
                "2021-09-10",
                "2021-10-01",
                note="Sáp nhập Thư viện và Đài Truyền thanh vào Trung tâm Văn hóa - Thể thao",
            ),
            lambda: {
                "source_ids": [u("Thư viện quận Ngô Quyền"), u("Đài Truyền thanh quận Ngô Quyền")],
                "target_id": u("Trung tâm Văn hóa - Thể thao quận Ngô Quyền"),
            },
        ),
        (
            "rename",
            _decision("2469/QĐ-UBND", "2021-09-10", "2021-10-02"),
            lambda: {
                "source_ids": [u("Trung tâm Văn hóa - Thể thao quận Ngô Quyền")],
                "rename": {"name": "Trung tâm Văn hóa, Thông tin và Thể thao quận Ngô Quyền"},
            },
        ),
        (
            "dissolve",
            _decision(
                "3012/QĐ-UBND",
                "2023-10-25",
                "2023-11-01",
                note="Giải thể, giao nhiệm vụ quản lý chợ cho UBND các phường",
            ),
            lambda: {"source_ids": [u("Ban Quản lý chợ quận Ngô Quyền")]},
        ),
        (
            "split",
            _decision("4410/QĐ-UBND", "2022-03-01", "2022-04-01", "UBND quận Thanh Xuân"),
            lambda: {
                "source_ids": [u("Trung tâm Văn hóa - Thông tin và Thể thao quận Thanh Xuân")],
                "new_units": [
                    NewUnit(name="Trung tâm Văn hóa - Thông tin quận Thanh Xuân"),
                    NewUnit(name="Trung tâm Thể dục thể thao quận Thanh Xuân"),
                ],
            },
        ),
        (
            "spin_off",
            _decision("812/QĐ-UBND", "2023-03-01", "2023-04-01", "UBND TP Hồ Chí Minh"),
            lambda: {
                "source_ids": [u("Trung tâm Báo chí Thành phố Hồ Chí Minh")],
                "new_units": [NewUnit(name="Trung tâm Dữ liệu báo chí Thành phố Hồ Chí Minh")],
            },
        ),
        (
            "equitize",
            _decision("5120/QĐ-UBND", "2022-11-15", "2023-01-01", "UBND TP Hồ Chí Minh"),
            lambda: {"source_ids": [u("Trung tâm Tin học và Thông tin tài chính")]},
        ),
    ]
    for kind, decision, arguments in plans:
        if not Restructuring.objects.filter(decision_number=decision.number).exists():
            restructuring_apply(actor=actor, kind=kind, decision=decision, **arguments())


@transaction.atomic
def load_demo(*, with_units: bool = True) -> list[tuple[str, str]]:
    """Load everything; returns (username, role) of the demo users."""
    keys = load_areas()
    if not with_units:
        return []
    load_ngo_quyen(keys)
    load_other_units(keys)
    users = load_users(keys)
    load_restructurings()
    load_2025_transfers(keys)
    return users


def load_2025_transfers(keys: dict[str, Area]) -> None:
    """Quận Thanh Xuân on 1/7/2025: its units go to the new wards, the city's
    departments and the city, by the same rules as `manage.py apply_area_changes`."""
    from .area_changes import apply_area_changes, plan_area_changes
    from .models import Restructuring

    if Restructuring.objects.filter(decision_number=WARDS_2025_DECISION).exists():
        return
    decision = _decision(
        WARDS_2025_DECISION,
        "2025-06-16",
        MERGER_EFFECTIVE.isoformat(),
        authority="Ủy ban Thường vụ Quốc hội",
        note="Sắp xếp đơn vị hành chính cấp xã của thành phố Hà Nội; kết thúc hoạt động "
        "cấp huyện từ 01/07/2025 (Luật Tổ chức chính quyền địa phương số 72/2025/QH15).",
    )
    plan = plan_area_changes(area=keys["d009"], day=MERGER_EFFECTIVE)
    apply_area_changes(plan=plan, decision=decision, actor=User.objects.get(username="admin"))
