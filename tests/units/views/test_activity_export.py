"""The admins' export of the audit log (issue 22, point 6): CSV and JSON Lines
between two dates of the portal's time zone, streamed in a fixed number of
queries, with every field an outside reader needs to re-verify the hash chain."""

import csv
import datetime as dt
import io
import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.conftest import queries_of
from tests.factories import UserFactory
from units.audit import audit_bulk
from units.audit_chain import FIELDS, GENESIS, entry_hash
from units.choices import Role
from units.models import AuditEntry

pytestmark = pytest.mark.django_db

CSV_URL, JSONL_URL = "units:activity_export_csv", "units:activity_export_jsonl"
KEYS = [
    "id",
    "at",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "request_id",
    "prev_hash",
    "hash",
]


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def write(at: dt.datetime, actor=None, n: int = 0) -> AuditEntry:
    """An entry written at `at` (the chain stamps it with the clock's time)."""
    with mock.patch("units.audit_chain.timezone.now", return_value=at):
        return audit_bulk(
            actor=actor,
            action="test.export",
            object_type="units.user",
            label=f"=SUM(A{n}) lần {n}",
            after={"n": n, "tên": "Hà Nội", "list": [1, 2.5, None]},
        )


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def entries(admin_user):
    """Four entries around a window of 10/03/2026 to 11/03/2026 (Vietnam's days):
    one just before it starts, two inside at its edges, one just after."""
    times = [
        local(2026, 3, 9, 23, 59, 59, 999999),
        local(2026, 3, 10, 0, 0),
        local(2026, 3, 11, 23, 59, 59, 123456),
        local(2026, 3, 12, 0, 0),
    ]
    return [write(at, admin_user, n) for n, at in enumerate(times)]


def test_the_csv_holds_the_window_with_the_chain(client, admin_user, entries):
    client.force_login(admin_user)
    response = client.get(reverse(CSV_URL), {"from": "10/03/2026", "to": "11/03/2026"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="nhat-ky-tu-20260310-den-20260311.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response).removeprefix("\ufeff"))))
    assert rows[0] == KEYS
    inside = entries[1:3]
    assert [int(row[0]) for row in rows[1:]] == [e.pk for e in inside]
    for row, entry in zip(rows[1:], inside, strict=True):
        entry.refresh_from_db()
        line = dict(zip(KEYS, row, strict=True))
        assert (line["prev_hash"], line["hash"]) == (entry.prev_hash, entry.hash)
        assert dt.datetime.fromisoformat(line["at"]) == entry.at
        assert line["at"].endswith("+07:00")
        assert json.loads(line["after"]) == entry.after and line["before"] == "null"
        # The house's guard against formulas in a spreadsheet is kept.
        assert line["object_repr"] == "'" + entry.object_repr


def test_the_jsonl_lets_a_reader_verify_the_chain(client, admin_user, entries):
    client.force_login(admin_user)
    response = client.get(reverse(JSONL_URL))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("application/jsonl")
    today = timezone.localdate()
    assert f'filename="nhat-ky-den-{today:%Y%m%d}.jsonl"' in response["Content-Disposition"]
    lines = body(response).splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [e.pk for e in entries]
    assert all(list(r) == KEYS for r in records)
    previous = GENESIS
    for record in records:
        # What an outside reader does: the hash of the fields and the one before.
        values = {name: record[name] for name in FIELDS}
        values["at"] = dt.datetime.fromisoformat(record["at"])
        assert record["prev_hash"] == previous
        assert entry_hash(values, previous) == record["hash"]
        previous = record["hash"]
    stored = AuditEntry.objects.order_by("id").values_list("hash", flat=True)
    assert [r["hash"] for r in records] == list(stored)
    one_day = client.get(reverse(JSONL_URL), {"from": "12/03/2026", "to": "12/03/2026"})
    assert [json.loads(line)["id"] for line in body(one_day).splitlines()] == [entries[3].pk]


def test_the_activity_page_links_admins_to_the_exports(client, admin_user, entries):
    client.force_login(admin_user)
    page = client.get(reverse("units:activity"), {"from": "10/03/2026", "user": "x"})
    text = page.content.decode()
    csv_link = reverse(CSV_URL) + "?from=10%2F03%2F2026"
    assert csv_link in text and reverse(JSONL_URL) + "?from=10%2F03%2F2026" in text
    official = UserFactory(roles=[Role.OFFICIAL])
    client.force_login(official)
    assert reverse(CSV_URL) not in client.get(reverse("units:activity")).content.decode()


@pytest.mark.parametrize("url", [CSV_URL, JSONL_URL])
def test_only_admins_export(client, url, entries):
    response = client.get(reverse(url))
    assert response.status_code == 302 and "/login/" in response["Location"]
    for role in (Role.OFFICIAL, Role.CLERK, Role.SUPERVISOR):
        client.force_login(UserFactory(roles=[role]))
        assert client.get(reverse(url)).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"from": "32/13/2026"},
        {"to": "hôm qua"},
        {"from": "2026-03-10x"},
        {"from": "11/03/2026", "to": "10/03/2026"},
    ],
)
def test_a_bad_date_is_a_400_in_vietnamese(client, admin_user, params):
    client.force_login(admin_user)
    response = client.get(reverse(CSV_URL), params)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Yêu cầu không hợp lệ" in text
    if "to" not in params or "from" not in params:
        assert "Nhập ngày theo dạng dd/mm/yyyy." in text


def test_the_ends_of_the_calendar_are_no_bound(client, admin_user, entries):
    client.force_login(admin_user)
    params = {"from": "01/01/0001", "to": "31/12/9999"}
    response = client.get(reverse(JSONL_URL), params)
    assert response.status_code == 200
    assert len(body(response).splitlines()) == len(entries)


@pytest.mark.parametrize("url", [CSV_URL, JSONL_URL])
def test_the_export_costs_the_same_queries_for_3_or_30_entries(client, admin_user, url):
    client.force_login(admin_user)
    day = local(2026, 3, 10, 8, 0)
    for n in range(3):
        write(day, admin_user, n)

    def export():
        response = client.get(reverse(url), {"from": "10/03/2026"})
        return body(response)

    cache.clear()
    few = queries_of(export)
    for n in range(27):
        write(day, admin_user, n)
    cache.clear()
    many = queries_of(export)
    assert many == few
    assert len(export().splitlines()) in (30, 31)
