"""One error format under /api/ (issue 25, point 2): every 4xx and 5xx is RFC
9457 problem details, application/problem+json, with the fields named by their
paths — the five shapes the API answered before, the errors Django answers
before DRF, and the schema that declares them."""

import base64
import datetime as dt

import pytest
from django.test import Client, RequestFactory
from rest_framework.throttling import UserRateThrottle

from reformwatch import views
from tests.factories import ServiceUnitFactory
from tests.units.api.problems import fields, problem
from tests.units.api.test_restructurings import consolidation
from units.models import Restructuring
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply

INVALID = "urn:reformwatch:problem:invalid-input"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


@pytest.fixture
def pair(district):
    return [ServiceUnitFactory(area=district, name=n) for n in ("Trường A", "Trường B")]


def test_no_token_is_a_401_problem_with_www_authenticate(client):
    response = client.get("/api/v1/units/", **EN)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert problem(response) == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication credentials were not provided.",
        "errors": [
            {
                "field": None,
                "code": "not_authenticated",
                "message": "Authentication credentials were not provided.",
            }
        ],
    }
    # In the portal's language without Accept-Language (DRF's words, translated).
    assert problem(client.get("/api/v1/units/"))["detail"].startswith("Chưa gửi")


def test_outside_the_scope_is_a_403_problem(client, outsider_clerk, pair):
    client.force_login(outsider_clerk)
    response = post(client, "/api/v1/restructurings/", consolidation(*pair), **EN)
    assert response.status_code == 403
    body = problem(response)
    assert (body["type"], body["title"]) == ("about:blank", "Forbidden")
    assert body["errors"] == [
        {"field": None, "code": "permission_denied", "message": body["detail"]}
    ]
    assert not Restructuring.objects.exists()


def test_not_found_is_a_404_problem_without_djangos_words(client, official):
    client.force_login(official)
    body = problem(client.get("/api/v1/units/999999/", **EN))
    assert (body["type"], body["title"]) == ("about:blank", "Not Found")
    assert body["errors"] == [{"field": None, "code": "not_found", "message": "Not found."}]
    cursor = base64.b64encode(b"p=abc").decode()
    assert problem(client.get("/api/v1/units/", {"cursor": cursor}))["status"] == 404


def test_a_lost_race_is_a_409_conflict_problem(client, clerk, pair, district):
    other = ServiceUnitFactory(area=district, name="Trường C")
    decision = Decision(
        number="1/QĐ",
        decided_on=dt.date(2024, 5, 1),
        effective_on=dt.date(2024, 6, 1),
        authority="UBND quận",
    )
    restructuring_apply(
        actor=clerk, kind="merge", decision=decision, source_ids=[pair[0].pk], target_id=other.pk
    )
    client.force_login(clerk)
    response = post(client, "/api/v1/restructurings/", consolidation(*pair), **EN)
    assert response.status_code == 409
    body = problem(response)
    assert body["type"] == "urn:reformwatch:problem:conflict"
    assert "1/QĐ" in body["detail"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(None, "conflict")]
    assert body["errors"][0]["message"] == body["detail"]


def test_a_rules_refusal_is_a_400_about_no_one_field(client, clerk, pair):
    client.force_login(clerk)
    body = consolidation(*pair)
    body["source_ids"] = [pair[0].pk]  # a consolidation needs two
    response = post(client, "/api/v1/restructurings/", body, **EN)
    assert response.status_code == 400
    refusal = problem(response)
    assert (refusal["type"], refusal["title"]) == (INVALID, "Invalid input")
    assert fields(response) == [None]
    assert refusal["detail"] == refusal["errors"][0]["message"]
    assert "consolidation" in refusal["detail"]


