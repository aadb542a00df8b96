"""Staffing in the demo: quận Thanh Xuân's 11 ward People's Committees in 2022
("tổng biên chế giao 11 phường là 165 người; hiện có 152 người, thiếu 13 người"),
saved through the staffing service like a clerk's grid."""

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
