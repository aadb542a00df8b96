import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, ServiceUnitFactory, UserFactory
from units.choices import RestructuringKind as K
from units.choices import Role
from units.models import AuditEntry, Restructuring
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def consolidation(clerk, district):
    a, b = (
        ServiceUnitFactory(area=district, name="Trường A"),
        ServiceUnitFactory(area=district, name="Trường B"),
    )
    return restructuring_apply(
        actor=clerk,
        kind=K.CONSOLIDATE,
        source_ids=[a.pk, b.pk],
        new_units=[NewUnit(name="Trường AB")],
        decision=Decision(
            number="7/QĐ-UBND",
            decided_on=dt.date(2020, 1, 1),
            effective_on=dt.date(2020, 2, 1),
            authority="UBND quận",
        ),
    )


@pytest.mark.parametrize("name", ["units:restructuring_list", "units:activity"])
def test_anonymous_users_are_sent_to_login(client, name):
    assert client.get(reverse(name)).status_code == 302


def test_list_filters_by_kind_and_dates(client, official, consolidation):
    client.force_login(official)
    url = reverse("units:restructuring_list")
    assert "7/QĐ-UBND" in client.get(url, {"kind": "consolidate"}).content.decode()
    assert "7/QĐ-UBND" not in client.get(url, {"kind": "merge"}).content.decode()
    assert "7/QĐ-UBND" not in client.get(url, {"effective_from": "02/02/2020"}).content.decode()
    assert "7/QĐ-UBND" in client.get(url, {"effective_to": "01/02/2020"}).content.decode()


def test_list_is_a_fixed_number_of_queries(
    client, official, consolidation, django_assert_max_num_queries
):
    client.force_login(official)
    with django_assert_max_num_queries(9):
        client.get(reverse("units:restructuring_list"))


def test_a_large_decision_shows_its_first_units_and_how_many_more(
    client, official, consolidation, clerk, district, django_assert_max_num_queries
):
    """A bulk decision (NQ 202/2025 concerns 47,000 units) costs the list the same
    queries as a small one and shows its first units only."""
    names = [f"Trạm {i:02}" for i in range(12)]
    restructuring_apply(
        actor=clerk,
        kind=K.DISSOLVE,
        source_ids=[ServiceUnitFactory(area=district, name=name).pk for name in names],
        decision=Decision("9/QĐ-UBND", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND quận"),
    )
    client.force_login(official)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("units:restructuring_list"))
    large = response.context["rows"][0]
    assert [c["name"] for c in large.changes] == names[:8]
    assert large.changes_more == 4
    assert "và 4 đơn vị khác" in response.content.decode()
    exported = b"".join(
        client.get(reverse("units:restructuring_export_csv")).streaming_content
    ).decode("utf-8-sig")
    assert "Trạm 07; và 4 đơn vị khác" in exported


