"""The data-quality page, its rows, their CSV and the API's counts: who reads
them, what they count in the reader's scope, and a fixed number of queries."""

import csv
import io

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from tests.factories import ServiceUnitFactory, UserFactory
from units.choices import Role, StaffingCategory
from units.models import StaffingFigure
from units.selectors.data_quality import quality_total
from units.services.tokens import token_create

CHECK = "services-without-establishment"


@pytest.fixture
def bare_units(district, other_district):
    inside = [ServiceUnitFactory(area=district, name=f"Trường Thử {n}") for n in range(3)]
    ServiceUnitFactory(area=other_district, name="Trường Ngoài")
    return inside


def row_links(response) -> int:
    table = response.content.decode().split('id="quality-rows"', 1)[1].split("</table>", 1)[0]
    return table.count('href="/units/')


def counts_on_page(response) -> dict[str, int]:
    html = response.content.decode()
    found = {}
    for part in html.split('data-check="')[1:]:
        check_id = part.split('"', 1)[0]
        found[check_id] = int(part.split('data-count="', 1)[1].split('"', 1)[0])
    return found


@pytest.mark.parametrize(
    ("role", "status"),
    [("official", 403), ("clerk", 200), ("supervisor", 200), ("admin_user", 200)],
)
@pytest.mark.parametrize(
    "url", ["/data-quality/", f"/data-quality/{CHECK}/", f"/data-quality/{CHECK}.csv"]
)
def test_clerks_supervisors_and_admins_only(client, request, role, status, url):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == status


def test_anonymous_readers_are_sent_to_log_in(client):
    response = client.get("/data-quality/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_counts_each_check_in_the_readers_scope(client, clerk, admin_user, bare_units):
    client.force_login(clerk)
    counts = counts_on_page(client.get("/data-quality/"))
    assert len(counts) == 9
    assert counts[CHECK] == 3
    client.force_login(admin_user)
    assert counts_on_page(client.get("/data-quality/"))[CHECK] == 4


def test_the_rows_page_lists_the_scopes_rows_with_links(client, clerk, bare_units):
    client.force_login(clerk)
    response = client.get(f"/data-quality/{CHECK}/")
    html = response.content.decode()
    for unit in bare_units:
        assert unit.name in html
        assert f'href="/units/{unit.pk}/"' in html
    assert "Trường Ngoài" not in html


def test_the_rows_page_is_paginated_with_a_fixed_number_of_queries(
    client, clerk, district, django_assert_max_num_queries
):
    for n in range(60):
        ServiceUnitFactory(area=district, name=f"Trường {n:02d}")
    client.force_login(clerk)
    client.get(f"/data-quality/{CHECK}/")  # the session and the scope read once
    cache.clear()
    with django_assert_max_num_queries(12):
        first = client.get(f"/data-quality/{CHECK}/")
    second = client.get(f"/data-quality/{CHECK}/?page=2")
    assert (row_links(first), row_links(second)) == (50, 10)
    assert "Trường 59" in second.content.decode() and "Trường 59" not in first.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(
    client, clerk, district, django_assert_max_num_queries
):
    for _n in range(30):
        ServiceUnitFactory(area=district)
    client.force_login(clerk)
    client.get("/data-quality/")
    cache.clear()
    with django_assert_max_num_queries(25):
        client.get("/data-quality/")


def test_the_csv_holds_the_scopes_rows_with_labels(client, clerk, district):
    unit = ServiceUnitFactory(area=district, name="Trường Vượt Biên Chế")
    StaffingFigure.objects.create(
        unit=unit, year=2024, category="budget_employee", assigned=10, actual=12
    )
    other = ServiceUnitFactory(name="Trường Ngoài Phạm Vi")
    StaffingFigure.objects.create(
        unit=other, year=2024, category="budget_employee", assigned=1, actual=2
    )
    client.force_login(clerk)
    response = client.get("/data-quality/staffing-over-quota.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 2
    assert lines[1][0] == str(unit.pk)
    assert "Trường Vượt Biên Chế" in lines[1]
    assert "10" in lines[1] and "12" in lines[1]
    assert str(StaffingCategory.BUDGET_EMPLOYEE.label) in lines[1]  # a label, not a code


@pytest.mark.parametrize("url", ["/data-quality/nope/", "/data-quality/nope.csv"])
def test_an_unknown_check_is_404(client, clerk, url):
    client.force_login(clerk)
    assert client.get(url).status_code == 404


def test_the_api_counts_each_check_in_the_tokens_scope(client, clerk, bare_units):
    _token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    response = client.get("/api/v1/data-quality/", HTTP_AUTHORIZATION=f"Token {text}")
    assert response.status_code == 200
    checks = {row["id"]: row for row in response.json()}
    assert len(checks) == 9
    assert checks[CHECK]["count"] == 3
    assert checks[CHECK]["rows"] == f"/data-quality/{CHECK}/"
    assert checks[CHECK]["export"] == f"/data-quality/{CHECK}.csv"
    assert checks[CHECK]["fix"]


def test_the_api_refuses_officials(client, official):
    _token, text = token_create(actor=official, name="x", days=1)
    response = client.get("/api/v1/data-quality/", HTTP_AUTHORIZATION=f"Token {text}")
    assert response.status_code == 403


def test_the_api_national_count_for_an_admin(client, bare_units):
    admin = UserFactory(roles=[Role.ADMIN])
    client.force_login(admin)
    checks = {row["id"]: row for row in client.get("/api/v1/data-quality/").json()}
    assert checks[CHECK]["count"] == 4


def test_the_landing_partial_shows_a_clerk_the_total(clerk, bare_units):
    total = quality_total(clerk, timezone.localdate())
    html = render_to_string("units/_quality_count.html", {"quality_total": total})
    assert f'data-total="{total}"' in html and total >= 3
    assert render_to_string("units/_quality_count.html", {"quality_total": None}).strip() == ""
