"""Supervision in the schema: its enums are named English components (the
list filters' too), with their labels in both languages; its writes take JSON
bodies only, now from the API's settings rather than each view's."""

from urllib.parse import urlencode

import pytest

from supervision.choices import NotificationKind, RecommendationStatus

REF = "#/components/schemas/"


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def parameter(spec: dict, path: str, name: str) -> dict:
    return next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name)


def test_the_filters_enums_are_named(spec):
    status = parameter(spec, "/api/v1/recommendations/", "status")
    assert status["schema"] == {"$ref": f"{REF}RecommendationStatusFilterEnum"}
    values = spec["components"]["schemas"]["RecommendationStatusFilterEnum"]["enum"]
    assert set(values) == {*RecommendationStatus.values, "overdue"}
    sessions = parameter(spec, "/api/v1/sessions/", "status")
    assert sessions["schema"] == {"$ref": f"{REF}SessionStatusEnum"}


def test_the_notices_and_the_outcomes_have_names_and_labels(spec):
    schemas = spec["components"]["schemas"]
    kind = schemas["NotificationKindEnum"]
    assert kind["enum"] == NotificationKind.values
    assert len(kind["x-enum-labels"]["vi"]) == len(kind["enum"])
    outcome = schemas["AssessInputRequest"]["properties"]["outcome"]
    assert outcome == {"$ref": f"{REF}AssessmentOutcomeEnum"}


@pytest.mark.parametrize(
    "url", ["/api/v1/sessions/", "/api/v1/plans/", "/api/v1/notifications/read/"]
)
def test_a_form_body_is_refused(client, admin_user, body, url):
    client.force_login(admin_user)
    response = client.post(
        url, urlencode({"topic": "x"}), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415, (url, response.content)
