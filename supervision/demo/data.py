"""The supervision facts of the source articles (DESIGN §7). Dates, topics,
places and figures come from the articles; the numbers of the decisions and
reports that the articles do not give are marked "(minh họa)" in the notes:
they are there so that the documents look as filed."""

# fmt: off
BODIES = [
    # key, name, kind, level, area key, member usernames
    ("hp_na", "Đoàn đại biểu Quốc hội thành phố Hải Phòng", "na_delegation", "province", "p31", ["giamsat"]),
    ("hcm_council", "Hội đồng nhân dân Thành phố Hồ Chí Minh", "council", "province", "p79", []),
    ("tx_council", "Hội đồng nhân dân quận Thanh Xuân", "council", "district", "d009", []),
]

NGO_QUYEN = {
    "body": "hp_na",
    "decision_number": "05/KH-ĐĐBQH",
    "decision_date": "2024-02-02",
    "topic": "việc thực hiện chính sách, pháp luật về sắp xếp, tổ chức lại các đơn vị sự nghiệp công lập giai đoạn 2018–2023",
    "period": (2018, 2023),
    "units": ["31304000"],
    "working": [("31304000", "2024-02-29", "Trụ sở UBND quận Ngô Quyền")],
    "report": {
        "report_number": "12/BC-ĐĐBQH",
        "report_date": "2024-03-01",
        "report_place": "Hải Phòng",
        "general_info": "Thực hiện kế hoạch giám sát chuyên đề, ngày 29/02/2024 Đoàn đại biểu Quốc hội thành phố làm việc với UBND quận Ngô Quyền về việc sắp xếp, tổ chức lại các đơn vị sự nghiệp công lập giai đoạn 2018–2023.",
        "situation": "Đầu năm 2018 quận quản lý 42 đơn vị sự nghiệp công lập; cuối năm 2023 còn 36 đơn vị.",
        "conclusions": "",
    },
    "findings": [
        ("achievement", "Giai đoạn 2018–2023, quận đã giảm được 06 đầu mối đơn vị sự nghiệp công lập (14,28% theo số liệu của quận)."),
        ("achievement", "Đã hợp nhất các trường mầm non, tiểu học và trung học cơ sở cùng địa bàn; sáp nhập thư viện và đài truyền thanh vào trung tâm văn hóa."),
        ("shortcoming", "Việc sắp xếp còn tiếp tục khi sắp xếp lại đơn vị hành chính cấp xã; báo cáo của quận chưa đầy đủ số liệu theo đề cương."),
        ("cause", "Một số đơn vị đang chờ phương án sắp xếp đơn vị hành chính cấp xã giai đoạn 2023–2025."),
        ("responsibility", "UBND quận chịu trách nhiệm hoàn thiện số liệu và tiếp tục sắp xếp theo lộ trình."),
    ],
    "recommendations": [
        ("31304000", "Gửi báo cáo giải trình bổ sung về việc sắp xếp, tổ chức lại các đơn vị sự nghiệp công lập giai đoạn 2018–2023 theo đề cương của Đoàn.", "2024-03-04", True),
    ],
    "status": "follow_up",
}

HO_CHI_MINH = {
    "body": "hcm_council",
    "decision_number": "45/QĐ-HĐND",
    "decision_date": "2024-05-10",
    "topic": "việc thực hiện Chương trình cải cách hành chính giai đoạn 2022–2025",
    "period": (2022, 2024),
    "units": ["79000002", "79000003", "79000004"],
    "working": [
        ("79000002", "2024-06-11", "Sở Nội vụ Thành phố Hồ Chí Minh"),
        ("79000003", "2024-06-11", "Sở Tài chính Thành phố Hồ Chí Minh"),
        ("79000004", "2024-06-11", "Sở Thông tin và Truyền thông Thành phố Hồ Chí Minh"),
    ],
    "report": {
        "report_number": "210/BC-HĐND",
        "report_date": "2024-06-25",
        "report_place": "Thành phố Hồ Chí Minh",
        "general_info": "Ngày 11/06/2024, Đoàn giám sát của Thường trực HĐND Thành phố làm việc với Sở Nội vụ, Sở Tài chính và Sở Thông tin và Truyền thông về Chương trình cải cách hành chính giai đoạn 2022–2025.",
        "situation": "Các sở báo cáo thiếu nhân lực nhưng chưa tuyển dụng đủ số biên chế được giao.",
        "conclusions": "",
    },
    "findings": [
        ("achievement", "Các sở đã triển khai kế hoạch cải cách hành chính hằng năm theo chương trình của Thành phố."),
        ("shortcoming", "Các sở báo cáo thiếu nhân lực nhưng chưa tuyển dụng đủ số biên chế được giao."),
        ("cause", "Công tác tuyển dụng chưa kịp thời; chính sách thu hút nhân lực chưa đủ sức hấp dẫn."),
    ],
    "recommendations": [
        ("79000002", "Tuyển dụng đủ số biên chế được giao, đồng thời tiếp tục thực hiện tinh giản biên chế.", "2024-12-31", True),
        ("79000003", "Tuyển dụng đủ số biên chế được giao, đồng thời tiếp tục thực hiện tinh giản biên chế.", "2024-12-31", False),
        ("79000004", "Tuyển dụng đủ số biên chế được giao, đồng thời tiếp tục thực hiện tinh giản biên chế.", "2024-12-31", False),
    ],
    "status": "follow_up",
}