def test_nested_input_errors_name_dotted_paths(client, clerk, pair):
    client.force_login(clerk)
    body = consolidation(*pair)
    del body["decision"]["number"]
    body["new_units"] = [{"name": "Trường Mới"}, {"code": "X"}]
    response = post(client, "/api/v1/restructurings/", body, **EN)
    assert response.status_code == 400
    refusal = problem(response)
    assert refusal["errors"] == [
        {"field": "decision.number", "code": "required", "message": "This field is required."},
        {"field": "new_units.1.name", "code": "required", "message": "This field is required."},
    ]
    assert refusal["detail"] == "This field is required. (and 1 more: see errors)"


def test_a_services_errors_name_the_fields_as_sent(client, clerk, pair):
    client.force_login(clerk)
    body = consolidation(*pair, decided_on="2024-07-02")  # after the effective date
    response = post(client, "/api/v1/restructurings/", body)
    assert response.status_code == 400
    refusal = problem(response)
    assert refusal["type"] == INVALID
    assert fields(response) == ["decision.effective_on"]
    assert refusal["errors"][0]["message"] == refusal["detail"]


def test_a_tokens_days_error_names_the_field(client, clerk):
    client.force_login(clerk)
    response = post(client, "/api/v1/tokens/", {"name": "x", "days": 400}, **EN)
    assert response.status_code == 400
    assert problem(response)["errors"] == [
        {
            "field": "days",
            "code": "max_value",
            "message": "Ensure this value is less than or equal to 366.",
        }
    ]


def test_malformed_json_is_a_400_problem(client, clerk):
    client.force_login(clerk)
    response = client.post("/api/v1/tokens/", "{", content_type="application/json")
    assert response.status_code == 400
    body = problem(response)
    assert body["type"] == "about:blank" and fields(response) == [None]
    assert body["errors"][0]["code"] == "parse_error"
    # In the reader's language, not the JSON parser's English (a review's find).
    assert body["detail"] == "Nội dung gửi lên không phải JSON hợp lệ."
    assert "Expecting" not in response.content.decode()


