"""What every operation may answer besides its success, added to the OpenAPI
schema (drf-spectacular post-processing hook): problem details (RFC 9457,
units/api/errors.py) under application/problem+json, one shared `Problem`
component whatever the operation, so that a generated client has one error
type."""

import copy

from django.utils import translation

from .errors import BLANK, CONFLICT_TYPE, CONTENT_TYPE, INVALID_INPUT, title_for

ERRORS = {
    "400": "Invalid input: `errors` names each field by its path",
    "401": "No valid token or session",
    "403": "Outside your role or scope: nothing was changed",
    "404": "Not found (or not yours to see), or a page past the end",
    "409": "Another decision changed these units first: nothing was written",
    "413": "The body is larger than the portal accepts",
    "415": "The body is not JSON",
    "429": "Too many requests (or wrong tokens): wait `Retry-After` seconds and retry",
    "500": "A server error (it was recorded): nothing was written",
    "503": "The database cannot be reached for a moment: retry after `Retry-After` seconds",
}
HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "description": "The scheme to authenticate with (`Token`)",
            "required": True,
            "schema": {"type": "string"},
        }
    },
    "429": {
        "Retry-After": {
            "description": "Seconds to wait before the next request",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}
HEADERS["503"] = HEADERS["429"]
WRITES = ("post", "put", "patch", "delete")


def problem_schemas(openapi_version: str) -> dict:
    nullable_string = (
        {"type": ["string", "null"]}
        if openapi_version.startswith("3.1")
        else {"type": "string", "nullable": True}
    )
    return {
        "ProblemError": {
            "type": "object",
            "description": "One thing wrong with the request.",
            "properties": {
                "field": nullable_string
                | {
                    "description": "The input's path, dotted (`decision.number`, "
                    "`new_units.0.name`); null when the error is about no one field"
                },
                "code": {
                    "type": "string",
                    "description": "Stable, for programs (`required`, `invalid`, "
                    "`not_found`, `conflict`, `throttled`…)",
                },
                "message": {"type": "string", "description": "In the request's language"},
            },
            "required": ["field", "code", "message"],
        },
        "Problem": {
            "type": "object",
            "description": "Problem details (RFC 9457).",
            "properties": {
                "type": {
                    "type": "string",
                    "format": "uri-reference",
                    "description": f"`{INVALID_INPUT}` (400 with fields), "
                    f"`{CONFLICT_TYPE}` (409), or `{BLANK}`: the HTTP status says it all",
                },
                "title": {
                    "type": "string",
                    "description": "Short, in the request's language: the status "
                    f"phrase for `{BLANK}`",
                },
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": {
                    "type": "string",
                    "description": "A sentence in the request's language: the first "
                    "message, with how many others follow",
                },
                "errors": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/ProblemError"},
                },
            },
            "required": ["type", "title", "status", "detail", "errors"],
        },
    }


FIELD_ERROR = {"field": "decision.number", "code": "required", "message": "This field is required."}
CODES = {
    "401": "not_authenticated",
    "403": "permission_denied",
    "404": "not_found",
    "409": "conflict",
    "413": "too_large",
    "415": "unsupported_media_type",
    "429": "throttled",
    "500": "error",
    "503": "unavailable",
}


def example(status: str) -> dict:
    """What an answer of that status looks like (in English), for the documentation."""
    if status == "400":
        return {
            "type": INVALID_INPUT,
            "title": "Invalid input",
            "status": 400,
            "detail": FIELD_ERROR["message"],
            "errors": [FIELD_ERROR],
        }
    message = ERRORS[status].split(":")[0].split(" (")[0] + "."
    with translation.override("en"):
        title = "Changed by another decision" if status == "409" else str(title_for(int(status)))
    return {
        "type": CONFLICT_TYPE if status == "409" else BLANK,
        "title": title,
        "status": int(status),
        "detail": message,
        "errors": [{"field": None, "code": CODES[status], "message": message}],
    }


def _statuses(method: str, operation: dict) -> list[str]:
    """409 only where something is written; 413 and 415 only where a body is read."""
    return [
        status
        for status in ERRORS
        if not (status == "409" and method not in WRITES)
        and not (status in ("413", "415") and "requestBody" not in operation)
    ]


def add_error_responses(result, generator, request, public):
    """Document the error answers of every operation (the fuzzing checks that
    each answer is documented)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("Error", None)
    schemas.update(problem_schemas(result.get("openapi", "3.0.3")))
    content = {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(method, operation):
                response = {
                    "description": responses.get(status, {}).get("description", ERRORS[status]),
                    "content": {
                        CONTENT_TYPE: {**content[CONTENT_TYPE], "example": example(status)}
                    },
                }
                if status in HEADERS:
                    response["headers"] = copy.deepcopy(HEADERS[status])
                responses[status] = response
    return result
