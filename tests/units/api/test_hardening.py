"""Defects found in review, each with the test that caught it."""

import base64

from tests.factories import ServiceUnitFactory
from tests.units.api.problems import fields, problem
from units.services.tokens import token_create


def test_a_crafted_cursor_is_a_404_not_a_500(client, official):
    client.force_login(official)
    cursor = base64.b64encode(b"p=abc").decode()
    for url in ("/api/v1/units/", "/api/v1/audit/"):
        assert client.get(url, {"cursor": cursor}).status_code == 404


def test_a_token_cannot_make_more_tokens(client, clerk):
    _token, text = token_create(actor=clerk, name="x", days=1)
    response = client.post(
        "/api/v1/tokens/",
        {"name": "y", "days": 366},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {text}",
    )
    assert response.status_code == 403
    assert clerk.api_tokens.count() == 1


def test_an_address_sending_wrong_tokens_is_refused_for_a_while(client, settings, clerk):
    settings.API_AUTH_FAILURES_PER_MINUTE = 3
    statuses = [
        client.get("/api/v1/units/", HTTP_AUTHORIZATION="Token rw_00000000_nope").status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    _token, text = token_create(actor=clerk, name="x", days=1)
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {text}").status_code == 429


def test_service_errors_name_the_fields_as_sent(client, clerk, district):
    a, b = (ServiceUnitFactory(area=district) for _ in range(2))
    client.force_login(clerk)
    body = {
        "kind": "consolidate",
        "decision": {
            "number": "1/QĐ",
            "decided_on": "2024-07-02",
            "effective_on": "2024-07-01",
            "authority": "UBND",
        },
        "source_ids": [a.pk, b.pk],
        "new_units": [{"name": "AB"}],
    }
    response = client.post("/api/v1/restructurings/", body, content_type="application/json")
    assert response.status_code == 400
    assert "decision.effective_on" in fields(response), response.json()


def test_drf_errors_read_in_vietnamese_and_english(client, official):
    anonymous = problem(client.get("/api/v1/units/"))["detail"]
    assert anonymous.startswith("Chưa gửi thông tin xác thực")
    client.force_login(official)
    assert problem(client.get("/api/v1/units/999999/"))["detail"] == "Không tìm thấy."
    english = problem(client.get("/api/v1/units/999999/", HTTP_ACCEPT_LANGUAGE="en"))
    assert english["detail"] == "Not found."


def test_the_browsable_api_is_off(client, official):
    client.force_login(official)
    response = client.get("/api/v1/units/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406 or response["Content-Type"].startswith("application/json")


def test_lists_of_decisions_count_their_links(client, official, clerk, district):
    client.force_login(official)
    rows = client.get("/api/v1/restructurings/").json()["results"]
    assert rows == [] or "link_count" in rows[0]
