import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import ServiceUnitFactory
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
    sheet = load_workbook(io.BytesIO(response.content)).active
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


def test_health_reports_in_json(client):
    response = client.get(reverse("health"), {"format": "json"})
    data = response.json()
    assert data["checks"]["database"]["ok"] is True
    assert data["checks"]["cache"]["ok"] is True
    assert "celery" in data["checks"]


def test_every_response_has_a_content_security_policy(client):
    response = client.get(reverse("landing"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
