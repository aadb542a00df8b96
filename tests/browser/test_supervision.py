"""The supervision journey in Chromium: a supervisor records a session and files
its report with a recommendation already past due; the daily job rings the
addressed clerk's bell; the clerk answers and asks for a new date with a
reason; the supervisor accepts it and judges the answer; the public sees it."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from supervision.models import Recommendation, Session
from supervision.services.notifications import reminders_send
from tests.browser.conftest import BROWSER, log_in
from units.models import AuditEntry, Unit

pytestmark = BROWSER

D = "%d/%m/%Y"


def _log_out(page):
    page.locator("form[action$='/accounts/logout/'] button").click()


def test_a_report_with_an_overdue_recommendation_from_filing_to_the_public_page(page, shot):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    ubnd = Unit.objects.get(code="31304000")

    # The supervisor records the session from its decision and picks the unit.
    log_in(page, "giamsat")
    page.goto("/supervision/")
    page.locator("a[href='/supervision/new/']").first.click()
    page.select_option("#id_body", label="Đoàn đại biểu Quốc hội thành phố Hải Phòng")
    page.fill("#id_decision_number", "77/KH-ĐĐBQH")
    page.fill("#id_decision_date", (today - dt.timedelta(days=40)).strftime(D))
    page.fill("#id_topic", "Việc tinh giản biên chế giai đoạn 2021–2025")
    page.fill("#id_period_from", "2021")
    page.fill("#id_period_to", "2025")
    page.fill(".unitpicker input[type=search]", "uy ban nhan dan quan ngo quyen")
    option = page.locator(f".unitoptions input[value='{ubnd.pk}']")
    option.check()
    shot(page, "session-form")
    page.locator("form.card button.primary").click()
    expect(page).to_have_url(re.compile(r"/supervision/\d+/$"))
    session = Session.objects.get(decision_number="77/KH-ĐĐBQH")
    assert list(session.supervised_units.all()) == [ubnd]

    # A working session, then the states up to the report.
    page.select_option("#id_unit", str(ubnd.pk))
    page.fill("#id_date", (today - dt.timedelta(days=20)).strftime(D))
    page.fill("#id_place", "Trụ sở UBND quận")
    page.locator("form[action$='/working/'] button").click()
    page.locator("button[name=to][value=notified]").click()
    page.locator("button[name=to][value=in_progress]").click()
    expect(page.locator("h1 .badge")).to_have_class(re.compile("status-in_progress"))
    shot(page, "session-in-progress")

    page.locator(f"a[href='/supervision/{session.pk}/report/']").click()
    page.fill("#id_report_number", "80/BC-ĐĐBQH")
    page.fill("#id_report_date", (today - dt.timedelta(days=15)).strftime(D))
    page.fill("#id_report_place", "Hải Phòng")
    page.fill("#id_findings-0-text", "Đã giảm 06 đầu mối đơn vị sự nghiệp công lập.")
    page.select_option("#id_recommendations-0-unit", str(ubnd.pk))
    page.fill("#id_recommendations-0-text", "Gửi báo cáo giải trình bổ sung về tinh giản biên chế.")
    # First without a due date: refused in words, nothing saved.
    page.locator("button.primary[type=submit]").click()
    expect(page.locator("#id_recommendations-0-due + .error")).to_be_visible()
    assert not session.findings.exists()
    shot(page, "report-refused")
    page.fill("#id_recommendations-0-due", yesterday.strftime(D))
    page.locator("button.primary[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/supervision/{session.pk}/$"))
    page.locator("button[name=to][value=report_filed]").click()
    page.locator("button[name=publish][value='1']").click()
    shot(page, "report-filed")
    rec = Recommendation.objects.get(session=session)
    assert rec.current_due == yesterday and rec.is_overdue(today)

    # The daily job runs (beat); the clerk of Hải Phòng sees the bell.
    reminders_send()
    _log_out(page)
    log_in(page, "chuyenvien")
    bell = page.locator("a.bell .count")
    expect(bell).to_have_text("1")
    page.locator("a.bell").click()
    expect(page.locator("ul.notices li.unread .badge.overdue")).to_be_visible()
    shot(page, "clerk-bell")
    page.locator("ul.notices li.unread a").click()
    expect(page.locator("h1 .badge.overdue")).to_be_visible()
    page.fill("#act-respond #id_text", "Đã gửi báo cáo giải trình bổ sung kèm số liệu.")
    page.locator("#act-respond button.primary").click()
    expect(page.locator("h1 .badge.rec-responded")).to_be_visible()
    page.fill("#act-propose #id_new_due", (today + dt.timedelta(days=30)).strftime(D))
    page.locator("#act-propose button.primary").click()  # no reason yet
    expect(page.locator("#act-propose .error")).to_be_visible()
    page.fill("#act-propose #id_reason", "Chờ số liệu sắp xếp đơn vị hành chính cấp xã.")
    page.locator("#act-propose button.primary").click()
    expect(page.locator("ol.timeline")).to_contain_text("Chờ số liệu")
    shot(page, "clerk-answered")

    # The supervisor accepts the new date and judges the answer.
    _log_out(page)
    log_in(page, "giamsat")
    page.goto(f"/recommendations/{rec.pk}/")
    page.locator("button[name=accept][value='1']").click()
    page.locator("#act-assess input[value=implemented]").check()
    page.locator("#act-assess button.primary").click()
    expect(page.locator("h1 .badge.rec-implemented")).to_be_visible()
    shot(page, "supervisor-accepted")
    rec.refresh_from_db()
    assert (rec.original_due, rec.current_due) == (yesterday, today + dt.timedelta(days=30))
    assert rec.status == "implemented"
    assert (
        AuditEntry.objects.filter(
            object_id=str(rec.pk), action__startswith="recommendation."
        ).count()
        == 4
    )

    # Anyone reads the state on the public page.
    _log_out(page)
    page.goto("/public/")
    page.locator(f"a[href='/public/{session.pk}/']").click()
    row = page.locator("tr", has_text="Gửi báo cáo giải trình bổ sung về tinh giản")
    expect(row.locator(".badge.rec-implemented")).to_be_visible()
    expect(row).to_contain_text((today + dt.timedelta(days=30)).strftime(D))
    shot(page, "public")
    page.goto(f"/supervision/{session.pk}/report/print/")
    expect(page.locator(".officialdoc")).to_contain_text("Độc lập - Tự do - Hạnh phúc")
    shot(page, "print")
    page.goto(f"/public/{session.pk}/")
    page.locator(".langswitch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "public-en")
