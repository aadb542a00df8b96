"""The supervision journey in Chromium: a supervisor records a session (the
type-ahead offers only units of their scope) and files its report with a
recommendation already past due (one due before the report is refused; the
missed report deadline is flagged until the report is filed); the addressed
clerk's bell rings without any daily job; the clerk answers and asks for a new
date with a reason, which rings the supervisor's bell; the supervisor accepts
it and judges the answer; the report prints its conclusions under a title
that says "giám sát" once; the clerk's activity log says the session was
published; the public sees it."""

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from supervision.models import Recommendation, Session
from supervision.services.notifications import unread_count
from tests.browser.accessibility import PHONE
from tests.browser.conftest import BROWSER, log_in
from units.models import AuditEntry, Unit, User

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
    page.fill("#id_topic", "Giám sát việc tinh giản biên chế giai đoạn 2021–2025")
    page.fill("#id_period_from", "2021")
    page.fill("#id_period_to", "2025")
    # Hà Nội's district lies outside the supervisor's scope (Hải Phòng).
    page.fill(".unitpicker input[type=search]", "uy ban nhan dan quan thanh xuan")
    expect(page.locator(".unitoptions p.muted")).to_be_visible()
    expect(page.locator(".unitoptions input")).to_have_count(0)
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
    # Worked 20 days ago, no report filed: the result report's deadline passed.
    expect(page.locator(".badge.missed")).to_have_count(1)
    shot(page, "session-in-progress")

    page.locator(f"a[href='/supervision/{session.pk}/report/']").click()
    page.fill("#id_report_number", "80/BC-ĐĐBQH")
    page.fill("#id_report_date", (today - dt.timedelta(days=15)).strftime(D))
    page.fill("#id_report_place", "Hải Phòng")
    page.fill("#id_conclusions", "Đoàn kết luận: quận đã giảm 06 đầu mối.")
    page.fill("#id_findings-0-text", "Đã giảm 06 đầu mối đơn vị sự nghiệp công lập.")
    page.select_option("#id_recommendations-0-unit", str(ubnd.pk))
    page.fill("#id_recommendations-0-text", "Gửi báo cáo giải trình bổ sung về tinh giản biên chế.")
    # First without a due date: refused in words, nothing saved.
    page.locator("button.primary[type=submit]").click()
    expect(page.locator("#id_recommendations-0-due + .error")).to_be_visible()
    assert not session.findings.exists()
    shot(page, "report-refused")
    # Then due before the report itself: refused in words too.
    page.fill("#id_recommendations-0-due", (today - dt.timedelta(days=16)).strftime(D))
    page.locator("button.primary[type=submit]").click()
    expect(page.locator("#id_recommendations-0-due + .error")).to_be_visible()
    assert not session.findings.exists()
    page.fill("#id_recommendations-0-due", yesterday.strftime(D))
    page.locator("button.primary[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/supervision/{session.pk}/$"))
    expect(page.locator("section.card")).to_contain_text(["Đoàn kết luận"])
    page.locator("button[name=to][value=report_filed]").click()
    expect(page.locator(".badge.missed")).to_have_count(0)
    page.locator("button[name=publish][value='1']").click()
    shot(page, "report-filed")
    rec = Recommendation.objects.get(session=session)
    assert rec.current_due == yesterday and rec.is_overdue(today)

    # No daily job has run: the clerk of Hải Phòng's bell counts the overdue
    # recommendations of the scope all the same, this one among them.
    _log_out(page)
    log_in(page, "chuyenvien")
    clerk = User.objects.get(username="chuyenvien")
    bell = page.locator("a.bell .count")
    expect(bell).to_have_text(str(unread_count(clerk)))
    assert unread_count(clerk) >= 1
    page.locator("a.bell").click()
    notice = page.locator(f"ul.notices li.unread:has(a[href='/recommendations/{rec.pk}/'])")
    expect(notice.locator(".badge.overdue")).to_be_visible()
    shot(page, "clerk-bell")
    notice.locator("a").click()
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

    # The supervisor's bell tells of the answer; they accept the new date and
    # judge the answer.
    _log_out(page)
    log_in(page, "giamsat")
    page.locator("a.bell").click()
    answered = page.locator(f"ul.notices li.unread:has(a[href='/recommendations/{rec.pk}/'])")
    expect(answered.locator(".badge.rec-responded")).to_be_visible()
    shot(page, "supervisor-told")
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

    # The clerk's activity log says the session was published.
    _log_out(page)
    log_in(page, "chuyenvien")
    page.goto("/activity/")
    with override("vi"):
        published = gettext("Supervision session published")
    expect(page.locator("tr", has_text=session.decision_number).first).to_be_visible()
    expect(page.locator("table.data")).to_contain_text(published)
    shot(page, "clerk-activity")

    # Anyone reads the state on the public page.
    _log_out(page)
    page.goto("/public/")
    page.locator(f"a[href='/public/{session.pk}/']").click()
    row = page.locator("tr", has_text="Gửi báo cáo giải trình bổ sung về tinh giản")
    expect(row.locator(".badge.rec-implemented")).to_be_visible()
    expect(row).to_contain_text((today + dt.timedelta(days=30)).strftime(D))
    shot(page, "public")
    page.goto(f"/supervision/{session.pk}/report/print/")
    doc = page.locator(".officialdoc")
    expect(doc).to_contain_text("Độc lập - Tự do - Hạnh phúc")
    expect(doc).to_contain_text("Kết quả giám sát việc tinh giản biên chế")
    expect(doc).to_contain_text("KẾT LUẬN")
    expect(doc).to_contain_text("Đoàn kết luận: quận đã giảm 06 đầu mối.")
    expect(doc).not_to_contain_text("giám sát giám sát")
    expect(doc).not_to_contain_text("Nguyên nhân:")
    shot(page, "print")
    page.goto(f"/public/{session.pk}/")
    page.locator(".langswitch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "public-en")


def test_the_public_page_shows_every_column_on_a_phone(browser, live_server, live_demo, shot):
    """On a 390 px phone the public tables scrolled inside their frame and the
    recommendations' status sat out of sight: each row is now a card."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        page = context.new_page()
        published = Session.objects.filter(published_at__isnull=False).order_by("pk").first()
        for path in ("/public/", f"/public/{published.pk}/"):
            page.goto(path)
            cells = page.locator("table.data.stack tbody td")
            assert cells.count() > 0, path
            for index in range(cells.count()):
                box = cells.nth(index).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 391, (path, index, box)
            shot(page, "public" + path.replace("/", "-"))
    finally:
        context.close()
