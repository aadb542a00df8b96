"""The facts of the demo (DESIGN §7): quận Ngô Quyền's 42 service units of
01/01/2018, the units of Hà Nội, Hải Phòng, TP Hồ Chí Minh and Kon Tum, the demo
users. The loaders are in demo/load.py."""

import datetime as dt

from ..choices import Role, Sector, UnitKind

MERGER_EFFECTIVE = dt.date(2025, 7, 1)
MERGER_DECISION = "Nghị quyết 202/2025/QH15"
WARD_MERGER_EFFECTIVE = dt.date(2025, 1, 1)
WARDS_2025_DECISION = "1656/NQ-UBTVQH15"
DEMO_PASSWORD = "demo12345"

S, A = UnitKind.SERVICE, UnitKind.AGENCY
EDU, VOC, HEALTH, CULT, INFO, SCI, ECON = (
    Sector.EDUCATION,
    Sector.VOCATIONAL,
    Sector.HEALTH,
    Sector.CULTURE,
    Sector.INFORMATION,
    Sector.SCIENCE,
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
    ("01007002", "Trường Mầm non Đống Mác", S, "district", EDU, 4, "01007000", "w00259", "1985-09-05"),
    ("01007003", "Trường THCS Ngô Gia Tự", S, "district", EDU, 4, "01007000", "w00292", "1965-09-05"),
    ("01007004", "Ban Quản lý dự án đầu tư xây dựng quận Hai Bà Trưng", S, "district", ECON, 2, "01007000", "d007", "2011-08-01"),
    ("31000001", "Ủy ban nhân dân thành phố Hải Phòng", A, "province", "", None, None, "p31", "1955-05-13"),
    ("31000002", "Sở Nội vụ thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000003", "Bệnh viện Hữu nghị Việt Tiệp", S, "province", HEALTH, 2, "31000001", "d305", "1960-01-01"),
    ("31000004", "Sở Lao động - Thương binh và Xã hội thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000005", "Sở Tài chính thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000006", "Sở Kế hoạch và Đầu tư thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000007", "Sở Khoa học và Công nghệ thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000008", "Sở Thông tin và Truyền thông thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "2008-04-01"),
    ("31000009", "Sở Xây dựng thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000010", "Sở Giao thông vận tải thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000011", "Sở Tài nguyên và Môi trường thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "2003-01-01"),
    ("31000012", "Sở Nông nghiệp và Phát triển nông thôn thành phố Hải Phòng", A, "province", "", None, "31000001", "p31", "1995-01-01"),
    ("31000021", "Trung tâm Lưu trữ lịch sử thành phố Hải Phòng", S, "province", ECON, 4, "31000002", "p31", "2014-06-01"),
    ("31000022", "Trung tâm Dịch vụ việc làm Hải Phòng", S, "province", ECON, 3, "31000004", "p31", "1998-03-01"),
    ("31000023", "Trung tâm Bảo trợ xã hội Hải Phòng", S, "province", ECON, 4, "31000004", "p31", "2003-07-01"),
    ("31000024", "Trung tâm Điều dưỡng người có công Hải Phòng", S, "province", HEALTH, 4, "31000004", "p31", "1996-01-01"),
    ("31000025", "Trung tâm Xúc tiến đầu tư, Thương mại và Du lịch Hải Phòng", S, "province", ECON, 3, "31000006", "p31", "2009-10-01"),
    ("31000026", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Hải Phòng", S, "province", SCI, 2, "31000007", "p31", "1998-01-01"),
    ("31000027", "Trung tâm Thông tin và Truyền thông Hải Phòng", S, "province", INFO, 3, "31000008", "p31", "2010-05-01"),
    ("31000028", "Trung tâm Kiểm định xây dựng Hải Phòng", S, "province", ECON, 2, "31000009", "p31", "2001-04-01"),
    ("31000029", "Trung tâm Đăng kiểm xe cơ giới Hải Phòng", S, "province", ECON, 2, "31000010", "p31", "1997-09-01"),
    ("31000030", "Ban Quản lý bảo trì hạ tầng giao thông Hải Phòng", S, "province", ECON, 3, "31000010", "p31", "2012-02-01"),
    ("31000031", "Trung tâm Quan trắc môi trường Hải Phòng", S, "province", ECON, 3, "31000011", "p31", "2006-08-01"),
    ("31000032", "Văn phòng Đăng ký đất đai Hải Phòng", S, "province", ECON, 2, "31000011", "p31", "2015-01-01"),
    ("31000033", "Trung tâm Khuyến nông Hải Phòng", S, "province", ECON, 4, "31000012", "p31", "1993-05-01"),
    ("79000001", "Ủy ban nhân dân Thành phố Hồ Chí Minh", A, "province", "", None, None, "p79", "1975-05-01"),
    ("79000002", "Sở Nội vụ Thành phố Hồ Chí Minh", A, "province", "", None, "79000001", "p79", "1995-01-01"),
    ("79000003", "Sở Tài chính Thành phố Hồ Chí Minh", A, "province", "", None, "79000001", "p79", "1976-01-01"),
    ("79000004", "Sở Thông tin và Truyền thông Thành phố Hồ Chí Minh", A, "province", "", None, "79000001", "p79", "2008-04-01"),
    ("79000005", "Trung tâm Lưu trữ lịch sử Thành phố Hồ Chí Minh", S, "province", ECON, 4, "79000002", "p79", "2014-10-01"),
    ("79000006", "Trung tâm Tin học và Thông tin tài chính", S, "province", INFO, 3, "79000003", "p79", "2006-05-01"),
    ("79000007", "Trung tâm Báo chí Thành phố Hồ Chí Minh", S, "province", INFO, 3, "79000004", "p79", "2009-01-01"),
    ("62000001", "Ủy ban nhân dân tỉnh Kon Tum", A, "province", "", None, None, "p62", "1991-08-12"),
    ("62000002", "Sở Nội vụ tỉnh Kon Tum", A, "province", "", None, "62000001", "p62", "1991-10-01"),
    ("62000003", "Bệnh viện Đa khoa tỉnh Kon Tum", S, "province", HEALTH, 3, "62000001", "d608", "1991-10-01"),
    ("62000004", "Trường Cao đẳng Kon Tum", S, "province", VOC, 3, "62000001", "d608", "2019-07-01"),
    ("62000005", "Trung tâm Lưu trữ lịch sử tỉnh Kon Tum", S, "province", ECON, 4, "62000002", "d608", "2015-03-01"),
]
# fmt: on

DEMO_USERS = [
    # username, full name, role, scope area key. Hải Phòng is the city as it is
    # since 1/7/2025; its scope takes in the areas it came from (quận Ngô Quyền…).
    ("lanhdao", "Nguyễn Văn Lãnh", Role.OFFICIAL, None),
    ("chuyenvien", "Trần Thị Chuyên", Role.CLERK, "n31"),
    ("giamsat", "Lê Minh Giám", Role.SUPERVISOR, "n31"),
    ("admin", "Quản trị hệ thống", Role.ADMIN, None),
]

# The bodies the merged provinces have from 1/7/2025 (Nghị quyết 202/2025/QH15):
# the bodies of the provinces they came from merge into these.
NEW_PROVINCE_BODIES = [
    # new province code, names
    (
        "31",
        [
            "Ủy ban nhân dân thành phố Hải Phòng",
            "Sở Giáo dục và Đào tạo thành phố Hải Phòng",
            "Sở Y tế thành phố Hải Phòng",
        ],
    ),
    ("79", ["Ủy ban nhân dân Thành phố Hồ Chí Minh"]),
    ("51", ["Ủy ban nhân dân tỉnh Quảng Ngãi"]),
]

# Hải Phòng's departments reorganised under Nghị định 45/2025/NĐ-CP from
# 1/3/2025, each with the units it managed (`agencies_merge`): (decision
# number, the departments that end, the one they merge into, or the name and
# code of the department they are consolidated into).
DEPARTMENTS_MERGED_ON = "2025-03-01"
DEPARTMENT_MERGERS = [
    ("606/QĐ-UBND", ["31000004"], "31000002", None),
    ("607/QĐ-UBND", ["31000006"], "31000005", None),
    ("608/QĐ-UBND", ["31000008"], "31000007", None),
    ("609/QĐ-UBND", ["31000010"], "31000009", None),
    (
        "610/QĐ-UBND",
        ["31000011", "31000012"],
        None,
        ("Sở Nông nghiệp và Môi trường thành phố Hải Phòng", "31000013"),
    ),
]

# Decisions recorded through the restructuring service, oldest effect first.
DEMO_DECISIONS = [
    {
        "kind": "consolidate",
        "number": "1520/QĐ-UBND",
        "decided": "2019-07-15",
        "effective": "2019-08-01",
        "note": "Hợp nhất hai trường mầm non phường Lạc Viên và Gia Viên",
        "sources": ["Trường Mầm non Lạc Viên", "Trường Mầm non Gia Viên"],
        "new_units": [("Trường Mầm non Lạc Viên - Gia Viên", "31304043")],
    },
    {
        "kind": "consolidate",
        "number": "1105/QĐ-UBND",
        "decided": "2020-06-20",
        "effective": "2020-08-01",
        "sources": ["Trường Tiểu học Lê Lợi", "Trường THCS Lê Lợi"],
        "new_units": [("Trường Tiểu học và THCS Lê Lợi", "31304044")],
    },
    {
        "kind": "consolidate",
        "number": "1106/QĐ-UBND",
        "decided": "2020-06-20",
        "effective": "2020-08-01",
        "sources": ["Trường Mầm non Lê Lợi", "Trường Mầm non Máy Tơ"],
        "new_units": [("Trường Mầm non Máy Tơ - Lê Lợi", "31304045")],
    },
    {
        "kind": "merge",
        "number": "2468/QĐ-UBND",
        "decided": "2021-09-10",
        "effective": "2021-10-01",
        "note": "Sáp nhập Thư viện và Đài Truyền thanh vào Trung tâm Văn hóa - Thể thao",
        "sources": ["Thư viện quận Ngô Quyền", "Đài Truyền thanh quận Ngô Quyền"],
        "target": "Trung tâm Văn hóa - Thể thao quận Ngô Quyền",
    },
    {
        "kind": "rename",
        "number": "2469/QĐ-UBND",
        "decided": "2021-09-10",
        "effective": "2021-10-02",
        "sources": ["Trung tâm Văn hóa - Thể thao quận Ngô Quyền"],
        "rename": "Trung tâm Văn hóa, Thông tin và Thể thao quận Ngô Quyền",
    },
    {
        "kind": "dissolve",
        "number": "3012/QĐ-UBND",
        "decided": "2023-10-25",
        "effective": "2023-11-01",
        "note": "Giải thể, giao nhiệm vụ quản lý chợ cho UBND các phường",
        "sources": ["Ban Quản lý chợ quận Ngô Quyền"],
    },
    {
        "kind": "split",
        "number": "4410/QĐ-UBND",
        "decided": "2022-03-01",
        "effective": "2022-04-01",
        "authority": "UBND quận Thanh Xuân",
        "sources": ["Trung tâm Văn hóa - Thông tin và Thể thao quận Thanh Xuân"],
        "new_units": [
            ("Trung tâm Văn hóa - Thông tin quận Thanh Xuân", ""),
            ("Trung tâm Thể dục thể thao quận Thanh Xuân", ""),
        ],
    },
    {
        "kind": "establish",
        "number": "4512/QĐ-UBND",
        "decided": "2021-11-15",
        "effective": "2021-12-01",
        "authority": "UBND TP Hồ Chí Minh",
        "new_units": [("Trung tâm Chuyển đổi số Thành phố Hồ Chí Minh", "79000008")],
        "establish": {"parent": "79000004", "area": "p79", "sector": INFO, "group": 3},
    },
    {
        "kind": "spin_off",
        "number": "812/QĐ-UBND",
        "decided": "2023-03-01",
        "effective": "2023-04-01",
        "authority": "UBND TP Hồ Chí Minh",
        "sources": ["Trung tâm Báo chí Thành phố Hồ Chí Minh"],
        "new_units": [("Trung tâm Dữ liệu báo chí Thành phố Hồ Chí Minh", "")],
    },
    {
        "kind": "equitize",
        "number": "1874/QĐ-UBND",
        "decided": "2018-06-20",
        "effective": "2018-07-01",
        "authority": "UBND thành phố Hải Phòng",
        "note": "Cổ phần hóa Trung tâm Đăng kiểm xe cơ giới",
        "sources": ["Trung tâm Đăng kiểm xe cơ giới Hải Phòng"],
    },
    {
        "kind": "merge",
        "number": "2950/QĐ-UBND",
        "decided": "2020-11-10",
        "effective": "2020-12-01",
        "authority": "UBND thành phố Hải Phòng",
        "note": "Sáp nhập Trung tâm Điều dưỡng người có công vào Trung tâm Bảo trợ xã hội",
        "sources": ["Trung tâm Điều dưỡng người có công Hải Phòng"],
        "target": "Trung tâm Bảo trợ xã hội Hải Phòng",
    },
    {
        "kind": "equitize",
        "number": "5120/QĐ-UBND",
        "decided": "2022-11-15",
        "effective": "2023-01-01",
        "authority": "UBND TP Hồ Chí Minh",
        "sources": ["Trung tâm Tin học và Thông tin tài chính"],
    },
]
