import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from tests.factories import ServiceUnitFactory
from units.choices import RestructuringKind as K
from units.restructurings import Decision, NewUnit, restructuring_apply

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
    with django_assert_max_num_queries(8):
        client.get(reverse("units:restructuring_list"))


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


def test_activity_shows_own_entries_to_clerks_and_all_to_officials(
    client, clerk, outsider_clerk, official, consolidation
):
    client.force_login(outsider_clerk)
    assert "7/QĐ-UBND" not in client.get(reverse("units:activity")).content.decode()
    client.force_login(official)
    page = client.get(reverse("units:activity"), {"user": "clerk"}).content.decode()
    assert "restructuring.apply" in page