def test_export_has_the_filtered_decisions(client, official, consolidation):
    client.force_login(official)
    response = client.get(reverse("units:restructuring_export_csv"), {"number": "7/QĐ"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == "7/QĐ-UBND"
    assert rows[1][5] == "Trường A; Trường B"


def test_each_reduction_is_reachable_from_the_unit_page(client, official, consolidation):
    client.force_login(official)
    source = consolidation.links.get(unit__name="Trường A").unit
    page = client.get(reverse("units:unit_detail", args=[source.pk])).content.decode()
    assert reverse("units:restructuring_detail", args=[consolidation.pk]) in page
    assert "Trường AB" in page
    detail = client.get(reverse("units:restructuring_detail", args=[consolidation.pk]))
    assert "Trường B" in detail.content.decode()


def test_activity_shows_each_user_their_scope(
    client, clerk, outsider_clerk, official, consolidation
):
    client.force_login(outsider_clerk)
    assert "7/QĐ-UBND" not in client.get(reverse("units:activity")).content.decode()
    client.force_login(official)
    page = client.get(reverse("units:activity"), {"user": "clerk"}).content.decode()
    assert "7/QĐ-UBND" in page


@pytest.fixture
def elsewhere(admin_user, other_district):
    school = ServiceUnitFactory(area=other_district, name="Trường Thanh Xuân")
    return restructuring_apply(
        actor=admin_user,
        kind=K.DISSOLVE,
        source_ids=[school.pk],
        decision=Decision("99/QĐ-UBND", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND TX"),
    )


@pytest.fixture
def district_official(district):
    return UserFactory(username="quan", roles=[Role.OFFICIAL], scope_area=district)


def test_officials_see_only_the_decisions_of_their_scope(
    client, district_official, consolidation, elsewhere
):
    """Defect: the list, detail and exports ignored an official's scope."""
    client.force_login(district_official)
    page = client.get(reverse("units:restructuring_list")).content.decode()
    assert "7/QĐ-UBND" in page and "99/QĐ-UBND" not in page
    detail = reverse("units:restructuring_detail", args=[elsewhere.pk])
    assert client.get(detail).status_code == 404
    annul = reverse("units:restructuring_reverse", args=[elsewhere.pk])
    assert client.get(annul).status_code == 404
    response = client.get(reverse("units:restructuring_export_csv"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "7/QĐ-UBND" in content and "99/QĐ-UBND" not in content


def test_the_log_of_a_scope_is_shown_to_every_role_in_it(
    client, district, district_official, consolidation, elsewhere
):
    """Defect: officials saw every user's entries; supervisors and clerks an empty page."""
    supervisor = UserFactory(username="gs", roles=[Role.SUPERVISOR], scope_area=district)
    for user in (district_official, supervisor):
        client.force_login(user)
        page = client.get(reverse("units:activity")).content.decode()
        assert "7/QĐ-UBND" in page, user
        assert "99/QĐ-UBND" not in page, user


def test_the_log_speaks_the_readers_language(client, official, consolidation):
    """Defect: raw action codes, long request ids and Vietnamese labels in English."""
    request_id = "5f0c2a9e8b7d4c1fa3e6b2d9c8a7f1e0"
    AuditEntry.objects.update(request_id=request_id)
    client.force_login(official)
    page = client.get(reverse("units:activity")).content.decode()
    assert "restructuring.apply" not in page
    assert request_id not in page
    # Support finds the entry from the id a user reports.
    found = client.get(reverse("units:activity"), {"request": request_id}).content.decode()
    assert "7/QĐ-UBND" in found
    assert "Ghi nhận quyết định sắp xếp" in page and "7/QĐ-UBND (Hợp nhất)" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("units:activity")).content.decode()
    assert "Restructuring decision recorded" in page
    assert "7/QĐ-UBND (Consolidate)" in page and "Hợp nhất" not in page


def test_a_units_history_shows_the_decisions_that_made_it(client, clerk, consolidation):
    """Defect: "Chưa có thay đổi nào" on a unit the clerk had just created."""
    client.force_login(clerk)
    created = consolidation.links.get(created=True).unit
    page = client.get(reverse("units:unit_detail", args=[created.pk])).content.decode()
    history = page[page.index("Lịch sử thay đổi") :]
    assert "Ghi nhận quyết định sắp xếp" in history
    assert "7/QĐ-UBND (Hợp nhất)" in history
    assert "Chưa có thay đổi nào" not in history


def test_the_list_says_what_each_unit_became(client, admin_user, district, other_district):
    """Defect: a rename showed no new name, a transfer repeated the unit's own name."""
    school = ServiceUnitFactory(area=district, name="Trường Cũ")
    restructuring_apply(
        actor=admin_user,
        kind=K.RENAME,
        source_ids=[school.pk],
        rename={"name": "Trường Mới"},
        decision=Decision("1/QĐ", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND"),
    )
    body = AgencyFactory(area=other_district, name="Phòng Giáo dục Thanh Xuân")
    moved = ServiceUnitFactory(area=district, name="Trường Chuyển")
    restructuring_apply(
        actor=admin_user,
        kind=K.TRANSFER,
        source_ids=[moved.pk],
        new_parent_id=body.pk,
        new_area_id=other_district.pk,
        decision=Decision("2/QĐ", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND"),
    )
    client.force_login(admin_user)
    page = client.get(reverse("units:restructuring_list")).content.decode()
    rename_row = page[page.index("1/QĐ") :]
    rename_row = rename_row[: rename_row.index("</tr>")]
    assert "Trường Cũ" in rename_row and "Trường Mới" in rename_row
    transfer_row = page[page.index("2/QĐ") :]
    transfer_row = transfer_row[: transfer_row.index("</tr>")]
    assert "Phòng Giáo dục Thanh Xuân" in transfer_row and other_district.name in transfer_row


def test_a_decision_recorded_in_parts_is_one_row(client, admin_user, district, other_district):
    """Defect: one bulk decision (NQ 1656) appeared as five rows."""
    number = "1656/NQ-UBTVQH15"
    day = Decision(number, dt.date(2025, 6, 16), dt.date(2025, 7, 1), "UBTVQH")
    for i in range(3):
        body = AgencyFactory(area=other_district, name=f"UBND phường {i}")
        unit = ServiceUnitFactory(area=district, name=f"Trường {i}")
        restructuring_apply(
            actor=admin_user,
            kind=K.TRANSFER,
            source_ids=[unit.pk],
            new_parent_id=body.pk,
            decision=day,
        )
    closing = ServiceUnitFactory(area=district, name="Ban cũ")
    restructuring_apply(actor=admin_user, kind=K.DISSOLVE, source_ids=[closing.pk], decision=day)
    client.force_login(admin_user)
    response = client.get(reverse("units:restructuring_list"))
    assert response.context["page"].paginator.count == 1
    (row,) = response.context["rows"]
    assert row.part_count == 4
    assert [n for _kind, n in row.kinds] == [3, 1]
    detail = client.get(reverse("units:restructuring_detail", args=[row.first_id]))
    assert len(detail.context["siblings"]) == 3
    content = b"".join(
        client.get(reverse("units:restructuring_export_csv")).streaming_content
    ).decode("utf-8-sig")
    assert content.count(number) == 1


def test_the_list_sorts_by_its_columns(client, official, admin_user, district):
    for number, day in (("B/QĐ", dt.date(2021, 1, 1)), ("A/QĐ", dt.date(2022, 1, 1))):
        unit = ServiceUnitFactory(area=district)
        restructuring_apply(
            actor=admin_user,
            kind=K.DISSOLVE,
            source_ids=[unit.pk],
            decision=Decision(number, day, day, "UBND"),
        )
    client.force_login(official)
    url = reverse("units:restructuring_list")

    def numbers(order):
        return [row.number for row in client.get(url, {"o": order}).context["rows"]]

    assert numbers("") == ["A/QĐ", "B/QĐ"]  # newest first
    assert numbers("effective_on") == ["B/QĐ", "A/QĐ"]
    assert numbers("number") == ["A/QĐ", "B/QĐ"]
    assert numbers("-number") == ["B/QĐ", "A/QĐ"]
    page = client.get(url).content.decode()
    assert 'aria-sort="none"><a href="?o=number">' in page


def test_list_and_detail_cost_a_fixed_number_of_queries(
    client, official, admin_user, district, django_assert_max_num_queries
):
    for i in range(12):
        units = ServiceUnitFactory.create_batch(2, area=district)
        restructuring_apply(
            actor=admin_user,
            kind=K.CONSOLIDATE,
            source_ids=[u.pk for u in units],
            new_units=[NewUnit(name=f"Mới {i}")],
            decision=Decision(f"{i}/QĐ", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND"),
        )
    client.force_login(official)
    with django_assert_max_num_queries(9):
        client.get(reverse("units:restructuring_list"))
    restructuring = Restructuring.objects.first()
    with django_assert_max_num_queries(10):
        client.get(reverse("units:restructuring_detail", args=[restructuring.pk]))


def test_a_bulk_decision_shows_each_user_only_the_parts_they_may_see(
    client, admin_user, district, other_district, district_official
):
    """Review: the parts of a grouped decision were fetched by number alone, so
    another district's units leaked into the list, the export and the siblings."""
    day = Decision("77/NQ", dt.date(2025, 6, 16), dt.date(2025, 7, 1), "UBTVQH")
    mine = ServiceUnitFactory(area=district, name="Trường Của Quận")
    theirs = ServiceUnitFactory(area=other_district, name="Trường Quận Khác")
    kept = restructuring_apply(
        actor=admin_user, kind=K.DISSOLVE, source_ids=[mine.pk], decision=day
    )
    restructuring_apply(actor=admin_user, kind=K.EQUITIZE, source_ids=[theirs.pk], decision=day)
    client.force_login(district_official)
    page = client.get(reverse("units:restructuring_list")).content.decode()
    assert "Trường Của Quận" in page and "Trường Quận Khác" not in page
    content = b"".join(
        client.get(reverse("units:restructuring_export_csv")).streaming_content
    ).decode("utf-8-sig")
    assert "Trường Quận Khác" not in content
    detail = client.get(reverse("units:restructuring_detail", args=[kept.pk]))
    assert detail.context["siblings"] == [] and detail.context["siblings_more"] == 0
    client.force_login(admin_user)
    filtered = client.get(reverse("units:restructuring_list"), {"kind": "dissolve"})
    (row,) = filtered.context["rows"]
    assert [kind for kind, _n in row.kinds] == [str(K.DISSOLVE.label)]


def test_nul_bytes_in_free_text_are_dropped_not_sent_to_the_database(client, official):
    """Review: PostgreSQL refuses NUL in text; raw parameters reached queries."""
    client.force_login(official)
    for params in ({"user": "a\x00b"}, {"object": "\x00"}, {"request": "x\x00y"}):
        assert client.get(reverse("units:activity"), params).status_code == 200
    for params in ({"q": "tr\x00uong"}, {"number": "\x00"}, {"authority": "a\x00"}):
        assert client.get(reverse("units:unit_list"), params).status_code == 200
        assert client.get(reverse("units:restructuring_list"), params).status_code == 200
