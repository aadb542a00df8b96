"""The restructurings export reads every decision in a fixed number of queries
(115 at national scale before, 7.4–8 s) and writes what the list shows."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import queries_of
from units.exports import decision_rows
from units.models import Restructuring, User
from units.selectors.restructurings import decision_groups, decision_rows_page
from units.selectors.restructurings import restructuring_filterset as filterset_of

pytestmark = pytest.mark.django_db


def exported(client, params=None) -> list[list[str]]:
    response = client.get(reverse("units:restructuring_export_csv"), params or {})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_is_the_list_in_a_fixed_number_of_queries(client, demo, settings):
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    filterset = filterset_of(user=admin, params={})
    groups = list(decision_groups(filterset))
    assert len(groups) > 10 and any(g["parts"] > 1 for g in groups)
    listed = list(decision_rows(decision_rows_page(groups, filterset)))
    rows = exported(client)
    dates = [[v.strftime("%d/%m/%Y") if hasattr(v, "year") else v for v in row] for row in listed]
    assert rows[1:] == [[str(v) for v in row] for row in dates]
    # 600 decisions more (establishments recorded without their units: the
    # rows alone make the count) cost no query more.
    # Each measured from an empty cache (with sessions in the cache, as on
    # PostgreSQL and Redis, a cleared cache reads the session once more).
    cache.clear()
    one = queries_of(lambda: exported(client))
    day = dt.date(2020, 1, 1)
    Restructuring.objects.bulk_create(
        Restructuring(
            kind="establish",
            decision_number=f"{n}/QĐ-UBND",
            decided_on=day,
            effective_on=day,
            authority="UBND",
        )
        for n in range(600)
    )
    cache.clear()
    every = queries_of(lambda: exported(client))
    assert every == one, (one, every)
    assert len(exported(client)) == len(rows) + 600
