"""docs/openapi.yaml is the code's schema, committed: every change to the API
shows as a diff of that file in review, and clients are generated from it
(docs/API.md, "Generated clients"). It must be valid OpenAPI."""

import difflib
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import OpenAPIV30SpecValidator

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT / "docs" / "openapi.yaml"
REGENERATE = (
    ".venv/bin/python manage.py spectacular --file docs/openapi.yaml --validate --fail-on-warn"
)


def generate_schema(path: Path) -> bytes:
    """The schema as the command above writes it (the default settings, the
    default language), into `path`."""
    call_command("spectacular", file=str(path), validate=True, fail_on_warn=True)
    return path.read_bytes()


def test_the_committed_schema_is_the_codes(tmp_path):
    generated = generate_schema(tmp_path / "openapi.yaml")
    committed = SCHEMA.read_bytes() if SCHEMA.exists() else b""
    if generated != committed:
        diff = difflib.unified_diff(
            committed.decode().splitlines(),
            generated.decode().splitlines(),
            "docs/openapi.yaml (committed)",
            "the code's schema",
            lineterm="",
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(
            f"docs/openapi.yaml is not the code's schema; regenerate it and commit the diff:\n"
            f"    {REGENERATE}\n{shown}",
            pytrace=False,
        )


def test_the_committed_schema_is_valid_openapi():
    spec = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.0.")
    errors = [str(error) for error in OpenAPIV30SpecValidator(spec).iter_errors()]
    assert errors == []
