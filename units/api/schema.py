"""What every operation may answer besides its success, added to the OpenAPI
schema (drf-spectacular post-processing hook): the error bodies are JSON
objects of messages by field, or {"detail": …}."""

ERRORS = {
    "400": "Invalid input: messages by field path",
    "401": "No valid token or session",
    "403": "Outside your role or scope: nothing was changed",
    "404": "Not found (or not yours to see), or a page past the end",
    "409": "Another decision changed these units first: nothing was written",
    "429": "Too many requests: wait and retry",
}
ERROR_SCHEMA = {"type": "object", "additionalProperties": True}


def add_error_responses(result, generator, request, public):
    """Document the error answers of every operation (the fuzzing checks that
    each answer is documented)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                if status == "409" and method == "get":
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