def test_an_unknown_api_url_is_a_problem_and_a_page_stays_a_page(client, official):
    client.force_login(official)
    response = client.get("/api/v1/no-such-thing/", **EN)
    assert response.status_code == 404
    assert problem(response)["title"] == "Not Found"
    page = client.get("/nonexistent/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_bad_host_under_api_is_a_400_problem(client):
    response = client.get("/api/v1/units/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert fields(response) == [None]
    page = client.get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_a_body_too_large_is_a_413_problem_not_a_500(client, clerk, settings):
    """Django refuses it inside DRF's view: left to Django's handler (not
    turned into drf-standardized-errors' 500), which says 413, not 400."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    client.force_login(clerk)
    client.raise_request_exception = False
    response = post(client, "/api/v1/tokens/", {"name": "x" * 500})
    assert response.status_code == 413
    assert problem(response)["errors"][0]["code"] == "too_large"
    page = client.post("/account/tokens/", {"name": "x" * 500})
    assert page.status_code == 413 and "lớn hơn" in page.content.decode()


@pytest.mark.parametrize(
    "handler, status",
    [
        (views.bad_request, 400),
        (views.permission_denied, 403),
        (views.page_not_found, 404),
        (views.csrf_failure, 403),
    ],
)
def test_djangos_error_views_answer_problems_under_api(handler, status):
    api = handler(RequestFactory().get("/api/v1/units/"), Exception())
    assert api.status_code == status and problem(api)["type"] == "about:blank"
    page = handler(RequestFactory().get("/units/"), Exception())
    assert page["Content-Type"].startswith("text/html")


def test_a_500_under_api_is_a_problem(client, official, monkeypatch):
    api = views.server_error(RequestFactory().get("/api/v1/units/"))
    assert api.status_code == 500 and problem(api)["errors"][0]["code"] == "error"

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("units.api.units.UnitViewSet.list", crash)
    client.force_login(official)
    client.raise_request_exception = False
    response = client.get("/api/v1/units/", **EN)
    assert response.status_code == 500
    body = problem(response)
    assert body["title"] == "Internal Server Error" and "boom" not in response.content.decode()


def test_a_500_is_logged_in_english_whatever_the_readers_language(
    client, official, monkeypatch, caplog
):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("units.api.units.UnitViewSet.list", crash)
    client.force_login(official)
    client.raise_request_exception = False
    with caplog.at_level("ERROR", logger="django.request"):
        assert client.get("/api/v1/units/").status_code == 500  # Vietnamese by default
    (logged,) = [r for r in caplog.records if r.name == "django.request"]
    assert logged.getMessage() == "Internal Server Error: /api/v1/units/"


def test_an_accept_header_the_api_cannot_meet_still_gets_json(client, official):
    """No 406: an answer every client can read, in the one format declared."""
    client.force_login(official)
    response = client.get("/api/v1/units/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    missing = client.get("/api/v1/units/999999999/", HTTP_ACCEPT="text/html")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"


def test_a_body_no_parser_reads_is_a_415(client, clerk):
    client.force_login(clerk)
    response = client.post("/api/v1/plans/", {"title": "x"}, **EN)  # multipart: JSON only
    assert response.status_code == 415
    body = problem(response)
    assert body["title"] == "Unsupported Media Type"
    assert body["errors"][0]["code"] == "unsupported_media_type"
    text = client.post("/api/v1/tokens/", "name=x", content_type="text/plain")
    assert text.status_code == 415 and fields(text) == [None]


def test_throttled_requests_are_a_429_with_retry_after(client, official, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "1/minute", raising=False)
    client.force_login(official)
    assert client.get("/api/v1/units/").status_code == 200
    response = client.get("/api/v1/units/", **EN)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = problem(response)
    assert body["title"] == "Too Many Requests" and body["errors"][0]["code"] == "throttled"


def test_an_address_sending_wrong_tokens_gets_a_429_problem(client, settings, db):
    settings.API_AUTH_FAILURES_PER_MINUTE = 1
    wrong = {"HTTP_AUTHORIZATION": "Token rw_00000000_nope"}
    first = client.get("/api/v1/units/", **wrong)
    assert first.status_code == 401 and first["WWW-Authenticate"] == "Token"
    assert problem(first)["errors"][0]["code"] == "authentication_failed"
    locked = client.get("/api/v1/units/", **wrong)
    assert locked.status_code == 429 and locked["Retry-After"] == "60"
    assert problem(locked)["errors"][0]["code"] == "throttled"


def test_a_csrf_failure_of_a_session_is_a_403_problem(clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    response = post(client, "/api/v1/tokens/", {"name": "x"})
    assert response.status_code == 403 and fields(response) == [None]


def test_the_schema_declares_one_problem_for_every_error(client, official):
    client.force_login(official)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    schemas = schema["components"]["schemas"]
    assert "Error" not in schemas
    assert schemas["Problem"]["required"] == ["type", "title", "status", "detail", "errors"]
    assert schemas["ProblemError"]["required"] == ["field", "code", "message"]
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            errors = {status for status in responses if status[0] in "45"}
            expected = {"400", "401", "403", "404", "429", "500", "503"}
            expected |= {"409"} if method != "get" else set()
            expected |= {"413", "415"} if "requestBody" in operation else set()
            assert errors == expected, (path, method)
            for status in errors:
                content = responses[status]["content"]
                assert list(content) == ["application/problem+json"], (path, method, status)
                assert content["application/problem+json"]["schema"] == problem_ref
                # An example of that status (not the 400's for every status).
                shown = content["application/problem+json"]["example"]
                assert shown["status"] == int(status), (path, method, status)
                assert set(shown) == set(schemas["Problem"]["required"])
            assert "WWW-Authenticate" in responses["401"]["headers"]
            assert responses["429"]["headers"]["Retry-After"]["required"] is True
            assert responses["503"]["headers"]["Retry-After"]["required"] is True
