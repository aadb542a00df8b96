"""The public figures at national scale (issue 23): the decisions download read
in blocks of decisions (a query per block, its first rows out before the next
block is read: flat memory), the same rows in the same order as in one block;
the public page without what only the officials' dashboard reads."""

import csv
import io

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import queries_of
from units.models import Area, Restructuring
from units.selectors.dashboards import dashboard
from units.selectors.restructuring_export import decision_rows_all
from units.views import public
from units.views.public_tables import DECISION_COLUMNS

pytestmark = pytest.mark.django_db

YEARS = {"base": 2015, "year": 2026}


def filterset():
    """The public download's decisions for the nation since 2016."""
    return public._decision_filterset(RequestFactory().get("/"), {"area": None, **YEARS})


def values(rows) -> list[list]:
    return [[column.value(row) for column in DECISION_COLUMNS] for row in rows]


def test_the_decisions_are_read_a_block_at_a_time(demo):
    whole = values(decision_rows_all(filterset()))
    assert len(whole) > 6  # several blocks of two
    with CaptureQueriesContext(connection) as captured:
        rows = decision_rows_all(filterset(), chunk=2)
        first = next(rows)
        before_the_rest = len(captured)
        rest = list(rows)
    # The first block's rows come out before the next blocks are read, and
    # every block reads its own parts: the queries grow with the blocks.
    blocks = -(-len(whole) // 2)
    assert len(captured) - before_the_rest >= 2 * (blocks - 1), (before_the_rest, len(captured))
    # The same rows, in the same order, as read in one block.
    assert values([first, *rest]) == whole
    assert queries_of(lambda: list(decision_rows_all(filterset(), chunk=4))) < len(captured)


def test_a_bulk_decision_split_across_blocks_keeps_its_parts(demo):
    """A decision's parts are matched on its whole key, not on its first part:
    a decision of several parts counts them all whichever block it falls in."""
    whole = values(decision_rows_all(filterset()))
    for chunk in (1, 3, 5):
        assert values(decision_rows_all(filterset(), chunk=chunk)) == whole
    several = [row for row in decision_rows_all(filterset(), chunk=1) if row.part_count > 1]
    assert several and all(sum(n for _kind, n in row.kinds) == row.part_count for row in several)


def test_the_public_download_streams_the_same_rows_in_blocks(client, demo, monkeypatch):
    url = reverse("public:table", args=["decisions", "csv"])

    def download() -> list[list[str]]:
        response = client.get(url, YEARS)
        assert response.streaming
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    whole = download()
    one_block = queries_of(download)
    monkeypatch.setattr(public, "DECISION_CHUNK", 2)
    assert download() == whole
    assert queries_of(download) > one_block
    assert len(whole) > 3 and whole[0] == [column.key for column in DECISION_COLUMNS]


def test_the_public_figures_skip_the_officials_agencies(demo_figures):
    hai_phong = Area.objects.get(level="province", code="31", valid_to__isnull=True)
    asked = {"area": hai_phong, "year": 2026, "base_year": 2015, "sector": "*"}
    officials = dashboard(**asked)
    assert officials["bodies"]  # the agencies located in Hải Phòng, ranked
    everyone = dashboard(**asked, public=True)
    assert everyone["bodies"] == [] and everyone["pending"] is False
    for key in ("head", "children", "trend", "sectors", "targets", "waterfall"):
        assert repr(everyone[key]) == repr(officials[key]), key
    assert queries_of(lambda: dashboard(**asked, public=True)) < queries_of(
        lambda: dashboard(**asked)
    )


def test_the_restructurings_export_still_reads_every_decision_in_one_block(demo):
    """The officials' export keeps its fixed number of queries."""
    assert Restructuring.objects.count() > 6
    one = queries_of(lambda: list(decision_rows_all(filterset())))
    assert one == queries_of(lambda: list(decision_rows_all(filterset(), chunk=None)))
    assert one <= 4
