"""Staffing in the demo, saved through the staffing service like a clerk's grid:
quận Thanh Xuân's 11 ward People's Committees in 2022 ("tổng biên chế giao 11
phường là 165 người; hiện có 152 người, thiếu 13 người"); quận Ngô Quyền's
public service units 2018–2023, their quotas cut year by year and the library
and radio station's staff joining the culture centre after their merger in
2021; three departments of TP Hồ Chí Minh in 2024 that "chưa tuyển đủ số lượng
biên chế được giao". The Ngô Quyền and TP HCM numbers are illustrative."""

import datetime as dt

from ..choices import StaffingCategory
from ..models import Unit, User
from ..services.staffing import StaffingRow, staffing_save

THANH_XUAN_DECISION = "5821/QĐ-UBND"  # the district's 2022 allocation (illustrative)
# Ward, civil servants assigned, actual on 31/12/2022: 165 assigned, 152 actual.
THANH_XUAN_WARDS_2022 = [
    ("Hạ Đình", 15, 14),
    ("Khương Đình", 15, 13),
    ("Khương Mai", 15, 15),
    ("Khương Trung", 15, 14),
    ("Kim Giang", 15, 14),
    ("Nhân Chính", 15, 13),
    ("Phương Liệt", 15, 15),
    ("Thanh Xuân Bắc", 15, 14),
    ("Thanh Xuân Nam", 15, 13),
    ("Thanh Xuân Trung", 15, 14),
    ("Thượng Đình", 15, 13),
]


def load_staffing(admin: User) -> None:
    load_thanh_xuan(admin)
    load_ngo_quyen(admin)
    load_hcm_departments(admin)


def load_thanh_xuan(admin: User) -> None:
    district = Unit.objects.get(name="Ủy ban nhân dân quận Thanh Xuân")
    wards = {
        unit.name: unit
        for unit in Unit.objects.filter(parent=district, name__startswith="Ủy ban nhân dân phường")
    }
    rows = [
        StaffingRow(
            wards[f"Ủy ban nhân dân phường {ward}"].pk,
            StaffingCategory.CIVIL_SERVANT,
            assigned=assigned,
            actual=actual,
            decision_number=THANH_XUAN_DECISION,
            actual_on=dt.date(2022, 12, 31),
        )
        for ward, assigned, actual in THANH_XUAN_WARDS_2022
    ]
    staffing_save(actor=admin, year=2022, rows=rows, about=district)


# Ngô Quyền's service units by code: budget-paid quota in 2018, people paid
# from their own revenue, contract staff (Nghị định 111/2022).
NGO_QUYEN_2018 = {
    "31304033": (215, 60, 25),  # Trung tâm Y tế
    "31304034": (38, 6, 3),  # Trung tâm GDNN - GDTX
    "31304035": (22, 2, 2),  # Trung tâm Văn hóa, Thông tin và Thể thao
    "31304036": (8, 0, 1),  # Thư viện (merged into the centre, 1/10/2021)
    "31304037": (14, 3, 1),  # Nhà Thiếu nhi
    "31304038": (9, 0, 1),  # Đài Truyền thanh (merged into the centre, 1/10/2021)
    "31304039": (0, 25, 4),  # Ban Quản lý dự án: pays its own staff
    "31304040": (12, 4, 2),  # Trung tâm Phát triển quỹ đất
    "31304041": (6, 2, 2),  # Ban Quản lý chợ (dissolved 1/11/2023)
    "31304042": (7, 0, 1),  # Trung tâm Bồi dưỡng chính trị
}
CULTURE_CENTRE, MERGED_2021 = "31304035", ("31304036", "31304038")
NGO_QUYEN_YEARS = range(2018, 2024)
# TP HCM departments in 2024: civil servants assigned and actually recruited.
HCM_2024 = [
    ("Sở Nội vụ Thành phố Hồ Chí Minh", 145, 128),
    ("Sở Tài chính Thành phố Hồ Chí Minh", 180, 161),
    ("Sở Thông tin và Truyền thông Thành phố Hồ Chí Minh", 78, 66),
]


def load_ngo_quyen(admin: User) -> None:
    """Quotas cut by 2% a year (rounded), one or two posts left vacant, and the
    people who left under streamlining in the years the quota fell."""
    district = Unit.objects.filter(code="31304000").earliest("established_on")
    units = {u.code: u for u in Unit.objects.filter(code__in=NGO_QUYEN_2018, parent=district)}
    for year in NGO_QUYEN_YEARS:
        rows = []
        for code, (budget, own, contract) in NGO_QUYEN_2018.items():
            unit = units[code]
            if unit.established_on.year > year or (unit.closed_on and unit.closed_on.year < year):
                continue
            if code == CULTURE_CENTRE and year > 2021:
                budget += sum(NGO_QUYEN_2018[m][0] for m in MERGED_2021)
            assigned = round(budget * 0.98 ** (year - 2018))
            before = round(budget * 0.98 ** (year - 2019)) if year > 2018 else assigned
            left = max(before - assigned, 0) if code != CULTURE_CENTRE or year != 2022 else 1
            vacant = (int(code) + year) % 3 if assigned else 0
            rows += [
                StaffingRow(
                    unit.pk,
                    StaffingCategory.BUDGET_EMPLOYEE,
                    assigned=assigned,
                    actual=assigned - vacant,
                    streamlined=left,
                    decision_number=f"{120 + year - 2018}/QĐ-UBND",
                    actual_on=dt.date(year, 12, 31),
                ),
                StaffingRow(unit.pk, StaffingCategory.OWN_REVENUE_EMPLOYEE, actual=own),
                StaffingRow(unit.pk, StaffingCategory.CONTRACT, actual=contract),
            ]
        staffing_save(actor=admin, year=year, rows=rows, about=district)


def load_hcm_departments(admin: User) -> None:
    city = Unit.objects.filter(code="79000001").earliest("established_on")
    departments = Unit.objects.active_on(dt.date(2024, 12, 31))
    active = {u.name: u for u in departments.filter(name__in=[n for n, _a, _b in HCM_2024])}
    rows = [
        StaffingRow(
            active[name].pk,
            StaffingCategory.CIVIL_SERVANT,
            assigned=assigned,
            actual=actual,
            decision_number="1850/QĐ-UBND",
            actual_on=dt.date(2024, 12, 31),
        )
        for name, assigned, actual in HCM_2024
    ]
    staffing_save(actor=admin, year=2024, rows=rows, about=city)
