"""The schema is a contract a client can be generated from: JSON bodies only,
the same bytes in every language with every enum a named English component,
every answer declared with its headers (304, ETag, Last-Modified), the
parameters the views read, the authentications each operation accepts, and
typed bodies that the answers really match."""

import json
import re

import pytest
from django.conf import settings
from jsonschema import Draft7Validator

from tests.units.api.test_restructurings import consolidation, pair  # noqa: F401 (fixture)
from units.services.tokens import token_create

ENGLISH_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def as_json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema says it (beside an allOf too),
    and no property more than the object lists (a free-form object lists none)."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: as_json_schema(value) for key, value in node.items()}
    if node.get("type") == "object":
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def matches(spec: dict, component: str, body) -> None:
    """The body as the component says, no property more."""
    schema = {
        "$ref": f"#/components/schemas/{component}",
        "components": as_json_schema(spec["components"]),
    }
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(body)
    ]
    assert errors == []


def test_every_request_body_is_json_only(spec):
    bodies = {
        (path, method): sorted(operation["requestBody"]["content"])
        for path, method, operation in operations(spec)
        if "requestBody" in operation
    }
    assert bodies and set(map(tuple, bodies.values())) == {("application/json",)}
    text = json.dumps(spec)
    assert "multipart/form-data" not in text and "x-www-form-urlencoded" not in text


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ACCEPT_LANGUAGE": "vi"},
        {"HTTP_ACCEPT_LANGUAGE": "en"},
        {"HTTP_ACCEPT_LANGUAGE": "vi-VN,vi;q=0.9"},
    ],
)
def test_the_schema_is_the_same_whatever_the_language(client, headers):
    plain = client.get("/api/schema/")
    asked = client.get("/api/schema/", **headers)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    cookie = client.get("/api/schema/")
    lang = client.get("/api/schema/", {"lang": "vi"})
    assert plain.status_code == 200
    assert plain.content == asked.content == cookie.content == lang.content
    assert {r["Content-Language"] for r in (plain, asked, cookie, lang)} == {"en"}


