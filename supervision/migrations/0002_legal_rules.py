"""The step deadlines of the supervision laws (DESIGN §3): data with a period of
validity. Luật 87/2015/QH13 applied from 01/07/2016 until 28/02/2026; Luật
121/2025/QH15 applies from 01/03/2026, with details in Standing Committee
resolutions. Administrators correct or add rules in the admin."""

import datetime as dt

from django.db import migrations

LAW_2015 = ("87/2015/QH13", "Luật Hoạt động giám sát của Quốc hội và Hội đồng nhân dân 2015")
LAW_2025 = ("121/2025/QH15", "Luật Hoạt động giám sát của Quốc hội và Hội đồng nhân dân 2025")
PERIOD_2015 = (dt.date(2016, 7, 1), dt.date(2026, 2, 28))
PERIOD_2025 = (dt.date(2026, 3, 1), None)
CARRIED = (
    "Số ngày giữ như Luật 2015 cho đến khi nghị quyết hướng dẫn của Ủy ban Thường vụ "
    "Quốc hội quy định khác; quản trị viên cập nhật tại trang quản trị."
)
# step, body kind ("" = any), days, note
RULES = [
    ("plan_sent", "na_delegation", 20, "Gửi kế hoạch, đề cương báo cáo chậm nhất 20 ngày."),
    ("plan_sent", "", 15, "Gửi kế hoạch, đề cương báo cáo chậm nhất 15 ngày (HĐND)."),
    ("session_notice", "", 10, "Thông báo lịch làm việc chậm nhất 10 ngày trước."),
    ("report_due", "na_delegation", 15, "Báo cáo kết quả giám sát."),
    ("report_due", "", 10, "Báo cáo kết quả giám sát."),
    ("response_due", "", 15, "Trả lời kiến nghị giám sát trong 15 ngày."),
]


def seed(apps, schema_editor):
    LegalRule = apps.get_model("supervision", "LegalRule")
    for (law, title), (start, end), carried in (
        (LAW_2015, PERIOD_2015, ""),
        (LAW_2025, PERIOD_2025, CARRIED),
    ):
        for step, body_kind, days, note in RULES:
            LegalRule.objects.create(
                law=law,
                law_title=title,
                valid_from=start,
                valid_to=end,
                step=step,
                body_kind=body_kind,
                days=days,
                note=" ".join(filter(None, [note, carried])),
            )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "LegalRule").objects.filter(
        law__in=[LAW_2015[0], LAW_2025[0]]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
