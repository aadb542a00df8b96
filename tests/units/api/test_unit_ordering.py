"""`o` on /api/v1/units/ orders the list, page after page of the cursor: every
value the schema advertises works, ties (blank codes, equal names) are
neither skipped nor repeated across a page boundary, empty dates come last in
both directions, and the `previous` links walk the same order back."""

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.factories import ServiceUnitFactory
from units.models import Unit

URL = "/api/v1/units/"


@pytest.fixture
def units(district):
    """Names and codes with ties; two units closed on different days."""
    specs = [
        ("Trường C", "30", None),
        ("Trường A", "", None),
        ("Trường B", "10", dt.date(2024, 3, 1)),
        ("Trường A", "20", None),
        ("Trường D", "", dt.date(2023, 5, 1)),
        ("Trường B", "", None),
        ("Trường C", "", None),
        ("Trường E", "40", None),
    ]
    return [
        ServiceUnitFactory(
            area=district, name=name, code=code, established_on=dt.date(2020, 1, 1), closed_on=day
        )
        for name, code, day in specs
    ]


def walk(client, params: dict, size: int = 2) -> list[int]:
    """The ids of every page, following `next`; then checks that `previous`
    walks the same pages back."""
    pages = [client.get(URL, {**params, "page_size": size}).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    assert len(pages) > 2  # the order crosses page boundaries
    back = [pages[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).json())
    forward = [[row["id"] for row in page["results"]] for page in pages]
    assert [[row["id"] for row in page["results"]] for page in reversed(back)] == forward
    return [pk for page in forward for pk in page]


def expected(field: str, descending: bool, rows) -> list[int]:
    """Python's order: by the field (empty dates last either way), then the id."""
    by_id = sorted(rows, key=lambda unit: unit.pk)
    present = [unit for unit in by_id if getattr(unit, field) is not None]
    empty = [unit for unit in by_id if getattr(unit, field) is None]
    ordered = sorted(present, key=lambda unit: getattr(unit, field), reverse=descending)
    return [unit.pk for unit in [*ordered, *empty]]


@pytest.mark.parametrize(
    ("o", "field", "status"),
    [
        ("code", "code", ""),
        ("-code", "code", ""),
        ("name", "name_folded", ""),
        ("-name", "name_folded", ""),
        ("closed_on", "closed_on", "all"),
        ("-closed_on", "closed_on", "all"),
    ],
)
def test_o_orders_every_page_of_the_cursor(client, official, units, o, field, status):
    client.force_login(official)
    params = {"status": status} if status else {}
    listed = Unit.objects.filter(pk__in=walk(client, params))
    got = walk(client, {**params, "o": o})
    assert got == expected(field, o.startswith("-"), listed)


def test_the_orders_differ(client, official, units):
    client.force_login(official)
    orders = {o: walk(client, {"o": o}) for o in ("code", "-code", "-name")}
    assert len({tuple(ids) for ids in orders.values()}) == 3
    assert orders["code"] != sorted(orders["code"])  # not the ids' order


def test_two_fields_order_by_the_first_then_the_second(client, official, units):
    client.force_login(official)
    got = walk(client, {"o": "name,-code"})
    rows = {unit.pk: unit for unit in Unit.objects.filter(pk__in=got)}
    keys = [(rows[pk].name_folded, rows[pk].code) for pk in got]
    by_code_down = sorted(keys, key=lambda key: key[1], reverse=True)
    assert keys == sorted(by_code_down, key=lambda key: key[0])  # stable: codes stay down


def test_a_cursor_of_another_order_is_a_404_not_a_500(client, official, units):
    client.force_login(official)
    following = client.get(URL, {"o": "code", "page_size": 2}).json()["next"]
    crossed = following.replace("o=code", "o=established_on")
    assert client.get(crossed).status_code == 404


def test_an_unknown_order_is_a_400(client, official, units):
    client.force_login(official)
    assert client.get(URL, {"o": "salary"}).status_code == 400


@pytest.mark.parametrize(
    ("o", "position"),
    [
        ("name", ["\u0000", 1]),
        ("autonomy_group", [10**30, 1]),
        ("closed_on", ["not a date", 1]),
        ("code", [None, 1]),
        ("name", [1]),
        ("name", ["a", 10**30]),
        ("name", "not json"),
        # Numbers json reads as floats no field holds (a review's 500s).
        ("", "[1e400]"),
        ("", "[Infinity]"),
        ("autonomy_group", "[Infinity,1]"),
        ("name", '["a",1e400]'),
        ("name", '["a",NaN]'),
    ],
)
def test_a_crafted_position_is_a_404_not_a_500(client, official, units, o, position):
    """Past the ordering's key (taken from a real cursor), the values."""
    client.force_login(official)
    if o:
        key = json.loads(position_of(client.get(URL, {"o": o, "page_size": 2}).json()["next"]))[0]
        position = [key, *position] if isinstance(position, list) else f'["{key}",{position[1:]}'
    text = position if isinstance(position, str) else json.dumps(position)
    query = {"o": o, "cursor": cursor_of(text)} if o else {"cursor": cursor_of(text)}
    assert client.get(URL, query).status_code == 404


def cursor_of(position: str) -> str:
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def position_of(link: str) -> str:
    cursor = parse_qs(urlsplit(link).query)["cursor"][0]
    return parse_qs(base64.b64decode(cursor).decode())["p"][0]


def test_a_cursor_replayed_with_another_order_of_the_same_types_is_a_404(client, official, units):
    """name and code are both text: the position of one read as the other's
    would silently give other rows."""
    client.force_login(official)
    following = client.get(URL, {"o": "name", "page_size": 2}).json()["next"]
    assert client.get(following).status_code == 200
    assert client.get(following.replace("o=name", "o=code")).status_code == 404


def test_a_saved_next_link_of_the_id_order_still_works(client, official, units):
    """The position in id order is the bare id, as before `o` existed."""
    client.force_login(official)
    first = client.get(URL, {"page_size": 2}).json()
    assert position_of(first["next"]) == str(first["results"][-1]["id"])
    following = client.get(URL, {"page_size": 2, "cursor": cursor_of(position_of(first["next"]))})
    assert following.status_code == 200
    assert following.json()["results"][0]["id"] > first["results"][-1]["id"]


def test_a_crafted_activity_cursor_is_a_404_not_a_500(client, admin_user):
    """A superscript two is a digit to str.isdigit, not to int()."""
    client.force_login(admin_user)
    assert client.get("/api/v1/audit/", {"cursor": cursor_of("\u00b2")}).status_code == 404
