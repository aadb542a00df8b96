"""Reading the API's errors in tests: problem details (RFC 9457) under
application/problem+json, with the fields named by their paths."""

import json


def problem(response) -> dict:
    """The body, once its content type and status are checked."""
    assert response["Content-Type"] == "application/problem+json", response.content
    body = json.loads(response.content)
    assert body["status"] == response.status_code, body
    return body


def fields(response) -> list[str | None]:
    """The path of each error, in order (null for an error about no one field)."""
    return [error["field"] for error in problem(response)["errors"]]