def test_every_enum_is_a_named_english_component(spec):
    schemas = spec["components"]["schemas"]
    assert all(ENGLISH_NAME.fullmatch(name) for name in schemas), sorted(schemas)
    # No enum left inline: in parameters, bodies or answers, each is a $ref.
    inline = re.findall(r'"enum": \[', json.dumps(spec["paths"]))
    assert inline == []
    enums = {name: schema for name, schema in schemas.items() if "enum" in schema}
    named = set(settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"])
    assert set(enums) - {"BlankEnum", "NullEnum"} <= named
    for name in ("UnitOrderingEnum", "UnitStatusEnum", "AutonomyGroupEnum", "SectorEnum"):
        assert name in enums, name
    units = next(op for path, m, op in operations(spec) if path == "/api/v1/units/" and m == "get")
    ordering = next(p for p in units["parameters"] if p["name"] == "o")
    assert ordering["schema"]["items"] == {"$ref": "#/components/schemas/UnitOrderingEnum"}
    assert "`-name` - Name (descending)" in ordering["description"]


def test_enum_labels_in_both_languages_are_an_extension(spec):
    schemas = spec["components"]["schemas"]
    for name, schema in schemas.items():
        if name in ("BlankEnum", "NullEnum") or "enum" not in schema:
            continue
        labels = schema["x-enum-labels"]
        assert set(labels) == {"vi", "en"}, name
        assert all(len(labels[code]) == len(schema["enum"]) for code in labels), name
    kind = schemas["UnitKindEnum"]
    service = kind["enum"].index("service")
    assert kind["x-enum-labels"]["vi"][service] == "Đơn vị sự nghiệp công lập"
    # Outside the extension and the literal examples, the schema is English.
    without = {**spec, "components": {**spec["components"], "schemas": {}}}
    for name, schema in schemas.items():
        without["components"]["schemas"][name] = {
            k: v for k, v in schema.items() if k not in ("x-enum-labels", "example")
        }
    assert not re.search(
        "[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐ]", json.dumps(without, ensure_ascii=False)
    )


def test_figures_declare_304_and_their_validators(spec):
    figures = spec["paths"]["/api/v1/figures/"]["get"]
    for status in ("200", "304"):
        headers = figures["responses"][status]["headers"]
        assert headers["ETag"]["required"] is True
        assert "Last-Modified" in headers
    sent = {p["name"] for p in figures["parameters"] if p["in"] == "header"}
    assert sent == {"If-None-Match", "If-Modified-Since"}


def test_figures_answer_with_the_declared_headers(client, official, district, unit):
    client.force_login(official)
    first = client.get("/api/v1/figures/", {"scope": district.pk})
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/api/v1/figures/", {"scope": district.pk}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


def test_status_on_a_units_detail_is_declared_and_changes_nothing(spec, client, official, unit):
    detail = spec["paths"]["/api/v1/units/{id}/"]["get"]
    status = next(p for p in detail["parameters"] if p["name"] == "status")
    assert status["deprecated"] is True
    client.force_login(official)
    plain = client.get(f"/api/v1/units/{unit.pk}/")
    assert plain.status_code == 200
    for value in ("all", "closed"):
        assert client.get(f"/api/v1/units/{unit.pk}/", {"status": value}).json() == plain.json()


def test_a_token_is_not_among_the_ways_to_create_a_token(spec, client, clerk):
    create = spec["paths"]["/api/v1/tokens/"]["post"]
    assert create["security"] == [{"basicAuth": []}, {"cookieAuth": []}]
    assert "token" in create["responses"]["403"]["description"].lower()
    listing = spec["paths"]["/api/v1/tokens/"]["get"]
    assert {"tokenAuth": []} in listing["security"]
    _token, text = token_create(actor=clerk, name="x", days=1)
    refused = client.post(
        "/api/v1/tokens/",
        {"name": "y"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {text}",
    )
    assert refused.status_code == 403 and clerk.api_tokens.count() == 1


def test_no_answer_is_a_free_form_object(spec):
    def loose(node, where):
        if isinstance(node, dict):
            if node.get("type") == "object" and not {"properties", "$ref"} & set(node):
                yield where
            if node.get("additionalProperties") is True:
                yield where
            for key, value in node.items():
                yield from loose(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from loose(value, f"{where}/{index}")

    assert list(loose(spec, "#")) == []


def test_the_summary_matches_its_schema(spec, client, official, district, unit):
    client.force_login(official)
    for params in ({}, {"scope": district.pk, "base_year": 2020}):
        response = client.get("/api/v1/figures/summary/", params)
        assert response.status_code == 200, response.content
        matches(spec, "FigureSummary", response.json())
        assert response.json()["waterfall"]


def test_the_dry_run_plan_matches_its_schema(spec, client, clerk, pair):  # noqa: F811
    client.force_login(clerk)
    response = client.post(
        "/api/v1/restructurings/?dry_run=1", consolidation(*pair), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    matches(spec, "RestructuringPlan", response.json())
    plan = response.json()
    assert {unit["id"] for unit in plan["ceasing"]} == {unit.pk for unit in pair}
    assert plan["created"][0]["area"] == pair[0].area_id
    operation = spec["paths"]["/api/v1/restructurings/"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RestructuringPlan"
    }


def test_the_schema_is_generated_once_per_process(client, monkeypatch):
    """Generating it costs seconds: the second reader, in any language and
    format, is served what the first one caused (it depends on the code alone)."""
    from drf_spectacular.generators import SchemaGenerator

    from units.api.urls import SCHEMAS

    SCHEMAS.clear()
    calls = []
    generate = SchemaGenerator.get_schema
    monkeypatch.setattr(
        SchemaGenerator, "get_schema", lambda self, **kw: calls.append(1) or generate(self, **kw)
    )
    first = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="vi")
    again = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en")
    as_json = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert first.status_code == again.status_code == as_json.status_code == 200
    assert first.content == again.content and as_json.json()["info"]["title"] == "ReformWatch API"
    assert len(calls) == 1
