import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import queries_of
from tests.factories import AgencyFactory, ServiceUnitFactory
from units.models import AuditEntry

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "units:unit_list",
    "units:area_tree",
    "units:unit_export_csv",
    "units:unit_export_xlsx",
]


@pytest.mark.parametrize("name", READ_PAGES)
def test_anonymous_users_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_users_are_sent_to_login_from_detail_and_edit(client, unit):
    for url in [
        reverse("units:unit_detail", args=[unit.pk]),
        reverse("units:unit_edit", args=[unit.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_anonymous_users_see_the_landing_page_login_and_health(client, unit):
    assert client.get(reverse("landing")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("health")).status_code == 200


@pytest.mark.parametrize("role", ["official", "clerk", "supervisor", "admin_user"])
def test_every_role_reads_the_pages(request, client, unit, role):
    client.force_login(request.getfixturevalue(role))
    for name in ["units:unit_list", "units:area_tree"]:
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("units:unit_detail", args=[unit.pk])).status_code == 200


def test_the_interface_is_vietnamese_by_default(client, official, unit):
    client.force_login(official)
    page = client.get(reverse("units:unit_list")).content.decode()
    assert "Đơn vị sự nghiệp công lập" in page
    assert "Xuất Excel" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("units:unit_list")).content.decode()
    assert "Export Excel" in page


def test_dates_are_shown_day_month_year(client, official, unit):
    client.force_login(official)
    page = client.get(reverse("units:unit_detail", args=[unit.pk])).content.decode()
    assert "01/01/2000" in page


def test_clerk_in_scope_edits_a_unit(client, clerk, unit):
    client.force_login(clerk)
    url = reverse("units:unit_edit", args=[unit.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": unit.code, "sector": "education", "autonomy_group": "3"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.autonomy_group == 3
    assert AuditEntry.objects.get().request_id == response["X-Request-ID"]


@pytest.mark.parametrize("role", ["outsider_clerk", "official", "supervisor"])
def test_others_get_403_and_nothing_changes(request, client, unit, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("units:unit_edit", args=[unit.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"code": "HACK", "sector": "health", "autonomy_group": "1"})
    assert response.status_code == 403
    unit.refresh_from_db()
    assert (unit.code, unit.sector, unit.autonomy_group) != ("HACK", "health", 1)
    assert AuditEntry.objects.count() == 0


def test_bad_input_gets_a_vietnamese_message_and_saves_nothing(client, clerk, unit):
    client.force_login(clerk)
    response = client.post(
        reverse("units:unit_edit", args=[unit.pk]),
        {"code": unit.code, "sector": "", "autonomy_group": "9"},
    )
    assert response.status_code == 200
    assert "lựa chọn hợp lệ" in response.content.decode()
    response = client.post(
        reverse("units:unit_edit", args=[unit.pk]),
        {"code": unit.code, "sector": "", "autonomy_group": "3"},
    )
    assert response.status_code == 200
    assert "Đơn vị sự nghiệp công lập phải có lĩnh vực." in response.content.decode()
    unit.refresh_from_db()
    assert unit.autonomy_group == 4
    assert AuditEntry.objects.count() == 0


def test_list_filters_keep_their_state_in_the_url(client, official, unit):
    client.force_login(official)
    page = client.get(reverse("units:unit_list"), {"q": "may chai", "sector": "education"})
    html = page.content.decode()
    assert 'value="may chai"' in html
    assert "q=may+chai&amp;sector=education" in html  # export links carry the filters


def test_htmx_requests_get_only_the_table(client, official, unit):
    client.force_login(official)
    response = client.get(reverse("units:unit_list"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert unit.name in html


def test_the_list_is_paginated(client, official, district):
    ServiceUnitFactory.create_batch(55, area=district)
    client.force_login(official)
    first = client.get(reverse("units:unit_list"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("units:unit_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize("rows", [3, 60])
def test_list_page_costs_a_fixed_number_of_queries(
    client, official, district, rows, django_assert_max_num_queries
):
    ServiceUnitFactory.create_batch(rows, area=district)
    client.force_login(official)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("units:unit_list")).status_code == 200


def test_csv_export_has_exactly_the_filtered_rows(client, official, district, other_district):
    ServiceUnitFactory.create_batch(3, area=district)
    ServiceUnitFactory.create_batch(2, area=other_district)
    client.force_login(official)
    response = client.get(reverse("units:unit_export_csv"), {"area": other_district.pk})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1] == "Tên"
    assert len(rows) == 1 + 2
    assert {r[6] for r in rows[1:]} == {other_district.name}
    assert rows[1][9] == "01/01/2000"


def test_xlsx_export_opens_and_has_the_filtered_rows(client, official, district, other_district):
    ServiceUnitFactory.create_batch(60, area=district)
    ServiceUnitFactory.create_batch(2, area=other_district)
    client.force_login(official)
    response = client.get(reverse("units:unit_export_xlsx"), {"area": district.pk})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 60  # all filtered rows, not one page
    assert {r[6] for r in rows[1:]} == {district.name}


def test_area_tree_children_come_as_a_fragment(client, official, unit, district):
    client.force_login(official)
    url = reverse("units:area_children", args=[district.parent_id])
    response = client.get(url, {"on": "01/01/2022"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert district.name in html
    assert "<html" not in html


def test_area_tree_is_a_fixed_number_of_queries(
    client, official, district, django_assert_max_num_queries
):
    ServiceUnitFactory.create_batch(40, area=district)
    client.force_login(official)
    with django_assert_max_num_queries(10):
        client.get(reverse("units:area_tree"))


def test_every_response_has_a_content_security_policy(client):
    response = client.get(reverse("landing"))
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_unit_links_in_the_list_open_the_unit_page(client, official, unit):
    """Defect: the links inherited the table's hx-boost/hx-target/hx-select, so a
    click swapped an empty fragment in. Only sorting and paging stay in place."""
    client.force_login(official)
    html = client.get(reverse("units:unit_list")).content.decode()
    results = html[html.index('<section id="results"') :]
    body = results[results.index("<tbody>") : results.index("</tbody>")]
    opening = results[: results.index("<tbody>")]
    assert "hx-boost" not in opening.split("<thead", 1)[0]  # not on the section
    assert f'href="{reverse("units:unit_detail", args=[unit.pk])}"' in body
    assert "hx-" not in body


def test_list_responses_vary_on_htmx_so_back_shows_a_whole_page(client, official, unit):
    """Defect: the browser cached the fragment under the page's URL and showed it on back."""
    client.force_login(official)
    assert "HX-Request" in client.get(reverse("units:unit_list"))["Vary"]
    restore = client.get(
        reverse("units:unit_list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


@pytest.mark.parametrize("value", ["²", "1.5", "-3", "9" * 30])
def test_bad_area_ids_get_a_message_not_a_500(client, official, unit, value):
    """Defect: isdigit() accepts "²", int() does not: the list and exports failed."""
    client.force_login(official)
    response = client.get(reverse("units:unit_list"), {"area": value})
    assert response.status_code == 200
    assert "Một số điều kiện lọc không hợp lệ" in response.content.decode()
    for name in ("units:unit_export_csv", "units:unit_export_xlsx"):
        assert client.get(reverse(name), {"area": value}).status_code == 302


def test_closed_units_are_badged_and_one_click_away(client, official, district):
    """Defect: the list mixed closed units in by default, with no badge."""
    ServiceUnitFactory(name="Trường Còn", area=district)
    ServiceUnitFactory(
        name="Trường Đã Đóng",
        area=district,
        established_on=dt.date(2000, 1, 1),
        closed_on=dt.date(2020, 1, 1),
    )
    client.force_login(official)
    page = client.get(reverse("units:unit_list")).content.decode()
    assert "Trường Còn" in page and "Trường Đã Đóng" not in page
    assert 'id="show-all"' in page and "status=all" in page
    everything = client.get(reverse("units:unit_list"), {"status": "all"}).content.decode()
    assert "Trường Đã Đóng" in everything
    assert "chấm dứt 01/01/2020" in everything


def test_the_pager_has_first_last_and_page_numbers(client, official, district):
    """Defect: the pager was only "Trang 1 / 3 Sau ›"."""
    ServiceUnitFactory.create_batch(260, area=district)
    client.force_login(official)
    page = client.get(reverse("units:unit_list"), {"page": 3, "kind": "service"}).content.decode()
    pager = page[page.index('<nav class="pager"') :]
    pager = pager[: pager.index("</nav>")]
    for number in (1, 2, 4, 5, 6):
        assert f"page={number}" in pager
    assert 'rel="first"' in pager and 'rel="last"' in pager
    assert 'aria-current="page">3<' in pager
    assert "kind=service" in pager  # filters are kept


def test_vietnamese_is_the_default_whatever_the_browser_asks(client, official, unit):
    """Defect: a browser set to English got English on the first visit."""
    client.force_login(official)
    page = client.get(reverse("units:unit_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in page.content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("units:unit_list"), HTTP_ACCEPT_LANGUAGE="vi")
    assert 'lang="en"' in page.content.decode()


def test_unit_page_costs_a_fixed_number_of_queries(client, official, district):
    """The managing bodies above a unit come in one query, however deep."""
    client.force_login(official)
    counts = []
    for depth in (2, 7):
        top = parent = AgencyFactory(area=district)
        for _ in range(depth - 1):
            parent = AgencyFactory(area=district, parent=parent)
        unit = ServiceUnitFactory(area=district, parent=parent)
        ServiceUnitFactory.create_batch(depth, area=district, parent=unit)
        url = reverse("units:unit_detail", args=[unit.pk])
        counts.append(queries_of(lambda url=url: client.get(url)))
        response = client.get(url)
        assert [u.pk for u in response.context["chain"]][0] == top.pk
        assert len(response.context["chain"]) == depth
    assert counts[0] == counts[1] <= 12, counts


def test_the_edit_form_refuses_a_closed_unit(client, clerk, district):
    """Defect: edits of closed units were accepted."""
    closed = ServiceUnitFactory(area=district, closed_on=dt.date(2020, 1, 1))
    client.force_login(clerk)
    response = client.post(reverse("units:unit_edit", args=[closed.pk]), {"code": "X9"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.code != "X9"
    assert not AuditEntry.objects.exists()


def test_the_edit_form_of_an_agency_has_no_sector(client, clerk, agency):
    """Defect: the edit form accepted a sector on an agency."""
    client.force_login(clerk)
    page = client.get(reverse("units:unit_edit", args=[agency.pk])).content.decode()
    assert 'name="sector"' not in page and 'name="autonomy_group"' not in page
    client.post(
        reverse("units:unit_edit", args=[agency.pk]), {"code": agency.code, "sector": "health"}
    )
    agency.refresh_from_db()
    assert agency.sector == ""


def test_the_edit_form_refuses_another_active_units_code(client, clerk, unit, district):
    """Defect: the edit form accepted an active unit's code."""
    other = ServiceUnitFactory(area=district)
    client.force_login(clerk)
    response = client.post(
        reverse("units:unit_edit", args=[unit.pk]),
        {"code": other.code, "sector": unit.sector, "autonomy_group": 4},
    )
    assert response.status_code == 200
    assert "Mã này đã được dùng cho đơn vị khác." in response.content.decode()
    unit.refresh_from_db()
    assert unit.code != other.code


def test_exports_keep_formulas_as_text(client, official, district):
    """Review: a name starting with "=" came out as a live formula."""
    ServiceUnitFactory(area=district, name='=HYPERLINK("http://x","Bấm")')
    client.force_login(official)
    response = client.get(reverse("units:unit_export_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = next(c for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value))
    assert cell.data_type == "s"
    response = client.get(reverse("units:unit_export_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_the_change_history_shows_labels_not_codes(client, clerk, unit):
    """Probe: the history read "Lĩnh vực: health → economic"."""
    client.force_login(clerk)
    client.post(
        reverse("units:unit_edit", args=[unit.pk]),
        {"code": unit.code, "sector": "economic", "autonomy_group": 1},
    )
    page = client.get(reverse("units:unit_detail", args=[unit.pk])).content.decode()
    history = page[page.index("Lịch sử thay đổi") :]
    assert "Giáo dục – đào tạo" in history and "economic" not in history
    assert "Nhóm 1" in history


def test_cached_counts_follow_a_restructuring(
    client, official, clerk, district, django_capture_on_commit_callbacks
):
    """The units list's row count, the landing headline and the area tree are
    cached until the registry changes: a decision recorded through the service
    shows at once."""
    from units.choices import RestructuringKind
    from units.services.restructuring_rules import Decision
    from units.services.restructurings import restructuring_apply

    first, *_others = ServiceUnitFactory.create_batch(3, area=district)
    client.force_login(official)

    def figures():
        listed = client.get(reverse("units:unit_list")).context["page"].paginator.count
        landing = client.get(reverse("landing")).context["headline"]["active_services"]
        decisions = client.get(reverse("units:restructuring_list")).context["rows"]
        return listed, landing, [row.number for row in decisions]

    assert figures() == (3, 3, [])
    with django_capture_on_commit_callbacks(execute=True):
        restructuring_apply(
            actor=clerk,
            kind=RestructuringKind.DISSOLVE,
            source_ids=[first.pk],
            decision=Decision("5/QĐ", dt.date(2024, 1, 2), dt.date(2024, 2, 1), "UBND quận"),
        )
    assert figures() == (2, 2, ["5/QĐ"])
    # The list's rows are cached per language too.
    client.cookies["django_language"] = "en"
    english = client.get(reverse("units:restructuring_list")).content.decode()
    assert "Dissolve" in english and "Giải thể" not in english


def test_a_unit_page_shows_a_session_report_in_its_history(client, official, unit):
    """A supervision report names the session's findings and recommendations,
    rows of other tables: the unit's history shows how many, where it used to
    answer 500 (UBND quận Ngô Quyền's page on the demo)."""
    AuditEntry.objects.create(
        action="session.report",
        object_type="supervision.session",
        object_id="1",
        object_repr="Phiên giám sát",
        before={"findings": [], "report_number": ""},
        after={"findings": [{"text": "Chậm"}, {"text": "Thiếu"}], "report_number": "12/BC"},
    ).links.create(unit=unit)
    client.force_login(official)
    page = client.get(reverse("units:unit_detail", args=[unit.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "12/BC" in text and "→ 2" in text.replace("</span>", "")
