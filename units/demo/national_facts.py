"""What a national dataset is made of: the bodies of each level, the public
service units each level typically runs, and the published national totals the
generated history must end near (DESIGN §7, Ministry of Home Affairs)."""

import datetime as dt

from ..choices import Sector

EDU, VOC, HEALTH, CULT, INFO, SCI, ECON = (
    Sector.EDUCATION,
    Sector.VOCATIONAL,
    Sector.HEALTH,
    Sector.CULTURE,
    Sector.INFORMATION,
    Sector.SCIENCE,
    Sector.ECONOMIC,
)

# Published totals of public service units (end of year) and the yearly path the
# generator follows between them (net change per year; 2016–2021 sum to −7,449,
# 2022–2023 to −846).
UNITS_END_2015 = 55_891
YEARLY_NET = {
    2016: -950,
    2017: -1_150,
    2018: -1_350,
    2019: -1_500,
    2020: -1_350,
    2021: -1_149,
    2022: -500,
    2023: -346,
    2024: -260,
    2025: -120,  # before 1/7/2025
}
REFORM = dt.date(2025, 7, 1)

# Departments of every province (Sở), and offices of every district (Phòng).
DEPARTMENTS = [
    "Sở Nội vụ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Thông tin và Truyền thông",
    "Sở Khoa học và Công nghệ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Tài nguyên và Môi trường",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Công thương",
    "Sở Tư pháp",
]
# Nghị định 45/2025/NĐ-CP: from 1/3/2025 every province's departments merged
# (the first into the second, with the units it managed; a pair into a new
# department where a name is given).
DEPARTMENTS_MERGED_ON = dt.date(2025, 3, 1)
DEPARTMENT_MERGERS = [
    (["Sở Lao động - Thương binh và Xã hội"], "Sở Nội vụ"),
    (["Sở Kế hoạch và Đầu tư"], "Sở Tài chính"),
    (["Sở Thông tin và Truyền thông"], "Sở Khoa học và Công nghệ"),
    (["Sở Giao thông vận tải"], "Sở Xây dựng"),
    (
        ["Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn"],
        "Sở Nông nghiệp và Môi trường",
    ),
]
MERGED_AWAY = {name for sources, _into in DEPARTMENT_MERGERS for name in sources}
# The departments of the provinces formed on 1/7/2025.
DEPARTMENTS_2025 = [
    *(d for d in DEPARTMENTS if d not in MERGED_AWAY),
    "Sở Nông nghiệp và Môi trường",
]
OFFICES = [
    "Phòng Giáo dục và Đào tạo",
    "Phòng Văn hóa và Thông tin",
    "Phòng Nội vụ",
    "Phòng Tài chính - Kế hoạch",
]
# (name prefix, sector, autonomy group, managing department) of provincial units;
# the department is None for units of the People's Committee itself.
PROVINCE_UNITS = [
    ("Bệnh viện Đa khoa", HEALTH, 2, "Sở Y tế"),
    ("Bệnh viện Y học cổ truyền", HEALTH, 3, "Sở Y tế"),
    ("Bệnh viện Sản - Nhi", HEALTH, 3, "Sở Y tế"),
    ("Trung tâm Kiểm soát bệnh tật", HEALTH, 4, "Sở Y tế"),
    ("Trường Cao đẳng Y tế", VOC, 3, "Sở Y tế"),
    ("Trường Cao đẳng nghề", VOC, 3, "Sở Lao động - Thương binh và Xã hội"),
    ("Trung tâm Dịch vụ việc làm", ECON, 3, "Sở Lao động - Thương binh và Xã hội"),
    ("Thư viện", CULT, 4, "Sở Văn hóa, Thể thao và Du lịch"),
    ("Bảo tàng", CULT, 4, "Sở Văn hóa, Thể thao và Du lịch"),
    ("Trung tâm Văn hóa - Nghệ thuật", CULT, 3, "Sở Văn hóa, Thể thao và Du lịch"),
    ("Trung tâm Công nghệ thông tin và Truyền thông", INFO, 3, "Sở Thông tin và Truyền thông"),
    ("Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", SCI, 3, "Sở Khoa học và Công nghệ"),
    ("Trung tâm Kỹ thuật tiêu chuẩn đo lường chất lượng", SCI, 2, "Sở Khoa học và Công nghệ"),
    ("Trung tâm Xúc tiến đầu tư", ECON, 4, "Sở Kế hoạch và Đầu tư"),
    ("Trung tâm Khuyến nông", ECON, 4, "Sở Nông nghiệp và Phát triển nông thôn"),
    (
        "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn",
        ECON,
        2,
        "Sở Nông nghiệp và Phát triển nông thôn",
    ),
    ("Trung tâm Lưu trữ lịch sử", ECON, 4, "Sở Nội vụ"),
    ("Đài Phát thanh và Truyền hình", INFO, 3, None),
    ("Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp", ECON, 2, None),
]
# Units of every district, managed by its People's Committee (the offices hold
# the schools).
DISTRICT_UNITS = [
    ("Trung tâm Y tế", HEALTH, 3),
    ("Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên", VOC, 3),
    ("Trung tâm Văn hóa, Thông tin và Thể thao", CULT, 3),
    ("Đài Truyền thanh", INFO, 4),
    ("Ban Quản lý dự án đầu tư xây dựng", ECON, 2),
    ("Trung tâm Phát triển quỹ đất", ECON, 2),
    ("Ban Quản lý chợ", ECON, 3),
    ("Trung tâm Bồi dưỡng chính trị", EDU, 4),
]
# Schools of every commune, managed by the district's education office.
COMMUNE_SCHOOLS = ["Trường Mầm non", "Trường Tiểu học", "Trường Trung học cơ sở"]
SHARE_WITH_HIGH_SCHOOL = 0.24  # communes with a "Trường THPT" (about 2,400)