THANH_XUAN = {
    "body": "tx_council",
    "decision_number": "18/QĐ-HĐND",
    "decision_date": "2022-05-05",
    "topic": "việc thực hiện thí điểm mô hình chính quyền đô thị theo Nghị quyết 97/2019/QH14 tại quận và các phường",
    "period": (2021, 2022),
    "units": ["01009000", "wards"],
    "working": [("01009000", "2022-05-25", "Trụ sở UBND quận Thanh Xuân")],
    # The 11 wards between 26/05 and 03/06/2022, in code order.
    "ward_days": ["2022-05-26", "2022-05-27", "2022-05-30", "2022-05-31", "2022-06-01", "2022-06-02", "2022-06-03"],
    "report": {
        "report_number": "25/BC-HĐND",
        "report_date": "2022-06-15",
        "report_place": "Hà Nội",
        "general_info": "Từ ngày 25/05 đến ngày 03/06/2022, Đoàn giám sát của HĐND quận làm việc với UBND quận và 11 phường về việc thực hiện thí điểm mô hình chính quyền đô thị.",
        "situation": "Tổng biên chế công chức được giao của 11 phường là 165 người; hiện có 152 người, thiếu 13 người; bình quân khoảng 15 người/phường.",
        "conclusions": "",
    },
    "findings": [
        ("achievement", "Các phường vận hành mô hình chính quyền đô thị, không tổ chức HĐND phường theo Nghị quyết 97/2019/QH14."),
        ("shortcoming", "Các phường còn thiếu 13 công chức so với biên chế được giao (165 giao, 152 hiện có)."),
        ("responsibility", "UBND quận chịu trách nhiệm bố trí đủ công chức cho các phường."),
    ],
    "recommendations": [
        ("01009000", "Tuyển dụng, bố trí đủ 13 công chức còn thiếu cho các phường.", "2022-12-31", True),
    ],
    "status": "follow_up",
}

SESSIONS = [NGO_QUYEN, HO_CHI_MINH, THANH_XUAN]

PLANS = [
    {
        "number": "128-KH/TU",
        "date": "2024-02-05",
        "issuer": "Tỉnh ủy Kon Tum",
        "title": "Kế hoạch thực hiện Kết luận 62-KL/TW của Bộ Chính trị",
        "implements": "Kết luận 62-KL/TW (02/10/2023) về Nghị quyết 19-NQ/TW (25/10/2017)",
        "area": "p62",
        "tasks": [
            # title, responsible unit code, due, progress %, status, weight (illustrative)
            ("Nhóm 1: Tuyên truyền, quán triệt Kết luận 62-KL/TW", "62000002", "2024-06-30", 100, "done", 1),
            ("Nhóm 2: Rà soát, hoàn thiện cơ chế, chính sách", "62000001", "2024-12-31", 80, "in_progress", 1),
            ("Nhóm 3: Sắp xếp, tổ chức lại đơn vị sự nghiệp công lập", "62000002", "2025-06-30", 60, "in_progress", 3),
            ("Nhóm 4: Đổi mới cơ chế tài chính, tăng mức tự chủ", "62000001", "2025-12-31", 40, "in_progress", 2),
            ("Nhóm 5: Quản lý biên chế, tinh giản biên chế", "62000002", "2025-12-31", 50, "in_progress", 2),
            ("Nhóm 6: Đẩy mạnh xã hội hóa dịch vụ sự nghiệp công", "62000001", "2025-12-31", 30, "in_progress", 1),
            ("Nhóm 7: Chuyển đổi số trong quản lý đơn vị sự nghiệp", "62000001", "2025-12-31", 20, "in_progress", 1),
            ("Nhóm 8: Kiểm tra, giám sát, sơ kết, tổng kết", "62000002", "2025-12-31", 0, "not_started", 1),
        ],
    },
    {
        "number": "93-KH/QU",
        "date": "2018-03-20",
        "issuer": "Quận ủy Hai Bà Trưng",
        "title": "Kế hoạch thực hiện Nghị quyết 19-NQ/TW",
        "implements": "Nghị quyết 19-NQ/TW (25/10/2017)",
        "area": "d007",
        "tasks": [
            ("Sắp xếp các trường học, cơ sở y tế trên địa bàn", "01007000", "2021-12-31", 100, "done", 2),
            ("Tinh giản biên chế sự nghiệp hưởng lương từ ngân sách", "01007000", "2021-12-31", 90, "in_progress", 1),
        ],
    },
]
# fmt: on
